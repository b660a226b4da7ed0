import AxeBuilder from "@axe-core/playwright";
import { expect as baseExpect, test, type Page } from "@playwright/test";
import { LlmServer } from "../apps/temporal-worker/src/testing/llm-server.ts";
import { collectPageErrors } from "./console-guard.ts";
import {
  GATEWAY_URL,
  createAgent,
  createWorkspace,
  gql,
  screenshot,
  signInViaUi,
  signUpViaApi,
} from "./helpers.ts";

const expect = baseExpect.configure({ timeout: 30_000 });

const GREETER = {
  version: 1,
  inputs: {},
  nodes: [{ id: "hello", type: "log", config: { message: "hi" }, position: { x: 0, y: 0 } }],
  edges: [],
};

/** What the model "answers" to an edit request: the current spec plus one transform step after hello. */
const WITH_SHOUT = [
  "---",
  "name: Greeter",
  "---",
  "",
  "## hello · log",
  "",
  "```yaml",
  "message: hi",
  "```",
  "",
  "## shout · transform",
  "",
  "Shout the greeting.",
  "",
  "after: hello",
  "",
  "```yaml",
  'expression: $uppercase("hi")',
  "```",
  "",
].join("\n");

/** A spec the compiler rejects (misspelt node type), every time. */
const BROKEN = "```markdown\n---\nname: Greeter\n---\n\n## hello · logg\n\n```yaml\nmessage: hi\n```\n```";

async function setProvider(token: string, ws: string, llm: LlmServer) {
  await gql(
    `mutation($ws: ID!, $b: String) { setProvider(workspaceId: $ws, provider: "openai", secretName: "OPENAI_API_KEY", baseUrl: $b) { id } }`,
    { ws, b: `${llm.origin}/v1` },
    token,
  );
}

async function setApiKey(token: string, ws: string, llm: LlmServer): Promise<string> {
  const data = await gql<{ setSecret: { id: string } }>(
    `mutation($ws: ID!, $v: String!) { setSecret(workspaceId: $ws, name: "OPENAI_API_KEY", value: $v) { id } }`,
    { ws, v: llm.keys.openai },
    token,
  );
  return data.setSecret.id;
}

/** Holds the browser's next generateSpec request until `release()`, so the waiting state can be seen. */
async function holdNextGeneration(page: Page): Promise<{ release: () => void }> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  await page.route(GATEWAY_URL, async (route) => {
    if (!held && route.request().postData()?.includes("GenerateSpec")) {
      held = true;
      await gate;
    }
    await route.continue();
  });
  return { release };
}

async function draftNodeIds(token: string, agentId: string): Promise<string[]> {
  const data = await gql<{ agent: { draftGraph: { nodes: { id: string }[] } } }>(
    `query($id: ID!) { agent(id: $id) { draftGraph } }`,
    { id: agentId },
    token,
  );
  return data.agent.draftGraph.nodes.map((n) => n.id);
}

test("describe a change in English: no provider, then propose, discard, accept, and a spec that will not compile", async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  const owner = await signUpViaApi("describer", "Dee Scriber");
  const ws = await createWorkspace(owner.token, "English team");
  const agentId = await createAgent(owner.token, ws, "Greeter", GREETER);
  const errors = collectPageErrors(page);
  const llm = await new LlmServer().start();
  try {
    await signInViaUi(page, owner.email);
    await page.goto(`/w/${ws}/agents/${agentId}`);
    await expect(page.locator('.react-flow__node[data-id="hello"]')).toBeVisible();

    // No provider yet: a clear message that links to the settings page.
    await page.getByRole("button", { name: "Describe in English" }).click();
    const panel = page.getByRole("complementary", { name: "Describe in English" });
    await expect(panel.getByTestId("describe-no-provider")).toContainText("No LLM provider is configured");
    await expect(panel.getByRole("link", { name: "Settings → Providers" })).toHaveAttribute(
      "href",
      `/w/${ws}/settings/providers`,
    );
    await screenshot(page, testInfo, "describe-no-provider");

    // A provider whose API key secret was deleted since: the server's message, and where to fix it.
    const secretId = await setApiKey(owner.token, ws, llm);
    await setProvider(owner.token, ws, llm);
    await gql(`mutation($id: ID!) { deleteSecret(id: $id) }`, { id: secretId }, owner.token);
    await panel.getByRole("button", { name: "Check again" }).click();
    const prompt = panel.getByLabel("What should change?");
    await expect(prompt).toBeVisible();

    // An empty request names the field.
    await panel.getByRole("button", { name: "Propose change" }).click();
    await expect(panel.getByText("Describe the agent or the change you want.")).toBeVisible();

    await prompt.fill("Add a step after hello that shouts the greeting");
    await prompt.press("Control+Enter");
    const failure = panel.getByRole("alert").filter({ hasText: "OPENAI_API_KEY" });
    await expect(failure).toContainText("does not exist");
    await expect(failure.getByRole("link", { name: "Settings → Providers" })).toBeVisible();
    expect(llm.requests).toHaveLength(0);
    await setApiKey(owner.token, ws, llm);

    llm.answer = () => "Here you go:\n```markdown\n" + WITH_SHOUT + "```";
    const hold = await holdNextGeneration(page);
    await prompt.press("Control+Enter");
    await expect(panel.getByRole("status").filter({ hasText: "Writing the spec" })).toBeVisible();
    await expect(prompt).toBeDisabled();
    hold.release();

    const proposal = panel.getByRole("region", { name: "Proposed change" });
    await expect(proposal.getByRole("region", { name: "Steps and connections" })).toContainText(
      "step shout added",
    );
    await expect(proposal).toContainText("connection hello → shout");
    const specDiff = proposal.getByRole("region", { name: "AgentSpec changes" });
    await expect(specDiff.locator(".spec-diff-added")).toContainText(["## shout · transform"]);
    await expect(specDiff.locator(".spec-diff-removed")).toHaveCount(0);
    // Edit mode: the model was given the current draft's spec.
    expect(llm.requests).toHaveLength(1);
    expect(llm.requests[0]!.prompt).toContain("## hello · log");
    expect(llm.requests[0]!.prompt).toContain("Add a step after hello that shouts the greeting");
    await screenshot(page, testInfo, "describe-proposal");

    const axe = await new AxeBuilder({ page })
      .include(".describe-panel")
      .withTags(["wcag2a", "wcag2aa"])
      .analyze();
    expect(
      axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id),
    ).toEqual([]);

    // Discard: nothing changes, on the canvas or on the server.
    await proposal.getByRole("button", { name: "Discard" }).click();
    await expect(proposal).toHaveCount(0);
    await expect(page.locator(".react-flow__node")).toHaveCount(1);
    await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
    expect(await draftNodeIds(owner.token, agentId)).toEqual(["hello"]);

    // Again, and accept: canvas, spec view and the saved draft all have the new step.
    await prompt.fill("Add a step after hello that shouts the greeting");
    await prompt.press("Control+Enter");
    await proposal.getByRole("button", { name: "Accept" }).click();
    await expect(page.locator('.react-flow__node[data-id="shout"]')).toBeVisible();
    await expect(page.locator(".react-flow__edge")).toHaveCount(1);
    await expect(page.getByRole("status").filter({ hasText: "Applied the described change" })).toContainText(
      "1 step added",
    );
    await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
    await expect.poll(() => draftNodeIds(owner.token, agentId)).toEqual(["hello", "shout"]);
    await page.getByRole("tab", { name: "AgentSpec" }).click();
    await expect(page.locator(".monaco-editor .view-lines")).toContainText("shout · transform");
    await screenshot(page, testInfo, "describe-accepted");

    // Undo takes the whole proposal back in one step.
    await page.getByRole("tab", { name: "Canvas" }).click();
    await page.getByRole("button", { name: "Undo", exact: true }).click();
    await expect(page.locator(".react-flow__node")).toHaveCount(1);
    await page.getByRole("button", { name: "Redo", exact: true }).click();
    await expect(page.locator('.react-flow__node[data-id="shout"]')).toBeVisible();

    // A model whose spec never compiles: diagnostics, and nothing to accept.
    llm.answer = () => BROKEN;
    const before = llm.requests.length;
    await prompt.fill("Rename hello");
    await prompt.press("Control+Enter");
    const diagnostics = proposal.getByTestId("describe-diagnostics");
    await expect(diagnostics).toContainText("does not compile");
    await expect(diagnostics.getByRole("listitem").first()).toContainText(/logg/);
    await expect(proposal.getByRole("button", { name: "Accept" })).toHaveCount(0);
    expect(llm.requests.length - before).toBe(3); // the first answer and two repairs
    await proposal.getByRole("button", { name: "Discard" }).click();
    await expect(page.locator(".react-flow__node")).toHaveCount(2);

    // Stop waiting: the model call is given up on the server side too, not paid for unseen.
    llm.stall = true;
    const asked = llm.requests.length;
    await prompt.fill("Rename hello");
    await prompt.press("Control+Enter");
    await expect.poll(() => llm.requests.length).toBe(asked + 1);
    await panel.getByRole("button", { name: "Stop waiting" }).click();
    await expect(prompt).toBeEnabled();
    await expect(panel.getByRole("status").filter({ hasText: "Writing the spec" })).toHaveCount(0);
    await expect.poll(() => llm.requests.at(-1)!.abandonedAt).not.toBeUndefined();
    llm.stall = false;
    expect(llm.requests).toHaveLength(asked + 1);

    // Closing the panel.
    await panel.getByRole("button", { name: "Close the English panel" }).click();
    await expect(panel).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Describe in English" })).toBeFocused();

    // An empty agent: the model writes a whole spec (no current spec is sent).
    const blank = await createAgent(owner.token, ws, "Blank", {
      version: 1,
      inputs: {},
      nodes: [],
      edges: [],
    });
    llm.answer = () => "```markdown\n" + WITH_SHOUT + "```";
    await page.goto(`/w/${ws}/agents/${blank}`);
    await page.getByRole("button", { name: "Describe in English" }).click();
    const fresh = panel.getByLabel("Describe the agent you want");
    await fresh.fill("Log hi, then shout it");
    await panel.getByRole("button", { name: "Write the agent" }).click();
    await expect(proposal.getByRole("region", { name: "Steps and connections" })).toContainText(
      "step hello added",
    );
    expect(llm.requests.at(-1)!.prompt).toContain("Write an AgentSpec for this request");
    await proposal.getByRole("button", { name: "Accept" }).click();
    await expect(page.locator(".react-flow__node")).toHaveCount(2);
    await expect.poll(() => draftNodeIds(owner.token, blank)).toEqual(["hello", "shout"]);
    expect(errors).toEqual([]);
  } finally {
    await llm.stop();
  }
});

test("a VIEWER cannot open the English panel", async ({ page }) => {
  test.setTimeout(90_000);
  const owner = await signUpViaApi("describe-owner");
  const ws = await createWorkspace(owner.token, "Read-only English");
  const agentId = await createAgent(owner.token, ws, "Greeter", GREETER);
  const viewer = await signUpViaApi("describe-viewer");
  await gql(
    `mutation($ws: ID!, $email: String!) { inviteMember(workspaceId: $ws, email: $email, role: VIEWER) { role } }`,
    { ws, email: viewer.email },
    owner.token,
  );
  const errors = collectPageErrors(page);
  await signInViaUi(page, viewer.email);
  await page.goto(`/w/${ws}/agents/${agentId}`);
  await expect(page.getByTestId("read-only-badge")).toBeVisible();
  await expect(page.getByRole("button", { name: "Describe in English" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Accept" })).toHaveCount(0);
  // The API refuses it too.
  await expect(
    gql(
      `mutation($ws: ID!) { generateSpec(workspaceId: $ws, prompt: "anything") { ok } }`,
      { ws },
      viewer.token,
    ),
  ).rejects.toThrow(/permission|FORBIDDEN|not allowed|role/i);
  expect(errors).toEqual([]);
});

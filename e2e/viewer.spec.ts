import { expect as baseExpect, test } from "@playwright/test";
import { collectPageErrors } from "./console-guard.ts";
import {
  TWO_STEP_GRAPH,
  createAgent,
  createWorkspace,
  gql,
  screenshot,
  signInViaUi,
  signUpViaApi,
} from "./helpers.ts";

const expect = baseExpect.configure({ timeout: 20_000 });

test("a VIEWER sees the workspace and agents but no edit controls", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const owner = await signUpViaApi("owner", "Olive Owner");
  const ws = await createWorkspace(owner.token, "Read-only team");
  const agentId = await createAgent(owner.token, ws, "Watched agent", TWO_STEP_GRAPH);
  const viewer = await signUpViaApi("viewer", "Vic Viewer");
  await gql(
    `mutation($ws: ID!, $email: String!) { inviteMember(workspaceId: $ws, email: $email, role: VIEWER) { role } }`,
    { ws, email: viewer.email },
    owner.token,
  );

  const errors = collectPageErrors(page);
  await signInViaUi(page, viewer.email);
  await expect(page).toHaveURL(new RegExp(`/w/${ws}$`));
  await expect(page.getByText("Your role: viewer")).toBeVisible();

  // Agents list: readable, no "New agent".
  await expect(page.getByRole("link", { name: "Watched agent" })).toBeVisible();
  await expect(page.getByRole("button", { name: "New agent" })).toHaveCount(0);

  // Editor: canvas and settings visible, nothing editable.
  await page.getByRole("link", { name: "Watched agent" }).click();
  await expect(page.getByTestId("read-only-badge")).toBeVisible();
  await expect(page.locator('.react-flow__node[data-id="write"]')).toBeVisible();
  await expect(page.getByRole("complementary", { name: "Node palette" })).toHaveCount(0);
  for (const name of ["Publish", "Undo", "Redo", "Auto-layout"]) {
    await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
  }
  await page.locator('.react-flow__node[data-id="write"]').click();
  await expect(page.getByLabel("Display name")).toBeDisabled();
  await expect(page.getByLabel(/^Prompt/)).toBeDisabled();
  await expect(page.getByRole("button", { name: "Delete step" })).toHaveCount(0);
  await screenshot(page, testInfo, "viewer-editor");

  // Versions open, but without rollback buttons.
  await page.getByRole("button", { name: "Versions" }).click();
  await expect(page.getByRole("dialog", { name: "Versions" })).toContainText("Nothing published yet");
  await page.getByRole("dialog").getByRole("button", { name: "Close" }).click();

  // The JSON view is read-only.
  await page.getByRole("tab", { name: "Graph JSON" }).click();
  await expect(page.locator(".monaco-editor .view-lines")).toContainText("llm.generate");
  await page.locator(".monaco-editor .view-lines").click();
  await page.keyboard.type("zzz");
  await expect(page.locator(".monaco-editor .view-lines")).not.toContainText("zzz");

  // Settings: no invite form, no role pickers, no secret or key forms.
  await page.getByRole("link", { name: "Members" }).click();
  await expect(page.getByRole("row", { name: /Olive Owner/ })).toBeVisible();
  await expect(page.getByRole("form", { name: "Invite a member" })).toHaveCount(0);
  await expect(page.getByRole("combobox", { name: /Role of/ })).toHaveCount(0);
  await page.getByRole("link", { name: "Secrets" }).click();
  await expect(page.getByRole("heading", { name: "Secrets" })).toBeVisible();
  await expect(page.getByRole("form", { name: "Set a secret" })).toHaveCount(0);
  await page.getByRole("link", { name: "API keys" }).click();
  await expect(page.getByText("Only admins can create API keys")).toBeVisible();

  // The API enforces it too.
  const denied = await fetch(process.env.GATEWAY_URL ?? "http://localhost:4000/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${viewer.token}` },
    body: JSON.stringify({
      query: `mutation($id: ID!) { updateDraft(agentId: $id, graph: { version: 1, nodes: [] }) { id } }`,
      variables: { id: agentId },
    }),
  }).then((r) => r.json() as Promise<{ errors?: { extensions?: { code?: string } }[] }>);
  expect(denied.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

  expect(errors).toEqual([]);
});

import { expect as baseExpect, test } from "@playwright/test";
import { collectPageErrors } from "./console-guard.ts";
import { createAgent, createWorkspace, gql, screenshot, signInViaUi, signUpViaApi } from "./helpers.ts";

const expect = baseExpect.configure({ timeout: 30_000 });

const GREETER = {
  version: 1,
  inputs: { who: { type: "string", default: "world", description: "Who to greet" } },
  nodes: [
    { id: "hello", type: "log", config: { message: "hi {{input.who}}" }, position: { x: 0, y: 0 } },
    // Holds the run in flight until someone decides: the live states are seen without timing.
    {
      id: "check",
      type: "approval",
      config: { message: "Greet {{input.who}}?" },
      position: { x: 300, y: 0 },
    },
    {
      id: "shout",
      type: "transform",
      config: { expression: "$uppercase(input.who)" },
      position: { x: 600, y: 0 },
    },
  ],
  edges: [
    { from: "hello", to: "check" },
    { from: "check", to: "shout" },
  ],
};

test("run the live version from the editor and watch it finish", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const user = await signUpViaApi("runner", "Rae Runner");
  const ws = await createWorkspace(user.token, "Run team");
  const agentId = await createAgent(user.token, ws, "Greeter", GREETER);
  const errors = collectPageErrors(page);
  await signInViaUi(page, user.email);

  // Unpublished: Run is disabled with a reason.
  await page.goto(`/w/${ws}/agents/${agentId}`);
  await expect(page.getByRole("button", { name: "Run", exact: true })).toBeDisabled();
  await gql(
    `mutation($id: ID!) { publishAgent(agentId: $id, note: "v1") { number } }`,
    { id: agentId },
    user.token,
  );
  await page.reload();

  await page.getByRole("button", { name: "Run", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Run the live version" });
  await expect(dialog.getByLabel(/^who/)).toHaveValue("world");
  await dialog.getByLabel(/^who/).fill("weaver");
  await dialog.getByRole("button", { name: "Start run" }).click();

  await expect(page).toHaveURL(new RegExp(`/w/${ws}/runs/[0-9a-f-]{36}$`));
  // Live: the page moves from running to succeeded on its own (runEvents subscription), on the
  // canvas and in the timeline.
  const node = (id: string) => page.locator(`.react-flow__node[data-id="${id}"] .wnode`);
  const row = (id: string) => page.locator(`.gantt tr[data-node-id="${id}"]`);
  await expect(page.getByTestId("run-status")).toHaveText("running");
  await expect(node("check")).toHaveAttribute("data-status", "waiting");
  await expect(row("check")).toContainText("Waiting for approval");
  await expect(node("shout")).toHaveAttribute("data-status", "pending");
  await expect(page.getByText("Live (event")).toBeVisible();
  await node("check").click();
  // The question is rendered with the run's input.
  await expect(page.getByRole("group", { name: "Approval for check" })).toContainText("Greet weaver?");
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("run-status")).toHaveText("succeeded");
  for (const id of ["hello", "check", "shout"]) {
    await expect(node(id)).toHaveAttribute("data-status", "succeeded");
    await expect(row(id)).toHaveAttribute("data-status", "succeeded");
  }
  // Details of a step: from the canvas, and from the timeline.
  await node("shout").click();
  await expect(page.getByRole("region", { name: "Output of shout" })).toContainText('"WEAVER"');
  await row("hello").getByRole("button", { name: "hello" }).click();
  await expect(page.getByRole("region", { name: "Logs of hello" })).toContainText("hi weaver");
  await screenshot(page, testInfo, "run-view");

  await page.getByRole("link", { name: "Runs" }).click();
  await expect(page.getByRole("row", { name: /Greeter/ })).toContainText("succeeded");
  expect(errors).toEqual([]);
});

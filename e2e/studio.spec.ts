import { expect as baseExpect, test, type Page } from "@playwright/test";
import { collectPageErrors } from "./console-guard.ts";
import { PASSWORD, screenshot, uniqueEmail } from "./helpers.ts";

// Generous: the first visit of a route compiles it when specs run against `next dev`.
const expect = baseExpect.configure({ timeout: 20_000 });

/** Edits the open Monaco editor through its own find/replace widget (deterministic, no mouse maths). */
async function replaceInEditor(page: Page, word: string, replacement: string) {
  await page.locator(".monaco-editor .view-lines").click();
  await page.keyboard.press("Control+H");
  const widget = page.locator(".monaco-editor .find-widget");
  await widget.getByRole("textbox", { name: "Find" }).fill(word);
  await widget.getByRole("textbox", { name: "Replace" }).fill(replacement);
  await widget.getByRole("button", { name: /^Replace All/ }).click();
  await page.keyboard.press("Escape");
  await expect(page.locator(".monaco-editor .view-lines")).toContainText(replacement);
}

/** Drags from one node's output handle to the other's input; retried while the canvas settles. */
async function connectNodes(page: Page, from: string, to: string) {
  const source = page.locator(`.react-flow__node[data-id="${from}"] .react-flow__handle.source`);
  const target = page.locator(`.react-flow__node[data-id="${to}"] .react-flow__handle.target`);
  await expect(async () => {
    const sb = await source.boundingBox();
    const tb = await target.boundingBox();
    if (!sb || !tb) throw new Error("handles not rendered yet");
    await page.mouse.move(sb.x + sb.width / 2, sb.y + sb.height / 2);
    await page.mouse.down();
    await page.mouse.move(sb.x + 40, sb.y + 10, { steps: 5 });
    await page.mouse.move(tb.x + tb.width / 2, tb.y + tb.height / 2, { steps: 10 });
    await page.mouse.up();
    await baseExpect(page.locator(".react-flow__edge")).toHaveCount(1, { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
}

async function openNode(page: Page, id: string) {
  await page.locator(`.react-flow__node[data-id="${id}"]`).click();
  await expect(page.getByRole("complementary", { name: "Step settings" })).toBeVisible();
  await expect(page.getByLabel("Step id")).toHaveValue(id);
}

async function expectSaved(page: Page) {
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved", { timeout: 15_000 });
}

test("sign up, build an agent in three synchronised views, autosave, publish and roll back", async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  const errors = collectPageErrors(page);
  const email = uniqueEmail("journey");

  // Sign up with field validation first.
  await page.goto("/signup");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter your email address.")).toBeVisible();
  await expect(page.getByText("Use at least 10 characters.")).toBeVisible();
  await page.getByLabel("Name").fill("Journey Tester");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();

  // No workspace yet: the empty state creates one.
  await expect(page.getByRole("heading", { name: "Create your first workspace" })).toBeVisible();
  await screenshot(page, testInfo, "first-workspace");
  await page.getByLabel("Workspace name").fill("Journey team");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: "Agents" })).toBeVisible();
  await expect(page.getByText("No agents yet")).toBeVisible();

  await page.getByRole("button", { name: "New agent" }).click();
  await page.getByRole("dialog").getByLabel("Agent name").fill("Poetry bot");
  await page.getByRole("dialog").getByRole("button", { name: "Create agent" }).click();
  await expect(page).toHaveURL(/\/agents\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: "Poetry bot" })).toBeVisible();

  // Canvas: two steps from the palette, then connect them.
  await page.getByRole("button", { name: "Add Generate text" }).click();
  await expect(page.locator('.react-flow__node[data-id="generate"]')).toBeVisible();
  await page.getByLabel("Search node types").fill("log");
  await page.getByRole("button", { name: "Add Log" }).click();
  await expect(page.locator('.react-flow__node[data-id="log"]')).toBeVisible();
  await connectNodes(page, "generate", "log");
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);
  await expectSaved(page);

  // Side panel: edit config fields generated from the JSON Schema.
  await openNode(page, "generate");
  await page.getByLabel("Display name").fill("Poet");
  await page.getByLabel(/^Prompt/).fill("haiku_about_looms");
  await expect(page.locator('.react-flow__node[data-id="generate"]')).toContainText("Poet");
  await screenshot(page, testInfo, "canvas-with-panel");

  // Graph JSON reflects the form; editing the JSON updates the canvas.
  await page.getByRole("tab", { name: "Graph JSON" }).click();
  await expect(page.locator(".monaco-editor .view-lines")).toContainText("haiku_about_looms");
  await replaceInEditor(page, "Poet", "Bard");
  await expect(page.getByRole("status", { name: "Graph JSON status" })).toContainText("Valid Graph v1");
  await screenshot(page, testInfo, "json-view");
  await page.getByRole("tab", { name: "Canvas" }).click();
  await expect(page.locator('.react-flow__node[data-id="generate"]')).toContainText("Bard");

  // AgentSpec: printed from the graph; editing it updates the canvas.
  await page.getByRole("tab", { name: "AgentSpec" }).click();
  await expect(page.locator(".monaco-editor .view-lines")).toContainText("haiku_about_looms");
  await replaceInEditor(page, "haiku_about_looms", "ode_to_thread");
  await expect(page.getByRole("status", { name: "AgentSpec status" })).toContainText("Spec compiles");
  await screenshot(page, testInfo, "spec-view");
  await page.getByRole("tab", { name: "Canvas" }).click();
  await openNode(page, "generate");
  await expect(page.getByLabel(/^Prompt/)).toHaveValue("ode_to_thread");

  // Autosave survives a reload.
  await expectSaved(page);
  await page.reload();
  await openNode(page, "generate");
  await expect(page.getByLabel(/^Prompt/)).toHaveValue("ode_to_thread");
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);

  // Publish v1.
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await page.getByRole("dialog").getByLabel("Note").fill("First cut");
  await page.getByRole("dialog").getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText("Live: v1")).toBeVisible();

  // Change, publish v2.
  await page.getByLabel(/^Prompt/).fill("second_draft");
  await expectSaved(page);
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await page.getByRole("dialog").getByLabel("Note").fill("Second cut");
  await page.getByRole("dialog").getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText("Live: v2")).toBeVisible();

  // Versions: both listed with a diff; roll back to v1 in one click.
  await page.getByRole("button", { name: "Versions" }).click();
  const dialog = page.getByRole("dialog", { name: "Versions" });
  const v1 = dialog.locator('[data-version="1"]');
  const v2 = dialog.locator('[data-version="2"]');
  await expect(v2).toContainText("Live");
  await expect(v1).toContainText("First cut");
  await v2.getByRole("button", { name: "Changes" }).click();
  await expect(v2.getByRole("region", { name: "Compared with v1" })).toContainText("step generate changed");
  await screenshot(page, testInfo, "versions");
  await v1.getByRole("button", { name: "Make v1 live" }).click();
  await expect(v1).toContainText("Live");
  await expect(v2.getByRole("button", { name: "Make v2 live" })).toBeVisible();
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(page.getByText("Live: v1")).toBeVisible();

  // The agents list shows the live version.
  await page.getByRole("link", { name: "Agents" }).first().click();
  await expect(page.getByRole("row", { name: /Poetry bot/ })).toContainText("v1");

  // Sign out returns to the landing page.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);

  await page.waitForLoadState("networkidle");
  expect(errors).toEqual([]);
});

test("sign-in shows a clear message for a wrong password", async ({ page }) => {
  const errors = collectPageErrors(page);
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Enter your email address.")).toBeVisible();
  await expect(page.getByText("Enter your password.")).toBeVisible();
  await page.getByLabel("Email").fill(uniqueEmail("nobody"));
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("That email and password do not match an account.")).toBeVisible();
  expect(errors.filter((e) => !e.includes("401"))).toEqual([]);
});

import { expect as baseExpect, test, type Page } from "@playwright/test";
import { collectPageErrors } from "./console-guard.ts";
import {
  TWO_STEP_GRAPH,
  createAgent,
  createWorkspace,
  screenshot,
  signInViaUi,
  signUpViaApi,
} from "./helpers.ts";

const expect = baseExpect.configure({ timeout: 20_000 });

async function expectSaved(page: Page) {
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
}

test("two tabs editing one agent: the stale one sees who changed it and loses nothing", async ({
  browser,
}, testInfo) => {
  test.setTimeout(120_000);
  const user = await signUpViaApi("conflict", "Casey Conflict");
  const ws = await createWorkspace(user.token, "Conflict team");
  const agentId = await createAgent(user.token, ws, "Shared agent", TWO_STEP_GRAPH);
  const url = `/w/${ws}/agents/${agentId}`;

  const first = await browser.newContext();
  const second = await browser.newContext();
  const a = await first.newPage();
  const b = await second.newPage();
  const errorsA = collectPageErrors(a);
  const errorsB = collectPageErrors(b);
  await signInViaUi(a, user.email);
  await signInViaUi(b, user.email);

  // Both tabs open the same draft revision.
  await a.goto(url);
  await b.goto(url);
  await expect(a.locator('.react-flow__node[data-id="write"]')).toBeVisible();
  await expect(b.locator('.react-flow__node[data-id="write"]')).toBeVisible();

  // Tab A saves first.
  await a.getByRole("button", { name: "Add Transform" }).click();
  await expect(a.locator('.react-flow__node[data-id="transform"]')).toBeVisible();
  await expectSaved(a);

  // Tab B, still on the old revision, edits: its save is refused with who changed it.
  await b.locator('.react-flow__node[data-id="write"]').click();
  await b.getByLabel("Display name").fill("Mine from tab B");
  const banner = b.getByTestId("conflict-banner");
  await expect(banner).toBeVisible();
  await expect(banner).toContainText("Casey Conflict");
  await expect(banner).toContainText(user.email);
  await expect(b.getByTestId("save-status")).toContainText("conflict");
  // Nothing typed is lost: B's edit is still on its canvas and in its form.
  await expect(b.locator('.react-flow__node[data-id="write"]')).toContainText("Mine from tab B");
  await expect(b.getByLabel("Display name")).toHaveValue("Mine from tab B");
  await screenshot(b, testInfo, "conflict-banner");

  // "Overwrite with mine" saves B's version on top of the newer revision.
  await b.getByRole("button", { name: "Overwrite with mine" }).click();
  await expect(banner).toBeHidden();
  await expectSaved(b);

  // A reloads and sees B's version (B never had A's transform step).
  await a.reload();
  await expect(a.locator('.react-flow__node[data-id="write"]')).toContainText("Mine from tab B");
  await expect(a.locator('.react-flow__node[data-id="transform"]')).toHaveCount(0);

  // The other way out: B saves again, A (now stale) edits and takes "Reload theirs".
  await b.locator('.react-flow__node[data-id="write"]').click();
  await b.getByLabel("Display name").fill("Second edit from B");
  await expectSaved(b);
  await a.locator('.react-flow__node[data-id="announce"]').click();
  await a.getByLabel("Display name").fill("A's idea");
  await expect(a.getByTestId("conflict-banner")).toBeVisible();
  await a.getByRole("button", { name: "Reload theirs" }).click();
  await expect(a.getByTestId("conflict-banner")).toBeHidden();
  await expect(a.locator('.react-flow__node[data-id="write"]')).toContainText("Second edit from B");
  // A's own edit is one undo away.
  await a.locator(".react-flow__pane").click();
  await a.keyboard.press("Control+z");
  await expect(a.locator('.react-flow__node[data-id="announce"]')).toContainText("A's idea");

  expect(errorsA).toEqual([]);
  expect(errorsB).toEqual([]);
  await first.close();
  await second.close();
});

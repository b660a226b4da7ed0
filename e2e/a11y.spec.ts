import AxeBuilder from "@axe-core/playwright";
import { expect as baseExpect, test, type Page, type TestInfo } from "@playwright/test";
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

async function scan(page: Page, testInfo: TestInfo, name: string) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  await testInfo.attach(`axe-${name}.json`, {
    body: JSON.stringify(results.violations, null, 2),
    contentType: "application/json",
  });
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    );
  return serious;
}

test("main pages have no serious or critical axe violations", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const errors = collectPageErrors(page);
  const found: string[] = [];

  for (const [path, heading] of [
    ["/signin", "Sign in"],
    ["/signup", "Create account"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    found.push(...(await scan(page, testInfo, path.slice(1))));
  }

  const user = await signUpViaApi("a11y", "Ada Access");
  const ws = await createWorkspace(user.token, "Accessible team");
  const agentId = await createAgent(user.token, ws, "Accessible agent", TWO_STEP_GRAPH);
  await signInViaUi(page, user.email);

  const pages: [string, string, string][] = [
    [`/w/${ws}`, "Agents", "agents"],
    [`/w/${ws}/runs`, "Runs", "runs"],
    [`/w/${ws}/settings/members`, "Members", "members"],
    [`/w/${ws}/settings/api-keys`, "API keys", "api-keys"],
    [`/w/${ws}/settings/secrets`, "Secrets", "secrets"],
    [`/w/${ws}/settings/providers`, "Providers", "providers"],
    [`/w/${ws}/settings/audit`, "Audit log", "audit"],
    [`/w/${ws}/settings/usage`, "Usage", "usage"],
  ];
  for (const [path, heading, name] of pages) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: /^Loading/ })).toHaveCount(0);
    found.push(...(await scan(page, testInfo, name)));
  }

  await page.goto(`/w/${ws}/agents/${agentId}`);
  await expect(page.locator('.react-flow__node[data-id="write"]')).toBeVisible();
  await page.locator('.react-flow__node[data-id="write"]').click();
  await expect(page.getByLabel("Step id")).toHaveValue("write");
  found.push(...(await scan(page, testInfo, "editor-canvas")));
  await screenshot(page, testInfo, "editor-canvas");

  await page.getByRole("tab", { name: "AgentSpec" }).click();
  await expect(page.locator(".monaco-editor .view-lines")).toContainText("llm.generate");
  found.push(...(await scan(page, testInfo, "editor-spec")));

  expect(found).toEqual([]);
  expect(errors).toEqual([]);
});

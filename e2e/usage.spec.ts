import AxeBuilder from "@axe-core/playwright";
import { expect as baseExpect, test } from "@playwright/test";
import { collectPageErrors } from "./console-guard.ts";
import { createAgent, createWorkspace, gql, screenshot, signInViaUi, signUpViaApi } from "./helpers.ts";

const expect = baseExpect.configure({ timeout: 30_000 });

/** One transform step that fails on demand: two quick runs succeed, one fails. */
const FLAKY = {
  version: 1,
  inputs: { fail: { type: "boolean", default: false } },
  nodes: [
    {
      id: "check",
      type: "transform",
      config: { expression: 'input.fail ? $error("asked to fail") : "ok"' },
      position: { x: 0, y: 0 },
    },
  ],
  edges: [],
};

interface UsageDay {
  day: string;
  runs: number;
  succeeded: number;
  failed: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}
interface Usage {
  runs: number;
  succeeded: number;
  failed: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  byDay: UsageDay[];
}

const USAGE = `query($ws: ID!) { usage(workspaceId: $ws) { runs succeeded failed tokensIn tokensOut costUsd byDay } }`;

test("usage charts and table show the workspace's runs", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const user = await signUpViaApi("usage", "Uma Usage");
  const ws = await createWorkspace(user.token, "Usage team");
  const errors = collectPageErrors(page);
  await signInViaUi(page, user.email);

  // No runs yet: the empty state, with the period picker still there.
  await page.goto(`/w/${ws}/settings/usage`);
  await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
  await expect(page.getByText("No runs in the last 30 days")).toBeVisible();
  await expect(page.getByRole("radio", { name: "30 days" })).toBeChecked();
  await expect(page.locator(".recharts-surface")).toHaveCount(0);

  // Seed: publish a one-step agent and run it three times, once failing.
  const agentId = await createAgent(user.token, ws, "Flaky check", FLAKY);
  await gql(`mutation($id: ID!) { publishAgent(agentId: $id) { number } }`, { id: agentId }, user.token);
  const runIds: string[] = [];
  for (const fail of [false, false, true]) {
    const data = await gql<{ startRun: { id: string } }>(
      `mutation($id: ID!, $input: JSON) { startRun(agentId: $id, input: $input) { id } }`,
      { id: agentId, input: { fail } },
      user.token,
    );
    runIds.push(data.startRun.id);
  }
  for (const id of runIds) {
    await expect
      .poll(
        async () =>
          (
            await gql<{ run: { status: string } }>(
              `query($id: ID!) { run(id: $id) { status } }`,
              { id },
              user.token,
            )
          ).run.status,
        { timeout: 60_000 },
      )
      .toMatch(/^(SUCCEEDED|FAILED)$/);
  }
  // The daily roll-up is written as each run finishes.
  let usage: Usage | undefined;
  await expect
    .poll(
      async () => {
        usage = (await gql<{ usage: Usage }>(USAGE, { ws }, user.token)).usage;
        return usage.runs;
      },
      { timeout: 30_000 },
    )
    .toBe(3);
  expect(usage).toMatchObject({ runs: 3, succeeded: 2, failed: 1 });
  const today = usage!.byDay.at(-1)!;

  await page.reload();
  // Totals match the API.
  await expect(page.getByTestId("usage-runs")).toHaveText(String(usage!.runs));
  await expect(page.getByTestId("usage-failed")).toHaveText(String(usage!.failed));
  await expect(page.getByTestId("usage-success-rate")).toHaveText("66.7%");
  // Four charts, each an SVG drawn in the browser.
  for (const chart of ["runs", "success", "tokens", "cost"]) {
    await expect(page.getByTestId(`chart-${chart}`).locator("svg.recharts-surface").first()).toBeVisible();
  }
  // Two stacked segments today: succeeded and failed.
  await expect(page.getByTestId("chart-runs").locator(".recharts-bar-rectangle path")).not.toHaveCount(0);

  // The table carries the same numbers as the API, one row per day with runs.
  const table = page.getByTestId("usage-table");
  await expect(table.locator("tbody tr")).toHaveCount(usage!.byDay.length);
  const row = table.locator(`tr[data-day="${today.day}"]`);
  const cells = row.locator("td");
  await expect(cells).toHaveText([
    String(today.runs),
    String(today.succeeded),
    String(today.failed),
    "66.7%",
    String(today.tokensIn),
    String(today.tokensOut),
    today.costUsd === 0 ? "$0.00" : new RegExp(`^\\$${today.costUsd.toFixed(2)}`),
  ]);
  await screenshot(page, testInfo, "usage-charts");

  // A shorter period asks the API again; today's runs are still in it.
  await page.getByRole("radio", { name: "7 days" }).check();
  await expect(page.getByRole("radio", { name: "7 days" })).toBeChecked();
  await expect(page.locator("p", { hasText: "Last 7 days" })).toBeVisible();
  await expect(page.getByTestId("usage-runs")).toHaveText("3");

  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious).toEqual([]);
  expect(errors).toEqual([]);
});

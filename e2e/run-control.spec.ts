import AxeBuilder from "@axe-core/playwright";
import { expect as baseExpect, test, type Page } from "@playwright/test";
import { collectPageErrors } from "./console-guard.ts";
import { createAgent, createWorkspace, gql, screenshot, signInViaUi, signUpViaApi } from "./helpers.ts";

const expect = baseExpect.configure({ timeout: 30_000 });

const APPROVAL_GRAPH = {
  version: 1,
  inputs: {},
  nodes: [
    { id: "prep", type: "log", config: { message: "preparing" }, position: { x: 0, y: 0 } },
    { id: "gate", type: "approval", config: { message: "Ship it?" }, position: { x: 300, y: 0 } },
    { id: "ship", type: "transform", config: { expression: "'shipped'" }, position: { x: 600, y: 0 } },
  ],
  edges: [
    { from: "prep", to: "gate" },
    { from: "gate", to: "ship" },
  ],
};

/** Fails the same way every time: JSONata's $error throws, and expression errors are not retried. */
const FAILING_GRAPH = {
  version: 1,
  inputs: {},
  nodes: [
    { id: "prep", type: "log", config: { message: "preparing" }, position: { x: 0, y: 0 } },
    { id: "boom", type: "transform", config: { expression: '$error("boom")' }, position: { x: 300, y: 0 } },
  ],
  edges: [{ from: "prep", to: "boom" }],
};

/**
 * Fails on every attempt, but retryably: `.invalid` never resolves (RFC 2606), and a DNS failure
 * is network trouble, which is what retries are for. Three quick attempts.
 */
const RETRYING_GRAPH = {
  version: 1,
  inputs: {},
  nodes: [
    {
      id: "fetch",
      type: "http.request",
      config: { method: "GET", url: "http://weft-e2e.invalid/" },
      retry: { maxAttempts: 3, initialIntervalMs: 100, backoff: 1 },
      position: { x: 0, y: 0 },
    },
  ],
  edges: [],
};

function delayGraph(ms: number) {
  return {
    version: 1,
    inputs: {},
    nodes: [
      { id: "first", type: "log", config: { message: "first" }, position: { x: 0, y: 0 } },
      { id: "wait", type: "delay", config: { ms }, position: { x: 300, y: 0 } },
      { id: "last", type: "transform", config: { expression: "'done'" }, position: { x: 600, y: 0 } },
    ],
    edges: [
      { from: "first", to: "wait" },
      { from: "wait", to: "last" },
    ],
  };
}

const ONE_STEP_GRAPH = {
  version: 1,
  inputs: {},
  nodes: [{ id: "only", type: "log", config: { message: "hi" }, position: { x: 0, y: 0 } }],
  edges: [],
};

async function publishedAgent(token: string, ws: string, name: string, graph: unknown): Promise<string> {
  const id = await createAgent(token, ws, name, graph);
  await gql(`mutation($id: ID!) { publishAgent(agentId: $id, note: "v1") { number } }`, { id }, token);
  return id;
}

async function startRun(token: string, agentId: string): Promise<string> {
  const data = await gql<{ startRun: { id: string } }>(
    `mutation($id: ID!) { startRun(agentId: $id) { id } }`,
    { id: agentId },
    token,
  );
  return data.startRun.id;
}

async function runStatus(token: string, runId: string): Promise<string> {
  const data = await gql<{ run: { status: string } }>(
    `query($id: ID!) { run(id: $id) { status } }`,
    { id: runId },
    token,
  );
  return data.run.status;
}

/** The canvas node (React Flow wrapper → our node element carrying data-status). */
function node(page: Page, id: string) {
  return page.locator(`.react-flow__node[data-id="${id}"] .wnode`);
}

function timelineRow(page: Page, id: string) {
  return page.locator(`.gantt tr[data-node-id="${id}"]`);
}

async function seed(tag: string) {
  const user = await signUpViaApi(tag, `${tag} user`);
  const ws = await createWorkspace(user.token, `${tag} team`);
  return { user, ws };
}

test("approve a waiting step: the run continues and succeeds", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const { user, ws } = await seed("approver");
  const agentId = await publishedAgent(user.token, ws, "Release", APPROVAL_GRAPH);
  const errors = collectPageErrors(page);
  await signInViaUi(page, user.email);
  const runId = await startRun(user.token, agentId);
  await page.goto(`/w/${ws}/runs/${runId}`);

  await expect(node(page, "gate")).toHaveAttribute("data-status", "waiting");
  await expect(node(page, "gate")).toContainText("Waiting for approval");
  await expect(node(page, "prep")).toHaveAttribute("data-status", "succeeded");
  await expect(node(page, "ship")).toHaveAttribute("data-status", "pending");
  await expect(
    page.getByRole("status").filter({ hasText: "is waiting for approval: Ship it?" }),
  ).toBeVisible();
  await expect(page.getByRole("list", { name: "Status legend" })).toContainText("Waiting for approval");

  // Keyboard: a focused canvas node opens its details with Enter.
  await page.locator('.react-flow__node[data-id="prep"]').focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("region", { name: "Logs of prep" })).toContainText("preparing");

  // The step is selected from the canvas; its panel carries the decision.
  await node(page, "gate").click();
  const approval = page.getByRole("group", { name: "Approval for gate" });
  await expect(approval).toContainText("Ship it?");
  await approval.getByLabel("Comment (optional)").fill("looks good");
  await screenshot(page, testInfo, "run-waiting-for-approval");

  // Accessibility of the whole run view, while something is waiting (the busiest state).
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = axe.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious).toEqual([]);

  await approval.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("run-status")).toHaveText("succeeded");
  for (const id of ["prep", "gate", "ship"]) {
    await expect(node(page, id)).toHaveAttribute("data-status", "succeeded");
    await expect(timelineRow(page, id)).toHaveAttribute("data-status", "succeeded");
  }
  // The decision (with its comment) is the approval step's output.
  await expect(page.getByRole("region", { name: "Output of gate" })).toContainText('"comment": "looks good"');
  await expect(page.getByRole("region", { name: "Output of gate" })).toContainText('"approved": true');
  await screenshot(page, testInfo, "run-approved");
  expect(errors).toEqual([]);
});

test("reject a waiting step (after confirming): the run fails with the comment", async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const { user, ws } = await seed("rejecter");
  const agentId = await publishedAgent(user.token, ws, "Release", APPROVAL_GRAPH);
  const errors = collectPageErrors(page);
  await signInViaUi(page, user.email);
  const runId = await startRun(user.token, agentId);
  await page.goto(`/w/${ws}/runs/${runId}`);

  await expect(node(page, "gate")).toHaveAttribute("data-status", "waiting");
  // Reached from the banner this time.
  await page.getByRole("button", { name: "Review" }).click();
  const approval = page.getByRole("group", { name: "Approval for gate" });
  await approval.getByLabel("Comment (optional)").fill("not today");
  await approval.getByRole("button", { name: "Reject" }).click();
  const confirm = page.getByRole("dialog", { name: "Reject this step?" });
  await expect(confirm).toContainText("the whole run fails");
  // Backing out changes nothing.
  await confirm.getByRole("button", { name: "Keep waiting" }).click();
  await expect(confirm).toBeHidden();
  await expect(node(page, "gate")).toHaveAttribute("data-status", "waiting");

  await approval.getByRole("button", { name: "Reject" }).click();
  await confirm.getByRole("button", { name: "Reject step" }).click();
  await expect(page.getByTestId("run-status")).toHaveText("failed");
  await expect(node(page, "gate")).toHaveAttribute("data-status", "failed");
  await expect(page.getByRole("region", { name: "Error of gate" })).toContainText("rejected: not today");
  // Never reached: said in words on a finished run.
  await expect(node(page, "ship")).toHaveAttribute("data-status", "pending");
  await expect(node(page, "ship")).toContainText("Not run");
  await screenshot(page, testInfo, "run-rejected");
  expect(errors).toEqual([]);
});

test("cancel a run in a long delay (after confirming)", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const { user, ws } = await seed("canceller");
  const agentId = await publishedAgent(user.token, ws, "Slow", delayGraph(120_000));
  const errors = collectPageErrors(page);
  await signInViaUi(page, user.email);
  const runId = await startRun(user.token, agentId);
  await page.goto(`/w/${ws}/runs/${runId}`);

  await expect(node(page, "wait")).toHaveAttribute("data-status", "running");
  await expect(page.getByRole("button", { name: "Retry from failed step" })).toHaveCount(0);
  await page.getByRole("button", { name: "Cancel run" }).click();
  const confirm = page.getByRole("dialog", { name: "Cancel this run?" });
  await confirm.getByRole("button", { name: "Cancel run" }).click();

  await expect(page.getByTestId("run-status")).toHaveText("cancelled");
  await expect(node(page, "wait")).toHaveAttribute("data-status", "cancelled");
  await expect(timelineRow(page, "wait")).toContainText("Cancelled");
  await expect(page.getByRole("button", { name: "Cancel run" })).toHaveCount(0);
  // A cancelled run can be retried.
  await expect(page.getByRole("button", { name: "Retry from failed step" })).toBeVisible();
  expect(await runStatus(user.token, runId)).toBe("CANCELLED");
  await screenshot(page, testInfo, "run-cancelled");
  expect(errors).toEqual([]);
});

test("a failed run is retried from the failed step in a new run", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const { user, ws } = await seed("retrier");
  const agentId = await publishedAgent(user.token, ws, "Fragile", FAILING_GRAPH);
  const errors = collectPageErrors(page);
  await signInViaUi(page, user.email);
  const runId = await startRun(user.token, agentId);
  await page.goto(`/w/${ws}/runs/${runId}`);

  await expect(page.getByTestId("run-status")).toHaveText("failed");
  await expect(node(page, "boom")).toHaveAttribute("data-status", "failed");
  await expect(node(page, "prep")).toHaveAttribute("data-status", "succeeded");
  await timelineRow(page, "boom").getByRole("button", { name: "boom" }).click();
  await expect(page.getByRole("region", { name: "Error of boom" })).toContainText("boom");
  await screenshot(page, testInfo, "run-failed");

  await page.getByRole("button", { name: "Retry from failed step" }).click();
  await expect(page).not.toHaveURL(new RegExp(`/runs/${runId}$`));
  await expect(page).toHaveURL(new RegExp(`/w/${ws}/runs/[0-9a-f-]{36}$`));
  const retryId = page.url().split("/").at(-1)!;
  expect(retryId).not.toBe(runId);
  // The new run reuses the step that succeeded and runs the failed one again (failing again).
  await expect(page.getByTestId("run-status")).toHaveText("failed");
  await expect(node(page, "prep")).toHaveAttribute("data-status", "succeeded");
  await expect(timelineRow(page, "prep")).toContainText("reused");
  await expect(node(page, "boom")).toHaveAttribute("data-status", "failed");
  await screenshot(page, testInfo, "run-retried");
  expect(errors).toEqual([]);
});

test("every attempt of a retried step is on the timeline", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const { user, ws } = await seed("attempts");
  const agentId = await publishedAgent(user.token, ws, "Flaky", RETRYING_GRAPH);
  const errors = collectPageErrors(page);
  await signInViaUi(page, user.email);
  const runId = await startRun(user.token, agentId);
  await page.goto(`/w/${ws}/runs/${runId}`);

  await expect(page.getByTestId("run-status")).toHaveText("failed");
  const row = timelineRow(page, "fetch");
  await expect(row).toHaveAttribute("data-status", "failed");
  await expect(row.locator("td").nth(1)).toHaveText("3 of 3");
  const bars = row.locator(".gantt-bar");
  await expect(bars).toHaveCount(3);
  await expect(bars.nth(0)).toHaveAttribute("title", /^Attempt 1 of 3, .*, failed: /);
  await expect(bars.nth(1)).toHaveAttribute("title", /^Attempt 2 of 3, .*, failed: /);
  await expect(bars.nth(2)).toHaveAttribute("title", /^Attempt 3 of 3, .*, failed$/);
  await expect(row.locator(".gantt-track")).toHaveAttribute("aria-label", /fetch: failed, .*, 3 attempts/);

  await row.getByRole("button", { name: "fetch" }).click();
  await expect(page.getByRole("region", { name: "Attempts of fetch" }).getByRole("listitem")).toHaveCount(3);
  await page.locator(".gantt").scrollIntoViewIfNeeded();
  await screenshot(page, testInfo, "run-attempts");
  expect(errors).toEqual([]);
});

test("a reload mid-run resumes the live view after the last seen event", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const { user, ws } = await seed("reloader");
  // The approval holds the run in flight for as long as the test needs, with no timing involved.
  const agentId = await publishedAgent(user.token, ws, "Steady", APPROVAL_GRAPH);
  const errors = collectPageErrors(page);
  // Every runEvents subscription, with the page load (socket) it came from and its afterSeq.
  const subscriptions: { socket: number; afterSeq: number }[] = [];
  let sockets = 0;
  page.on("websocket", (socket) => {
    const index = sockets++;
    socket.on("framesent", ({ payload }) => {
      const text = typeof payload === "string" ? payload : payload.toString();
      const message = JSON.parse(text) as {
        type: string;
        payload?: { query?: string; variables?: { afterSeq?: number } };
      };
      if (message.type === "subscribe" && message.payload?.query?.includes("runEvents"))
        subscriptions.push({ socket: index, afterSeq: message.payload.variables?.afterSeq ?? 0 });
    });
  });
  await signInViaUi(page, user.email);
  const runId = await startRun(user.token, agentId);
  await page.goto(`/w/${ws}/runs/${runId}`);
  await expect(node(page, "gate")).toHaveAttribute("data-status", "waiting");
  await expect(node(page, "prep")).toHaveAttribute("data-status", "succeeded");
  expect(subscriptions.map((s) => s.afterSeq)).toEqual([0]);
  // What this tab has seen so far (the view keeps it in sessionStorage).
  const seen = async () =>
    page.evaluate((id) => {
      // Runs in the page; the e2e tsconfig has no DOM types.
      const storage = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } })
        .sessionStorage;
      const raw = storage.getItem(`weft:run-events:v1:${id}`);
      return raw ? (JSON.parse(raw) as { lastSeq: number }).lastSeq : 0;
    }, runId);
  await expect.poll(seen).toBeGreaterThan(0);
  const lastSeen = await seen();

  const socketsBefore = sockets;
  await page.reload();
  await expect(node(page, "gate")).toHaveAttribute("data-status", "waiting");
  // The new page subscribed after what the old one had already applied, not from the start.
  await expect
    .poll(() => subscriptions.filter((s) => s.socket >= socketsBefore).map((s) => s.afterSeq))
    .toEqual([lastSeen]);

  await gql(
    `mutation($run: ID!) { approveNode(runId: $run, nodeId: "gate", approved: true) { id } }`,
    { run: runId },
    user.token,
  );
  await expect(page.getByTestId("run-status")).toHaveText("succeeded");
  for (const id of ["prep", "gate", "ship"]) {
    const row = timelineRow(page, id);
    await expect(row).toHaveAttribute("data-status", "succeeded");
    // Nothing counted twice: one attempt each, one bar each.
    await expect(row.locator("td").nth(1)).toHaveText(/^1( of \d+)?$/);
    await expect(row.locator(".gantt-bar")).toHaveCount(1);
    await expect(row.locator(".gantt-track")).toHaveAttribute(
      "aria-label",
      new RegExp(`^${id}: succeeded, started at \\+.*, [\\d.]+ (ms|s)$`),
    );
  }
  await page.locator(".gantt").scrollIntoViewIfNeeded();
  await screenshot(page, testInfo, "run-timeline-after-reload");
  expect(errors).toEqual([]);
});

test("a viewer watches a run live but gets no controls", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const { user: owner, ws } = await seed("owner");
  const agentId = await publishedAgent(owner.token, ws, "Release", APPROVAL_GRAPH);
  const viewer = await signUpViaApi("watcher", "Wanda Watcher");
  await gql(
    `mutation($ws: ID!, $email: String!) { inviteMember(workspaceId: $ws, email: $email, role: VIEWER) { role } }`,
    { ws, email: viewer.email },
    owner.token,
  );
  const errors = collectPageErrors(page);
  await signInViaUi(page, viewer.email);
  const runId = await startRun(owner.token, agentId);
  await page.goto(`/w/${ws}/runs/${runId}`);

  await expect(node(page, "gate")).toHaveAttribute("data-status", "waiting");
  await node(page, "gate").click();
  await expect(page.getByRole("group", { name: "Approval for gate" })).toContainText(
    "Viewers cannot approve or reject",
  );
  for (const name of ["Approve", "Reject", "Cancel run", "Retry from failed step"])
    await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
  await screenshot(page, testInfo, "run-viewer");

  // The API refuses a viewer's decision too.
  await expect(
    gql(
      `mutation($run: ID!) { approveNode(runId: $run, nodeId: "gate", approved: true) { id } }`,
      { run: runId },
      viewer.token,
    ),
  ).rejects.toThrow(/GraphQL error/);

  // The owner approves elsewhere; the viewer's page follows live.
  await gql(
    `mutation($run: ID!) { approveNode(runId: $run, nodeId: "gate", approved: true) { id } }`,
    { run: runId },
    owner.token,
  );
  await expect(page.getByTestId("run-status")).toHaveText("succeeded");
  await expect(node(page, "ship")).toHaveAttribute("data-status", "succeeded");
  expect(errors).toEqual([]);
});

test("runs list: filters in the URL, load more, live rows; agents list: last run and schedule", async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  const { user, ws } = await seed("lister");
  const good = await publishedAgent(user.token, ws, "Good agent", ONE_STEP_GRAPH);
  const bad = await publishedAgent(user.token, ws, "Bad agent", FAILING_GRAPH);
  const goodRun = await startRun(user.token, good);
  const badRun = await startRun(user.token, bad);
  await expect.poll(() => runStatus(user.token, goodRun)).toBe("SUCCEEDED");
  await expect.poll(() => runStatus(user.token, badRun)).toBe("FAILED");
  await gql(
    `mutation($id: ID!) { upsertSchedule(agentId: $id, cron: "0 9 * * 1", timezone: "UTC", enabled: true) { id } }`,
    { id: good },
    user.token,
  );
  const errors = collectPageErrors(page);
  await signInViaUi(page, user.email);

  // Agents overview: last run status and the schedule badge.
  const goodRow = page.getByRole("row", { name: /Good agent/ });
  const badRow = page.getByRole("row", { name: /Bad agent/ });
  await expect(goodRow).toContainText("succeeded");
  await expect(badRow).toContainText("failed");
  await expect(goodRow.getByTestId("schedule-badge")).toContainText("Scheduled: 0 9 * * 1");
  await expect(badRow.getByTestId("schedule-badge")).toHaveCount(0);
  await screenshot(page, testInfo, "agents-overview");

  await page.getByRole("link", { name: "Runs", exact: true }).click();
  const rows = page.locator("table.runs-table tbody tr");
  await expect(rows).toHaveCount(2);

  await page.getByLabel("Status", { exact: true }).selectOption("FAILED");
  await expect(page).toHaveURL(/[?&]status=FAILED/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Bad agent");

  await page.getByLabel("Agent", { exact: true }).selectOption({ label: "Good agent" });
  await expect(page).toHaveURL(new RegExp(`agent=${good}`));
  await expect(page.getByText("No failed runs of Good agent")).toBeVisible();

  // The URL alone reproduces the view.
  await page.goto(`/w/${ws}/runs?agent=${good}`);
  await expect(page.getByLabel("Agent", { exact: true })).toHaveValue(good);
  await expect(page.getByLabel("Status", { exact: true })).toHaveValue("");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Good agent");

  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(rows).toHaveCount(2);

  // Live: a run started elsewhere appears on its own.
  const liveRun = await startRun(user.token, good);
  await expect(page.locator(`tr[data-run-id="${liveRun}"]`)).toBeVisible();
  await expect(page.locator(`tr[data-run-id="${liveRun}"]`)).toContainText("succeeded");

  // Pagination: 25 a page, "Load more" for the rest.
  const extra = await Promise.all(Array.from({ length: 24 }, () => startRun(user.token, good)));
  expect(extra).toHaveLength(24);
  await page.reload();
  await expect(rows).toHaveCount(25);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(rows).toHaveCount(27);
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);
  await screenshot(page, testInfo, "runs-list");
  expect(errors).toEqual([]);
});

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runWorkflowId, WORKFLOW_SIGNALS, type ApprovalSignal } from "@weft/schema";
import { createHarness, type Harness } from "./testing/harness.ts";
import { Sink } from "./testing/sink.ts";

const FAST = { maxAttempts: 3, initialIntervalMs: 100, backoff: 1 };
let h: Harness;
let sink: Sink;

beforeAll(async () => {
  [h, sink] = await Promise.all([createHarness(), new Sink().start()]);
});
afterAll(async () => {
  await h?.close();
  await sink?.stop();
});

const http = (id: string, path: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: "http.request",
  config: { url: sink.url(path) },
  retry: FAST,
  ...extra,
});
const graph = (nodes: unknown[], edges: unknown[] = [], inputs: Record<string, unknown> = {}) => ({
  version: 1,
  inputs,
  nodes,
  edges,
});

async function waitForEvent(runId: string, type: string, nodeId?: string) {
  for (let i = 0; i < 200; i++) {
    const { events } = await h.load(runId);
    if (events.some((e) => e.type === type && (!nodeId || e.nodeId === nodeId))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${type} event for ${nodeId ?? "the run"}`);
}

test("a node sees the nodes it names anywhere upstream, and every finished node when it reads `nodes` dynamically", async () => {
  // Each attempt loads only the outcomes its templates, expressions and edge conditions can read.
  const agent = await h.createAgent(
    graph(
      [
        { id: "a", type: "transform", config: { expression: "{ 'v': 1 }" } },
        { id: "b", type: "transform", config: { expression: "nodes.a.output.v + 1" } },
        { id: "c", type: "transform", config: { expression: "[nodes.a.output.v, nodes.b.output]" } },
        { id: "d", type: "transform", config: { expression: "$sort($keys(nodes))" } },
        { id: "e", type: "log", config: { message: "a={{nodes.a.output.v}} c={{nodes.c.output[1]}}" } },
      ],
      [
        { from: "a", to: "b" },
        { from: "b", to: "c", condition: "nodes.a.output.v = 1" },
        { from: "c", to: "d" },
        { from: "d", to: "e" },
      ],
    ),
  );
  const { run, nodes } = await h.finish(await h.startRun(agent));
  expect(run.status).toBe("SUCCEEDED");
  expect(nodes.c!.output).toEqual([1, 2]);
  expect(nodes.d!.output).toEqual(["a", "b", "c"]);
  expect(nodes.e!.logs).toEqual(["[info] a=1 c=2"]);
});

test("a chain runs end to end, records every node, and numbers events without gaps", async () => {
  const agent = await h.createAgent(
    graph(
      [
        http("fetch", "/ok?n={{input.n}}"),
        {
          id: "shape",
          type: "transform",
          config: { expression: "{ 'n': $number(nodes.fetch.output.body.query.n) * 2 }" },
        },
        { id: "say", type: "log", config: { message: "n is {{nodes.shape.output.n}}" } },
      ],
      [
        { from: "fetch", to: "shape", condition: "nodes.fetch.output.status = 200" },
        { from: "shape", to: "say" },
      ],
      { n: { type: "number", default: 1 } },
    ),
  );
  const runId = await h.startRun(agent, { n: 21 });
  const { run, nodes, events } = await h.finish(runId);
  expect(run.status).toBe("SUCCEEDED");
  expect(run.output).toEqual({ say: { message: "n is 42", level: "info" } });
  expect(Object.values(nodes).map((n) => n.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
  expect(nodes.say!.logs).toEqual(["[info] n is 42"]);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events[0]!.type).toBe("run.queued");
  expect(events.at(-1)!.type).toBe("run.succeeded");
  expect(run.temporalWorkflowId).toBe(runWorkflowId(runId));
  // The first node's start started the run and the only sink's success finished it: run.started
  // comes first, run.succeeded right after the sink's node.succeeded, and the workflow ran no
  // bookkeeping activity of its own.
  expect(events.slice(0, 3).map((e) => [e.type, e.nodeId])).toEqual([
    ["run.queued", null],
    ["run.started", null],
    ["node.started", "fetch"],
  ]);
  expect(run.temporalRunId).toBeTruthy();
  expect(run.startedAt!.getTime()).toBeLessThanOrEqual(nodes.fetch!.startedAt!.getTime());
  expect(events.slice(-2).map((e) => [e.type, e.nodeId])).toEqual([
    ["node.succeeded", "say"],
    ["run.succeeded", null],
  ]);
  expect(await localActivities(runId)).toEqual([]);
  // One patch marker and one search-attribute upsert (a visibility write on the server) however
  // many patched behaviours the run has (CURRENT_RUN_PATCH); four of each before it.
  expect(await patchRecords(runId)).toEqual({ markers: 1, upserts: 1 });
  expect((await h.load(runId)).result).toMatchObject({ status: "SUCCEEDED", output: run.output });
});

/** How many patch markers and search-attribute upserts a run's workflow recorded. */
async function patchRecords(runId: string): Promise<{ markers: number; upserts: number }> {
  const events = (await h.client.workflow.getHandle(runWorkflowId(runId)).fetchHistory()).events ?? [];
  return {
    markers: events.filter((e) => e.markerRecordedEventAttributes?.markerName === "core_patch").length,
    upserts: events.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes).length,
  };
}

/** The activity types of the local activities a run's workflow recorded, in order. */
async function localActivities(runId: string): Promise<string[]> {
  const history = await h.client.workflow.getHandle(runWorkflowId(runId)).fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.markerRecordedEventAttributes?.markerName === "core_local_activity")
    .map((e) => {
      const data = e.markerRecordedEventAttributes!.details!["data"]!.payloads![0]!.data!;
      return (JSON.parse(Buffer.from(data).toString("utf8")) as { activity_type: string }).activity_type;
    });
}

test("independent branches run in parallel: about the time of the longest, not the sum", async () => {
  const agent = await h.createAgent(
    graph(
      [
        http("a", "/sleep?ms=1500&group=par&tag=a"),
        http("b", "/sleep?ms=1500&group=par&tag=b"),
        { id: "join", type: "log", config: { message: "done" } },
      ],
      [
        { from: "a", to: "join" },
        { from: "b", to: "join" },
      ],
    ),
  );
  const started = Date.now();
  const { run, nodes } = await h.finish(await h.startRun(agent));
  const elapsed = Date.now() - started;
  expect(run.status).toBe("SUCCEEDED");
  // Overlap is the claim, shown by the server and by the recorded timings, not by a wall clock.
  expect(sink.maxInFlight.get("par")).toBe(2);
  expect(nodes.b!.startedAt!.getTime()).toBeLessThan(nodes.a!.finishedAt!.getTime());
  expect(nodes.join!.startedAt!.getTime()).toBeGreaterThanOrEqual(
    Math.max(nodes.a!.finishedAt!.getTime(), nodes.b!.finishedAt!.getTime()),
  );
  console.log(`parallel branches of 1500 ms each finished in ${elapsed} ms`);
});

test("a node that fails twice and then succeeds records 3 attempts", async () => {
  const agent = await h.createAgent(graph([http("flaky", "/flaky?id=twice&fail=2")]));
  const { run, nodes, events } = await h.finish(await h.startRun(agent));
  expect(run.status).toBe("SUCCEEDED");
  expect(sink.count("/flaky?id=twice")).toBe(3);
  expect(nodes.flaky!.failedAttempts).toBe(2);
  expect(nodes.flaky!.attempt).toBe(3);
  expect(events.filter((e) => e.type === "node.retrying")).toHaveLength(2);
});

test("a non-retryable error (404) fails after one attempt and fails the run", async () => {
  const agent = await h.createAgent(graph([http("missing", "/status?code=404&id=nr")]));
  const { run, nodes } = await h.finish(await h.startRun(agent));
  expect(sink.count("/status?code=404&id=nr")).toBe(1);
  expect(nodes.missing!.status).toBe("FAILED");
  expect(run.status).toBe("FAILED");
  expect(run.error).toMatch(/node "missing" failed: GET .* answered 404/);
  // A failed sink finishes nothing itself: the workflow records the failure.
  expect(await localActivities(run.id)).toEqual(["finishRun"]);
});

test("a graph with two sinks finishes the run after both, with both outputs", async () => {
  const agent = await h.createAgent(
    graph(
      [
        { id: "root", type: "transform", config: { expression: "{ 'n': 1 }" } },
        { id: "left", type: "transform", config: { expression: "{ 'side': 'left' }" } },
        { id: "right", type: "transform", config: { expression: "{ 'side': 'right' }" } },
      ],
      [
        { from: "root", to: "left" },
        { from: "root", to: "right" },
      ],
    ),
  );
  const runId = await h.startRun(agent);
  const { run, events } = await h.finish(runId);
  expect(run.status).toBe("SUCCEEDED");
  expect(run.output).toEqual({ left: { side: "left" }, right: { side: "right" } });
  expect(events.filter((e) => e.type === "node.succeeded")).toHaveLength(3);
  expect(events.at(-1)!.type).toBe("run.succeeded");
  expect(await localActivities(runId)).toEqual(["finishRun"]);
});

test("a node that outlives its timeout fails after its attempts with a timeout error", async () => {
  const agent = await h.createAgent(
    graph([
      http("slow", "/sleep?ms=4000&group=timeout", {
        timeoutMs: 600,
        retry: { maxAttempts: 2, initialIntervalMs: 100, backoff: 1 },
      }),
    ]),
  );
  const { run, nodes } = await h.finish(await h.startRun(agent));
  expect(run.status).toBe("FAILED");
  expect(nodes.slow!.status).toBe("FAILED");
  expect(nodes.slow!.failedAttempts).toBe(2);
  expect(run.error).toMatch(/timed out after 600 ms/);
  expect(sink.count("/sleep?ms=4000&group=timeout")).toBe(2);
});

test("an error edge takes over after the last attempt; the success branch is skipped", async () => {
  const agent = await h.createAgent(
    graph(
      [
        http("call", "/status?code=500&id=err", {
          retry: { maxAttempts: 2, initialIntervalMs: 100, backoff: 1 },
        }),
        { id: "use", type: "log", config: { message: "got {{nodes.call.output.status}}" } },
        { id: "fallback", type: "log", config: { message: "failed: {{nodes.call.error.message}}" } },
      ],
      [
        { from: "call", to: "use" },
        { from: "call", to: "fallback", on: "error" },
      ],
    ),
  );
  const { run, nodes } = await h.finish(await h.startRun(agent));
  expect(run.status).toBe("SUCCEEDED");
  expect(sink.count("/status?code=500&id=err")).toBe(2);
  expect(nodes.call!.status).toBe("FAILED");
  expect(nodes.use!.status).toBe("SKIPPED");
  expect(nodes.fallback!.status).toBe("SUCCEEDED");
  expect((nodes.fallback!.output as { message: string }).message).toMatch(/^failed: GET .* answered 500/);
});

test("a false condition skips its branch and everything only reachable through it", async () => {
  const agent = await h.createAgent(
    graph(
      [
        { id: "check", type: "condition", config: { expression: "input.count > 10" } },
        { id: "big", type: "log", config: { message: "big" } },
        { id: "bigger", type: "log", config: { message: "bigger" } },
        { id: "small", type: "log", config: { message: "small" } },
        { id: "end", type: "log", config: { message: "end" } },
      ],
      [
        { from: "check", to: "big", condition: "nodes.check.output.result = true" },
        { from: "big", to: "bigger" },
        { from: "check", to: "small", condition: "nodes.check.output.result = false" },
        { from: "bigger", to: "end" },
        { from: "small", to: "end" },
      ],
      { count: { type: "number" } },
    ),
  );
  const { run, nodes } = await h.finish(await h.startRun(agent, { count: 3 }));
  expect(run.status).toBe("SUCCEEDED");
  expect(nodes.big!.status).toBe("SKIPPED");
  expect(nodes.bigger!.status).toBe("SKIPPED");
  expect(nodes.small!.status).toBe("SUCCEEDED");
  expect(nodes.end!.status).toBe("SUCCEEDED");
});

test("foreach fans out with the concurrency bound and collects outputs in order", async () => {
  const agent = await h.createAgent(
    graph(
      [
        {
          id: "each",
          type: "foreach",
          config: {
            items: "input.list",
            concurrency: 2,
            node: {
              type: "http.request",
              config: { url: sink.url("/sleep?ms=300&group=each&tag={{item}}") },
              retry: FAST,
            },
          },
        },
        { id: "count", type: "transform", config: { expression: "$count(nodes.each.output.items)" } },
      ],
      [{ from: "each", to: "count" }],
      { list: { type: "array" } },
    ),
  );
  const { run, nodes } = await h.finish(await h.startRun(agent, { list: ["a", "b", "c", "d", "e", "f"] }));
  expect(run.status).toBe("SUCCEEDED");
  expect(sink.maxInFlight.get("each")).toBe(2);
  const items = (nodes.each!.output as { items: Array<{ body: { tag: string } }> }).items;
  expect(items.map((i) => i.body.tag)).toEqual(["a", "b", "c", "d", "e", "f"]);
  expect(nodes.count!.output).toBe(6);
});

test("a sub-agent runs the other agent's live version as a child run", async () => {
  const child = await h.createAgent(
    graph([{ id: "double", type: "transform", config: { expression: "input.x * 2" } }], [], {
      x: { type: "number" },
    }),
    "Doubler",
  );
  const parent = await h.createAgent(
    graph(
      [{ id: "call", type: "subagent", config: { agentId: child.agentId, input: { x: "{{input.x}}" } } }],
      [],
      {
        x: { type: "number" },
      },
    ),
  );
  const runId = await h.startRun(parent, { x: 21 });
  const { run, nodes } = await h.finish(runId);
  expect(run.status).toBe("SUCCEEDED");
  const output = nodes.call!.output as { runId: string; output: { double: number } };
  expect(output.output).toEqual({ double: 42 });
  const childRun = await h.admin.run.findUnique({ where: { id: output.runId } });
  expect(childRun).toMatchObject({
    parentRunId: runId,
    parentNodeId: "call",
    status: "SUCCEEDED",
    versionId: child.versionId,
  });
});

test("a sub-agent that would nest deeper than maxDepth fails", async () => {
  // An agent that calls itself: stopped by the depth limit instead of running forever.
  const self = await h.createAgent(graph([{ id: "again", type: "log", config: { message: "x" } }]), "Self");
  const looping = graph([{ id: "again", type: "subagent", config: { agentId: self.agentId, maxDepth: 2 } }]);
  await h.admin.agentVersion.update({ where: { id: self.versionId }, data: { graph: looping as object } });
  const { run } = await h.finish(await h.startRun({ ...self, graph: looping as never }));
  expect(run.status).toBe("FAILED");
  expect(run.error).toMatch(/maxDepth 2/);
});

describe("approval", () => {
  const approvalGraph = (timeoutMs = 60_000, onTimeout = "reject") =>
    graph(
      [
        { id: "ask", type: "approval", config: { message: "Ship {{input.what}}?", timeoutMs, onTimeout } },
        { id: "ship", type: "log", config: { message: "shipped" } },
      ],
      [{ from: "ask", to: "ship" }],
      { what: { type: "string", default: "it" } },
    );

  test("approved: the run continues", async () => {
    const agent = await h.createAgent(approvalGraph());
    const runId = await h.startRun(agent, { what: "v2" });
    await waitForEvent(runId, "node.waiting", "ask");
    const signal: ApprovalSignal = { nodeId: "ask", approved: true, decidedBy: "user-1", comment: "go" };
    await h.client.workflow.getHandle(runWorkflowId(runId)).signal(WORKFLOW_SIGNALS.approval, signal);
    const { run, nodes, events } = await h.finish(runId);
    expect(run.status).toBe("SUCCEEDED");
    expect(nodes.ask!.output).toMatchObject({
      approved: true,
      decidedBy: "user-1",
      comment: "go",
      timedOut: false,
    });
    expect(events.find((e) => e.type === "node.waiting")!.data).toMatchObject({ message: "Ship v2?" });
    // An approval first: the workflow starts the run itself, before the gate waits.
    expect(events.slice(0, 3).map((e) => e.type)).toEqual(["run.queued", "run.started", "node.waiting"]);
    expect(await localActivities(runId)).toEqual(["markRunStarted"]);
  });

  test("rejected: the node fails and so does the run", async () => {
    const agent = await h.createAgent(approvalGraph());
    const runId = await h.startRun(agent);
    await waitForEvent(runId, "node.waiting", "ask");
    await h.client.workflow.getHandle(runWorkflowId(runId)).signal(WORKFLOW_SIGNALS.approval, {
      nodeId: "ask",
      approved: false,
      decidedBy: "user-2",
      comment: "not now",
    });
    const { run, nodes } = await h.finish(runId);
    expect(run.status).toBe("FAILED");
    expect(nodes.ask!.status).toBe("FAILED");
    expect(nodes.ask!.error).toBe("rejected: not now");
    expect(nodes.ship).toBeUndefined();
  });

  test("timed out: the configured decision applies", async () => {
    const rejectAgent = await h.createAgent(approvalGraph(1_000, "reject"));
    const approveAgent = await h.createAgent(approvalGraph(1_000, "approve"));
    const [r1, r2] = await Promise.all([h.startRun(rejectAgent), h.startRun(approveAgent)]);
    const [rejected, approved] = await Promise.all([h.finish(r1), h.finish(r2)]);
    expect(rejected.run.status).toBe("FAILED");
    expect(rejected.nodes.ask!.error).toMatch(/no decision within 1000 ms/);
    expect(approved.run.status).toBe("SUCCEEDED");
    expect(approved.nodes.ask!.output).toMatchObject({ approved: true, timedOut: true });
  });
});

test("cancel: running work stops and the run ends CANCELLED", async () => {
  const agent = await h.createAgent(
    graph(
      [
        { id: "wait", type: "delay", config: { ms: 60_000 } },
        http("slow", "/sleep?ms=20000&group=cancel", { timeoutMs: 30_000 }),
        { id: "after", type: "log", config: { message: "never" } },
      ],
      [{ from: "wait", to: "after" }],
    ),
  );
  const runId = await h.startRun(agent);
  await waitForEvent(runId, "node.started", "slow");
  await waitForEvent(runId, "node.started", "wait");
  await h.client.workflow.getHandle(runWorkflowId(runId)).cancel();
  const { run, nodes, events } = await h.finish(runId);
  expect(run.status).toBe("CANCELLED");
  expect(nodes.wait!.status).toBe("CANCELLED");
  expect(nodes.slow!.status).toBe("CANCELLED");
  expect(nodes.after).toBeUndefined();
  expect(events.at(-1)!.type).toBe("run.cancelled");
});

// Nothing is left to skip or start after the cancelled node, so it is the loop's own check that
// ends the run CANCELLED (and not SUCCEEDED, or still RUNNING in the database).
test("cancel: a run whose only node is cancelled ends CANCELLED", async () => {
  const agent = await h.createAgent(graph([{ id: "wait", type: "delay", config: { ms: 60_000 } }], []));
  const runId = await h.startRun(agent);
  await waitForEvent(runId, "node.started", "wait");
  await h.client.workflow.getHandle(runWorkflowId(runId)).cancel();
  const { run, nodes, events } = await h.finish(runId);
  expect(run.status).toBe("CANCELLED");
  expect(nodes.wait!.status).toBe("CANCELLED");
  expect(events.at(-1)!.type).toBe("run.cancelled");
});

test("retry-from-failed reuses succeeded outputs and repeats no side effect", async () => {
  const agent = await h.createAgent(
    graph(
      [
        http("charge", "/effect?id=retry", {
          config: { url: sink.url("/effect?id=retry"), method: "POST", body: { amount: 5 } },
        }),
        http("notify", "/status?code=404&id=retry-notify"),
      ],
      [{ from: "charge", to: "notify" }],
    ),
  );
  const first = await h.finish(await h.startRun(agent));
  expect(first.run.status).toBe("FAILED");
  const key = `${first.run.id}:charge`;
  expect(sink.effects.get(key)).toBe(1);

  // Fix the failing node's target, as a user would by retrying after the remote side recovered.
  const fixed = structuredClone(agent.graph);
  fixed.nodes[1]!.config = { url: sink.url("/ok?id=retry-notify") };
  const retryId = await h.startRun({ ...agent, graph: fixed }, {}, { reuseFromRunId: first.run.id });
  const second = await h.finish(retryId);
  expect(second.run.status).toBe("SUCCEEDED");
  expect(second.nodes.charge!.reusedFromRunId).toBe(first.run.id);
  expect(sink.count("/effect?id=retry")).toBe(1);
  expect([...sink.effects.keys()].filter((k) => k.endsWith(":charge") && k.startsWith(retryId))).toEqual([]);
});

test("outputs over 256 KB are stored in Postgres and passed by reference", async () => {
  const agent = await h.createAgent(
    graph(
      [
        { id: "big", type: "transform", config: { expression: "$join([1..40000].('abcdefgh'))" } },
        { id: "size", type: "transform", config: { expression: "$length(nodes.big.output)" } },
      ],
      [{ from: "big", to: "size" }],
    ),
  );
  const runId = await h.startRun(agent);
  const { run, nodes } = await h.finish(runId);
  expect(run.status).toBe("SUCCEEDED");
  expect(nodes.big!.outputRef).toBeTruthy();
  expect(nodes.big!.output).toMatchObject({ $ref: nodes.big!.outputRef });
  expect(nodes.size!.output).toBe(320_000);
  const history = JSON.stringify(await h.client.workflow.getHandle(runWorkflowId(runId)).fetchHistory());
  expect(history).not.toContain("abcdefghabcdefgh");
});

test("secrets are resolved inside the activity and never reach history, NodeRun or events", async () => {
  const { encryptSecret, loadKeyring } = await import("@weft/db/secrets");
  const { withWorkspace } = await import("@weft/db");
  const canary = "canary-secret-8f3b1c77";
  const secretId = crypto.randomUUID();
  const enc = encryptSecret(
    { workspaceId: h.workspaceId, secretId, value: canary },
    loadKeyring(h.workerEnv, { warn: () => {} }),
  );
  await withWorkspace(h.admin, h.workspaceId, (tx) =>
    tx.secret.create({ data: { id: secretId, workspaceId: h.workspaceId, name: "API_TOKEN", ...enc } }),
  );
  const agent = await h.createAgent(
    graph([
      http("call", "/echo", {
        config: { url: sink.url("/echo"), headers: { authorization: "Bearer {{secrets.API_TOKEN}}" } },
      }),
    ]),
  );
  const runId = await h.startRun(agent);
  const { run, nodes, events } = await h.finish(runId);
  expect(run.status).toBe("SUCCEEDED");
  expect(sink.requests.find((r) => r.path === "/echo")!.headers.authorization).toBe(`Bearer ${canary}`);
  const history = JSON.stringify(await h.client.workflow.getHandle(runWorkflowId(runId)).fetchHistory());
  expect(history).not.toContain(canary);
  expect(JSON.stringify(nodes)).not.toContain(canary);
  expect(JSON.stringify(events)).not.toContain(canary);
  expect(JSON.stringify(nodes.call!.input)).toContain("[REDACTED]");
});

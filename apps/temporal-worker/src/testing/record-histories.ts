// Records the Temporal histories the replay test (replay.test.ts) replays (histories recorded
// before a patched change stay, renamed *.vN.json, so old runs keep replaying). Run it after an
// intentional, versioned change to workflow code, and commit the files:
//   npx tsx apps/temporal-worker/src/testing/record-histories.ts [case ...]
import fs from "node:fs";
import path from "node:path";
import type { temporal } from "@temporalio/proto";
import { historyToJSON } from "@temporalio/common/lib/proto-utils";
import { loadStackEnv } from "@weft/devstack/env";
import { startInfra } from "@weft/devstack/stack";
import { WORKFLOW_SIGNALS, runWorkflowId } from "@weft/schema";
import { createHarness } from "./harness.ts";
import { Sink } from "./sink.ts";

const root = path.resolve(import.meta.dirname, "../../../..");
const out = path.resolve(import.meta.dirname, "../histories");

const infra = await startInfra({ env: loadStackEnv(root), ephemeral: true, log: () => {} });
process.env.WEFT_TEST_DATABASE_URL = infra.adminUrl;
process.env.TEMPORAL_ADDRESS = infra.temporalAddress;
const sink = await new Sink().start();
const h = await createHarness();
const fast = { maxAttempts: 3, initialIntervalMs: 100, backoff: 1 };
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
interface Case {
  graph: unknown;
  input?: Record<string, unknown>;
  approve?: boolean;
  /** The history must have this shape; the case is recorded again until it has (timing). */
  shape?: { what: string; test: (events: HistoryEvent[]) => boolean };
}

try {
  const child = await h.createAgent(
    {
      version: 1,
      inputs: { x: { type: "number" } },
      nodes: [{ id: "double", type: "transform", config: { expression: "input.x * 2" } }],
      edges: [],
    },
    "Child",
  );
  const cases: Record<string, Case> = {
    "chain-condition-skip": {
      graph: {
        version: 1,
        inputs: { n: { type: "number", default: 3 } },
        nodes: [
          { id: "fetch", type: "http.request", config: { url: sink.url("/ok") }, retry: fast },
          { id: "check", type: "condition", config: { expression: "input.n > 10" } },
          { id: "big", type: "log", config: { message: "big" } },
          { id: "small", type: "log", config: { message: "small" } },
        ],
        edges: [
          { from: "fetch", to: "check", condition: "nodes.fetch.output.status = 200" },
          { from: "check", to: "big", condition: "nodes.check.output.result" },
          { from: "check", to: "small", condition: "$not(nodes.check.output.result)" },
        ],
      },
    },
    "parallel-retry-error-edge": {
      graph: {
        version: 1,
        inputs: {},
        nodes: [
          { id: "a", type: "http.request", config: { url: sink.url("/flaky?id=rec&fail=1") }, retry: fast },
          {
            id: "b",
            type: "http.request",
            config: { url: sink.url("/status?code=500") },
            retry: { ...fast, maxAttempts: 2 },
          },
          { id: "recover", type: "log", config: { message: "recovered" } },
          { id: "join", type: "log", config: { message: "joined" } },
        ],
        edges: [
          { from: "b", to: "recover", on: "error" },
          { from: "a", to: "join" },
          { from: "recover", to: "join" },
        ],
      },
    },
    "foreach-delay-subagent-approval": {
      approve: true,
      graph: {
        version: 1,
        inputs: { list: { type: "array", default: [1, 2, 3] } },
        nodes: [
          {
            id: "each",
            type: "foreach",
            config: {
              items: "input.list",
              concurrency: 2,
              node: { type: "transform", config: { expression: "item * 10" } },
            },
          },
          { id: "pause", type: "delay", config: { ms: 50 } },
          { id: "child", type: "subagent", config: { agentId: child.agentId, input: { x: 4 } } },
          { id: "ask", type: "approval", config: { message: "ok?" } },
        ],
        edges: [
          { from: "each", to: "pause" },
          { from: "pause", to: "child" },
          { from: "child", to: "ask" },
        ],
      },
    },
    // A node's failure and a control node's next step in the same workflow task: the order of the
    // commands they issue there depends on how many microtasks each path takes, which a change to
    // the interpreter's promise structure must not alter.
    "failure-beside-delay": {
      graph: {
        version: 1,
        inputs: {},
        nodes: [
          {
            id: "bad",
            type: "http.request",
            config: { url: sink.url("/status?code=500") },
            retry: { ...fast, maxAttempts: 1 },
          },
          { id: "pause", type: "delay", config: { ms: 200 } },
        ],
        edges: [],
      },
      shape: {
        what: "the node's failure and the delay's preparation answered in one workflow task",
        test: (events) => {
          let closed = 0;
          for (const e of events) {
            if (e.workflowTaskCompletedEventAttributes) closed = 0;
            if (e.activityTaskFailedEventAttributes || e.activityTaskCompletedEventAttributes) closed++;
            if (e.workflowTaskStartedEventAttributes && closed >= 2) return true;
          }
          return false;
        },
      },
    },
  };
  const only = process.argv.slice(2);
  fs.mkdirSync(out, { recursive: true });
  for (const [name, c] of Object.entries(cases)) {
    if (only.length > 0 && !only.includes(name)) continue;
    for (let attempt = 1; ; attempt++) {
      if (await record(name, c)) break;
      if (attempt === 30) throw new Error(`${name}: never got ${c.shape?.what} in 30 attempts`);
    }
  }
} finally {
  await h.close();
  await sink.stop();
  await infra.stop();
}

/** Runs one case and writes its history; false when the history lacks the case's shape. */
async function record(name: string, c: Case): Promise<boolean> {
  const agent = await h.createAgent(c.graph);
  const runId = await h.startRun(agent, c.input ?? {});
  const handle = h.client.workflow.getHandle(runWorkflowId(runId));
  if (c.approve) {
    for (let i = 0; i < 200; i++) {
      const { events } = await h.load(runId);
      if (events.some((e) => e.type === "node.waiting")) break;
      const { run } = await h.load(runId);
      if (run.status === "FAILED") throw new Error(`${name} failed: ${run.error}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await handle.signal(WORKFLOW_SIGNALS.approval, {
      nodeId: "ask",
      approved: true,
      decidedBy: "recorder",
    });
  }
  const { run } = await h.finish(runId);
  const history = await handle.fetchHistory();
  if (c.shape && !c.shape.test(history.events ?? [])) return false;
  fs.writeFileSync(
    path.join(out, `${name}.json`),
    JSON.stringify(JSON.parse(historyToJSON(history)), null, 1) + "\n",
  );
  console.log(`${name}: run ${run.status}, ${history.events?.length} events`);
  return true;
}

import { MockActivityEnvironment } from "@temporalio/testing";
import {
  AddressPolicy,
  SafeHttpClient,
  createActivities,
  type ExecuteNodeInput,
  type ExecuteNodeResult,
} from "@weft/activities";
import { createPrisma, withWorkspace, type Db } from "@weft/db";
import { createQueuedRun } from "@weft/db/run-events";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createHarness, type Harness } from "./testing/harness.ts";

// The only sink's activity finishes its run (ExecuteNodeInput.finishesRun). These drive the
// activity itself, attempt by attempt, as Temporal would after a worker lost a completion: the
// run is finished exactly once, whichever write the lost attempt got to.

let h: Harness;
let app: Db;
let http: SafeHttpClient;
let activities: ReturnType<typeof createActivities>;

beforeAll(async () => {
  h = await createHarness({ worker: false });
  app = createPrisma(h.workerEnv.APP_DATABASE_URL, { poolMax: 4 });
  http = new SafeHttpClient(AddressPolicy.fromSetting("127.0.0.1"));
  activities = createActivities({ workerId: "sink-test", prisma: app, http, secrets: async () => undefined });
});

afterAll(async () => {
  await http?.close();
  await app?.$disconnect();
  await h?.close();
});

const graph = {
  version: 1,
  inputs: {},
  nodes: [
    { id: "one", type: "transform", config: { expression: "{ 'n': 1 }" } },
    { id: "two", type: "transform", config: { expression: "{ 'n': nodes.one.output.n + 1 }" } },
  ],
  edges: [{ from: "one", to: "two" }],
};

async function queuedRun(): Promise<string> {
  const agent = await h.createAgent(graph);
  const run = await withWorkspace(h.admin, h.workspaceId, (tx) =>
    createQueuedRun(tx, {
      workspaceId: h.workspaceId,
      agentId: agent.agentId,
      versionId: agent.versionId,
      input: {},
      trigger: "API",
    }),
  );
  return run.id;
}

function attempt(
  runId: string,
  nodeId: "one" | "two",
  n: number,
  extra: Partial<ExecuteNodeInput> = {},
): Promise<ExecuteNodeResult> {
  const node = graph.nodes.find((x) => x.id === nodeId)!;
  const env = new MockActivityEnvironment({
    attempt: n,
    workflowExecution: { workflowId: `run-${runId}`, runId: "temporal-run" },
  });
  return env.run(activities.executeNode, {
    runId,
    workspaceId: h.workspaceId,
    nodeId,
    type: node.type,
    config: node.config,
    maxAttempts: 1,
    timeoutMs: 10_000,
    outgoing: nodeId === "one" ? [{ to: "two" }] : [],
    ...extra,
  });
}

async function recorded(runId: string) {
  const run = await h.admin.run.findUniqueOrThrow({ where: { id: runId } });
  const events = await h.admin.runEvent.findMany({ where: { runId }, orderBy: { seq: "asc" } });
  const usage = await h.admin.usageRecord.findMany({ where: { workspaceId: h.workspaceId } });
  return { run, types: events.map((e) => e.type), runsCounted: usage.reduce((sum, u) => sum + u.runs, 0) };
}

test("the only sink's success finishes the run, after its own event, with the run's output", async () => {
  const runId = await queuedRun();
  const before = (await recorded(runId)).runsCounted;
  await attempt(runId, "one", 1, { startsRun: true });
  const result = await attempt(runId, "two", 1, { finishesRun: true });
  expect(result.run).toEqual({ status: "SUCCEEDED", output: { two: { n: 2 } }, error: null });
  const { run, types, runsCounted } = await recorded(runId);
  expect(run.status).toBe("SUCCEEDED");
  expect(run.output).toEqual({ two: { n: 2 } });
  expect(run.finishedAt).not.toBeNull();
  expect(types).toEqual([
    "run.queued",
    "run.started",
    "node.started",
    "node.succeeded",
    "node.started",
    "node.succeeded",
    "run.succeeded",
  ]);
  expect(runsCounted).toBe(before + 1);
});

test("a retry after a lost completion answers the same finish and records nothing twice", async () => {
  const runId = await queuedRun();
  await attempt(runId, "one", 1, { startsRun: true });
  const first = await attempt(runId, "two", 1, { finishesRun: true });
  const before = await recorded(runId);
  expect(before.run.status).toBe("SUCCEEDED");
  expect(before.types.filter((t) => t === "run.succeeded")).toHaveLength(1);
  // Temporal never heard of attempt 1 (the worker died after its writes): attempt 2 runs.
  const second = await attempt(runId, "two", 2, { finishesRun: true });
  expect(second.alreadyDone).toBe(true);
  expect(second.run).toEqual(first.run);
  const after = await recorded(runId);
  expect(after.types).toEqual(before.types);
  expect(after.runsCounted).toBe(before.runsCounted);
  expect(after.run.finishedAt).toEqual(before.run.finishedAt);
});

test("a retry after the sink's write but before the finish finishes the run without running the node again", async () => {
  const runId = await queuedRun();
  await attempt(runId, "one", 1, { startsRun: true });
  // Attempt 1 recorded the node's success and died before the finish (as a sink without the flag).
  await attempt(runId, "two", 1);
  expect((await recorded(runId)).run.status).toBe("RUNNING");
  const second = await attempt(runId, "two", 2, { finishesRun: true });
  expect(second.alreadyDone).toBe(true);
  expect(second.run).toEqual({ status: "SUCCEEDED", output: { two: { n: 2 } }, error: null });
  const { run, types } = await recorded(runId);
  expect(run.status).toBe("SUCCEEDED");
  expect(types.filter((t) => t === "node.started")).toHaveLength(2);
  expect(types.at(-1)).toBe("run.succeeded");
});

test("a sink in another workspace's run is refused and finishes nothing", async () => {
  const runId = await queuedRun();
  const stranger = await attempt(runId, "two", 1, {
    finishesRun: true,
    workspaceId: crypto.randomUUID(),
  }).then(
    () => null,
    (err: unknown) => err as Error,
  );
  expect(stranger?.message).toMatch(/not found/);
  expect((await recorded(runId)).run.status).toBe("QUEUED");
});

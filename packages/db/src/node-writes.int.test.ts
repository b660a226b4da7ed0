import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createPrisma, sqlPool } from "./client.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";
import { NodeWriteBatcher, NodeWriteError } from "./node-writes.ts";
import { beginNodeAttempt, nodeWrites, succeedNodeAttempt } from "./run-events.ts";
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from "./testing.ts";

let db: TestDatabase;
let admin: PrismaClient;
let app: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase(testDatabaseUrl());
  admin = createPrisma(db.adminUrl, { poolMax: 4 });
  app = createPrisma(db.appUrl, { poolMax: 20 });
});
afterAll(async () => {
  await app?.$disconnect();
  await admin?.$disconnect();
  await db?.drop();
});

/** A workspace with one run (RUNNING unless told), written as the owner. */
async function seedRun(
  status: "QUEUED" | "RUNNING" | "CANCELLED" = "RUNNING",
): Promise<{ workspaceId: string; runId: string }> {
  const workspaceId = randomUUID();
  const graph = { version: 1, inputs: {}, nodes: [], edges: [] };
  await admin.workspace.create({ data: { id: workspaceId, name: "w", slug: `w-${workspaceId}` } });
  const agent = await admin.agent.create({ data: { workspaceId, name: "a", draftGraph: graph } });
  const version = await admin.agentVersion.create({
    data: { workspaceId, agentId: agent.id, number: 1, graph, spec: "", checksum: "c" },
  });
  const run = await admin.run.create({
    data: { workspaceId, agentId: agent.id, versionId: version.id, status, input: { n: 1 } },
  });
  return { workspaceId, runId: run.id };
}

/** A first attempt's start, as the batcher carries it. */
const beginOp = (run: { workspaceId: string; runId: string }, nodeId: string) => ({
  kind: "begin" as const,
  ...run,
  nodeId,
  attempt: 1,
  maxAttempts: 1,
  item: false,
  reads: [],
});

const begin = (run: { workspaceId: string; runId: string }, nodeId: string) =>
  beginNodeAttempt(app, beginOp(run, nodeId));

const succeed = (
  run: { workspaceId: string; runId: string },
  nodeId: string,
  attempt = 1,
  output: unknown = { nodeId },
) =>
  succeedNodeAttempt(app, {
    ...run,
    nodeId,
    attempt,
    input: { nodeId },
    output,
    largeThresholdBytes: 1_000_000,
    logs: [],
    tokensIn: 0,
    tokensOut: 0,
    costUsd: 0,
    durationMs: 1,
  });

test("a burst of node writes goes out in a few statements, each with its own outcome and gap-free events", async () => {
  const [one, two] = await Promise.all([seedRun(), seedRun()]);
  const nodes = Array.from({ length: 60 }, (_, i) => `n${i}`);
  const before = nodeWrites(app).statements;
  const begun = await Promise.all(nodes.flatMap((n) => [begin(one, n), begin(two, n)]));
  expect(begun).toHaveLength(120);
  for (const b of begun)
    expect(b).toMatchObject({ done: false, failedAttempts: 0, scope: { input: { n: 1 } } });
  await Promise.all(nodes.flatMap((n) => [succeed(one, n), succeed(two, n)]));
  // 240 writes at once: one statement per run out at a time, the rest batched behind it.
  const statements = nodeWrites(app).statements - before;
  expect(statements).toBeGreaterThan(1);
  expect(statements).toBeLessThan(40);

  for (const run of [one, two]) {
    const events = await admin.runEvent.findMany({ where: { runId: run.runId }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === "node.started")).toHaveLength(60);
    expect(events.filter((e) => e.type === "node.succeeded")).toHaveLength(60);
    const rows = await admin.nodeRun.findMany({ where: { runId: run.runId } });
    expect(
      rows.every((r) => r.status === "SUCCEEDED" && (r.output as { nodeId: string }).nodeId === r.nodeId),
    ).toBe(true);
  }
});

test("a run's writes are never in two statements at once, while other runs' writes go out beside them", async () => {
  const runs = await Promise.all([seedRun(), seedRun(), seedRun()]);
  const pool = sqlPool(app);
  // The batcher on a pool that notes, per statement, which runs it carries and how many are out.
  const out = new Map<string, number>();
  let most = 0;
  let mostPerRun = 0;
  const watched = {
    query: async (text: string, values: [string]) => {
      const mine = [...new Set((JSON.parse(values[0]) as Array<{ runId: string }>).map((op) => op.runId))];
      for (const r of mine) out.set(r, (out.get(r) ?? 0) + 1);
      mostPerRun = Math.max(mostPerRun, ...mine.map((r) => out.get(r)!));
      most = Math.max(most, [...out.values()].filter((n) => n > 0).length);
      try {
        return await pool.query(text, values);
      } finally {
        for (const r of mine) out.set(r, out.get(r)! - 1);
      }
    },
  };
  const batcher = new NodeWriteBatcher(watched as unknown as typeof pool);
  const nodes = Array.from({ length: 40 }, (_, i) => `n${i}`);
  const begun = await Promise.all(nodes.flatMap((n) => runs.map((run) => batcher.write(beginOp(run, n)))));
  expect(begun.every((b) => (b as { done: boolean }).done === false)).toBe(true);
  expect(mostPerRun).toBe(1);
  // The other runs did not wait for one run's statement: several runs had one out at once.
  expect(most).toBeGreaterThan(1);
  // 120 writes, each run's after its first batched behind it: a few statements per run.
  expect(batcher.statements).toBeLessThanOrEqual(3 * 4);
  for (const run of runs) {
    const events = await admin.runEvent.findMany({ where: { runId: run.runId }, orderBy: { seq: "asc" } });
    expect(events.map((e) => [e.seq, e.type])).toEqual(nodes.map((_, i) => [i + 1, "node.started"]));
  }
});

test("a failing write fails alone, and another workspace's run stays invisible inside a batch", async () => {
  const run = await seedRun();
  const other = await seedRun();
  const calls: Array<Promise<unknown>> = [];
  for (let i = 0; i < 40; i++) calls.push(begin(run, `ok${i}`));
  // Never begun, so there is no NodeRun to succeed: this write fails inside its batch.
  const orphan = succeed(run, "never-begun");
  // Another workspace's run, seen from this one: invisible (RLS), answered as missing.
  const intruder = beginNodeAttempt(app, {
    workspaceId: run.workspaceId,
    runId: other.runId,
    nodeId: "x",
    attempt: 1,
    maxAttempts: 1,
    item: false,
    reads: null,
  });
  const settled = await Promise.allSettled([...calls, orphan, intruder]);
  expect(settled.slice(0, 40).every((s) => s.status === "fulfilled")).toBe(true);
  const failed = settled[40]!;
  expect(failed.status).toBe("rejected");
  expect((failed as PromiseRejectedResult).reason).toBeInstanceOf(NodeWriteError);
  expect(String((failed as PromiseRejectedResult).reason.message)).toMatch(/not visible/);
  expect(settled[41]).toEqual({ status: "fulfilled", value: { missing: true } });
  expect(await admin.nodeRun.count({ where: { runId: other.runId } })).toBe(0);
  expect(await admin.nodeRun.count({ where: { runId: run.runId } })).toBe(40);
  // The batch that held the failing write rolled back and its writes went again alone: each
  // recorded once, the events still gap-free.
  const events = await admin.runEvent.findMany({ where: { runId: run.runId }, orderBy: { seq: "asc" } });
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events.filter((e) => e.type === "node.started")).toHaveLength(40);
});

test("a batch that fails for a reason of the server's, not a write's, rejects every write in it once", async () => {
  const run = await seedRun();
  const pool = sqlPool(app);
  let calls = 0;
  // The real pool, whose first statement is answered as if the server were shutting down.
  const failingOnce = {
    query: async (text: string, values: [string]) => {
      calls += 1;
      if (calls === 1)
        throw Object.assign(new Error("terminating connection due to administrator command"), {
          code: "57P01",
        });
      return pool.query(text, values);
    },
  };
  const batcher = new NodeWriteBatcher(failingOnce as unknown as typeof pool);
  const settled = await Promise.allSettled(["a", "b", "c"].map((n) => batcher.write(beginOp(run, n))));
  // The first statement carried "a" alone (nothing was waiting); "b" and "c" went in the next.
  expect(settled[0]).toMatchObject({ status: "rejected", reason: { code: "57P01" } });
  expect((settled[0] as PromiseRejectedResult).reason).not.toBeInstanceOf(NodeWriteError);
  expect(settled.slice(1).every((s) => s.status === "fulfilled")).toBe(true);
  // Not split and sent again: the caller (a Temporal activity) retries.
  expect(calls).toBe(2);
  expect(await admin.nodeRun.count({ where: { runId: run.runId } })).toBe(2);
});

test("only the attempt that holds a node records it: an attempt Temporal gave up on neither takes it back nor succeeds", async () => {
  const run = await seedRun();
  const nodeId = "slow";
  const beginAt = (attempt: number) =>
    beginNodeAttempt(app, { ...run, nodeId, attempt, maxAttempts: 3, item: false, reads: [] });
  const succeedAt = (attempt: number) => succeed(run, nodeId, attempt, { by: attempt });
  const events = async () =>
    (await admin.runEvent.findMany({ where: { runId: run.runId, nodeId }, orderBy: { seq: "asc" } })).map(
      (e) => e.type,
    );

  expect((await beginAt(1)).done).toBe(false);
  // Attempt 1 waited too long (say, for the database); Temporal started attempt 2.
  expect((await beginAt(2)).done).toBe(false);
  await succeedAt(1); // attempt 1 gets through after all: not its node any more
  expect(await events()).toEqual(["node.started", "node.retrying"]);
  expect(await beginAt(1)).toEqual({ superseded: true });
  await succeedAt(2);
  const row = await admin.nodeRun.findUniqueOrThrow({
    where: { runId_nodeId: { runId: run.runId, nodeId } },
  });
  expect({
    status: row.status,
    attempt: row.attempt,
    output: row.output,
    failedAttempts: row.failedAttempts,
  }).toEqual({
    status: "SUCCEEDED",
    attempt: 2,
    output: { by: 2 },
    failedAttempts: 0,
  });
  expect(await events()).toEqual(["node.started", "node.retrying", "node.succeeded"]);
  // A late success of the same attempt again, or of the old one: still one success.
  await succeedAt(1);
  await succeedAt(2);
  expect((await events()).filter((t) => t === "node.succeeded")).toHaveLength(1);
});

test("a first node's start starts its run: once, before any node.started, in the same statement, and never a cancelled run", async () => {
  const run = await seedRun("QUEUED");
  const runStart = { workflowId: `run-${run.runId}`, temporalRunId: "t-1" };
  const beginRoot = (nodeId: string, attempt = 1) =>
    beginNodeAttempt(app, { ...run, nodeId, attempt, maxAttempts: 3, item: false, reads: [], runStart });
  const before = nodeWrites(app).statements;
  // Two roots at once, and the first one's retry: the run starts once.
  await Promise.all([beginRoot("a"), beginRoot("b")]);
  expect(nodeWrites(app).statements - before).toBeLessThanOrEqual(2);
  await beginRoot("a", 2);
  const row = await admin.run.findUniqueOrThrow({ where: { id: run.runId } });
  expect(row).toMatchObject({
    status: "RUNNING",
    temporalWorkflowId: runStart.workflowId,
    temporalRunId: "t-1",
  });
  expect(row.startedAt).toBeInstanceOf(Date);
  const events = await admin.runEvent.findMany({ where: { runId: run.runId }, orderBy: { seq: "asc" } });
  expect(events.map((e) => e.type)).toEqual(["run.started", "node.started", "node.started", "node.retrying"]);
  expect(events[0]).toMatchObject({ status: "RUNNING", nodeId: null });

  // A run cancelled while it was queued stays cancelled.
  const cancelled = await seedRun("CANCELLED");
  await beginNodeAttempt(app, {
    ...cancelled,
    nodeId: "a",
    attempt: 1,
    maxAttempts: 1,
    item: false,
    reads: [],
    runStart,
  });
  expect((await admin.run.findUniqueOrThrow({ where: { id: cancelled.runId } })).status).toBe("CANCELLED");
  expect(await admin.runEvent.count({ where: { runId: cancelled.runId, type: "run.started" } })).toBe(0);

  // Another workspace's run cannot be started through a begin scoped to this one (RLS).
  const other = await seedRun("QUEUED");
  const intruder = await beginNodeAttempt(app, {
    workspaceId: run.workspaceId,
    runId: other.runId,
    nodeId: "x",
    attempt: 1,
    maxAttempts: 1,
    item: false,
    reads: [],
    runStart,
  });
  expect(intruder).toEqual({ missing: true });
  expect((await admin.run.findUniqueOrThrow({ where: { id: other.runId } })).status).toBe("QUEUED");
});

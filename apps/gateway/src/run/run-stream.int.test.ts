// The shared read behind runEvents (readEventsAfter): subscribers of one run woken by the same
// NOTIFY share one query, but never one that began before their wake-up, and never across
// workspaces. Real Postgres with RLS; the many-subscribers path end to end is in
// run-control.int.test.ts.
import { createPrisma, withWorkspace, type PrismaClient } from "@weft/db";
import { appendEvent } from "@weft/db/run-events";
import { afterAll, beforeAll, expect, test } from "vitest";
import { insertRun, seedTenant, type Tenant } from "../testing/fixtures.ts";
import { startHarness, type Harness } from "../testing/harness.ts";
import { markWakeUp, readEventsAfter } from "./run-stream.ts";

let h: Harness;
let app: PrismaClient;
let a: Tenant;
let b: Tenant;
let runId: string;

beforeAll(async () => {
  h = await startHarness();
  app = createPrisma(h.db.appUrl, { poolMax: 4 });
  a = await seedTenant(h.gateway, h.admin, "stream-a");
  b = await seedTenant(h.gateway, h.admin, "stream-b");
  runId = await insertRun(
    h.admin,
    { workspaceId: a.workspaceId, agentId: a.agentId, versionId: a.versionId },
    { status: "RUNNING" },
  );
  await withWorkspace(h.admin, a.workspaceId, async (tx) => {
    await appendEvent(tx, { workspaceId: a.workspaceId, runId, type: "run.started", status: "RUNNING" });
    await appendEvent(tx, { workspaceId: a.workspaceId, runId, type: "node.started", nodeId: "n" });
  });
}, 120_000);

afterAll(async () => {
  await app?.$disconnect();
  await h?.close();
});

test("reads woken together share one query; a read that began before a wake-up is not reused", async () => {
  const woke = markWakeUp();
  const first = readEventsAfter(app, a.workspaceId, runId, 0, woke);
  const joined = readEventsAfter(app, a.workspaceId, runId, 0, woke);
  expect(joined).toBe(first);
  // A later NOTIFY may announce a row the first query cannot see: its subscriber reads anew.
  const later = markWakeUp();
  const fresh = readEventsAfter(app, a.workspaceId, runId, 0, later);
  expect(fresh).not.toBe(first);
  // Another page is another query.
  const nextPage = readEventsAfter(app, a.workspaceId, runId, 1, woke);
  expect(nextPage).not.toBe(fresh);

  expect((await first).map((e) => e.type)).toEqual(["run.started", "node.started"]);
  expect((await fresh).map((e) => e.seq)).toEqual([1, 2]);
  expect((await nextPage).map((e) => e.seq)).toEqual([2]);
  // Finished reads are forgotten: the next wake-up always reads again.
  const again = readEventsAfter(app, a.workspaceId, runId, 0, woke);
  expect(again).not.toBe(first);
  await again;
});

test("the workspace scope is part of what is shared: another tenant's read sees nothing", async () => {
  const woke = markWakeUp();
  const own = readEventsAfter(app, a.workspaceId, runId, 0, woke);
  const foreign = readEventsAfter(app, b.workspaceId, runId, 0, woke);
  expect(foreign).not.toBe(own);
  expect(await foreign).toEqual([]);
  expect(await own).toHaveLength(2);
});

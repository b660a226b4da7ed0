import { randomUUID } from "node:crypto";
import { createPrisma, sqlPool, type PrismaClient } from "@weft/db";
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from "@weft/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLoaders } from "./loaders.ts";

let db: TestDatabase;
let admin: PrismaClient;
let app: PrismaClient;

async function seedWorkspace(label: string, agents: number) {
  const workspaceId = randomUUID();
  await admin.workspace.create({ data: { id: workspaceId, name: label, slug: `${label}-${workspaceId}` } });
  const ids: string[] = [];
  for (let i = 0; i < agents; i++) {
    const agent = await admin.agent.create({
      data: {
        workspaceId,
        name: `${label} ${i}`,
        draftGraph: { version: 1, inputs: {}, nodes: [], edges: [] },
      },
    });
    ids.push(agent.id);
  }
  return { workspaceId, ids };
}

beforeAll(async () => {
  db = await createTestDatabase(testDatabaseUrl());
  admin = createPrisma(db.adminUrl, { poolMax: 2 });
  app = createPrisma(db.appUrl, { poolMax: 4 });
}, 60_000);

afterAll(async () => {
  await app?.$disconnect();
  await admin?.$disconnect();
  await db?.drop();
});

describe("field-resolver loaders", () => {
  it("answer the loads of one tick with one scoped statement per workspace, each id only from its own workspace", async () => {
    const a = await seedWorkspace("a", 20);
    const b = await seedWorkspace("b", 3);
    const loaders = createLoaders(app);
    const statements = vi.spyOn(sqlPool(app), "query");
    const transactions = vi.spyOn(app, "$transaction");
    const rows = await Promise.all([
      // Twenty runs of a page asking for their agents, some twice (the same agent), and b's too.
      ...a.ids.map((id) => loaders.agent.load({ workspaceId: a.workspaceId, id })),
      loaders.agent.load({ workspaceId: a.workspaceId, id: a.ids[0]! }),
      ...b.ids.map((id) => loaders.agent.load({ workspaceId: b.workspaceId, id })),
      // b's agent asked for as a's, and an id nobody has: not found, under a's scope.
      loaders.agent.load({ workspaceId: a.workspaceId, id: b.ids[0]! }),
      loaders.agent.load({ workspaceId: a.workspaceId, id: randomUUID() }),
    ]);
    // One statement per workspace and table, and no interactive transaction.
    expect(statements).toHaveBeenCalledTimes(2);
    expect(transactions).not.toHaveBeenCalled();
    statements.mockRestore();
    transactions.mockRestore();
    expect(rows.slice(0, 20).map((r) => r?.id)).toEqual(a.ids);
    expect(rows.slice(0, 21).every((r) => r?.workspaceId === a.workspaceId)).toBe(true);
    expect(rows.slice(21, 24).map((r) => r?.workspaceId)).toEqual([
      b.workspaceId,
      b.workspaceId,
      b.workspaceId,
    ]);
    expect(rows.slice(24)).toEqual([null, null]);
    // Shaped as Prisma reads them (the resolvers map Prisma's rows).
    expect(rows[0]).toEqual(await admin.agent.findUnique({ where: { id: a.ids[0]! } }));
  });

  it("keep nothing between ticks: a renamed agent reads as renamed", async () => {
    const a = await seedWorkspace("c", 1);
    const loaders = createLoaders(app);
    const key = { workspaceId: a.workspaceId, id: a.ids[0]! };
    expect((await loaders.agent.load(key))?.name).toBe("c 0");
    await admin.agent.update({ where: { id: key.id }, data: { name: "renamed" } });
    expect((await loaders.agent.load(key))?.name).toBe("renamed");
  });

  it("lists per agent (versions newest first, schedules oldest first) in one read, empty for an agent without", async () => {
    const a = await seedWorkspace("d", 3);
    for (const [i, agentId] of a.ids.slice(0, 2).entries()) {
      for (let n = 1; n <= i + 2; n++) {
        await admin.agentVersion.create({
          data: { workspaceId: a.workspaceId, agentId, number: n, graph: {}, spec: "", checksum: `c${n}` },
        });
      }
      await admin.schedule.create({
        data: { workspaceId: a.workspaceId, agentId, cron: "0 * * * *", temporalScheduleId: `s-${agentId}` },
      });
    }
    const loaders = createLoaders(app);
    const statements = vi.spyOn(sqlPool(app), "query");
    const transactions = vi.spyOn(app, "$transaction");
    const keys = a.ids.map((id) => ({ workspaceId: a.workspaceId, id }));
    const [versions, schedules] = await Promise.all([
      Promise.all(keys.map((k) => loaders.versionsOf.load(k))),
      Promise.all(keys.map((k) => loaders.schedulesOf.load(k))),
    ]);
    // One statement per workspace and table, and no interactive transaction.
    expect(statements).toHaveBeenCalledTimes(2);
    expect(transactions).not.toHaveBeenCalled();
    statements.mockRestore();
    transactions.mockRestore();
    expect(versions.map((list) => list.map((v) => v.number))).toEqual([[2, 1], [3, 2, 1], []]);
    expect(versions.flat().every((v, _, all) => all.length === 5 && v.workspaceId === a.workspaceId)).toBe(
      true,
    );
    expect(schedules.map((list) => list.map((s) => s.agentId))).toEqual([[a.ids[0]], [a.ids[1]], []]);
    expect(versions[1]).toEqual(
      await admin.agentVersion.findMany({ where: { agentId: a.ids[1]! }, orderBy: { number: "desc" } }),
    );
    expect(schedules[0]).toEqual(await admin.schedule.findMany({ where: { agentId: a.ids[0]! } }));
    const [version] = versions[0]!;
    expect(await loaders.version.load({ workspaceId: a.workspaceId, id: version!.id })).toEqual(version);
    // Another workspace's version is not there for this one.
    const other = await seedWorkspace("e", 0);
    expect(await loaders.version.load({ workspaceId: other.workspaceId, id: version!.id })).toBeNull();
  });
});

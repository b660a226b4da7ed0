import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma, withScope, withUser, withWorkspace } from "./client.ts";
import {
  beginNodeAttempt,
  finishRunRecord,
  markRunRunning,
  readEventsAfterSeq,
  succeedNodeAttempt,
} from "./run-events.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";
import {
  MemberRefusal,
  readRunsPage,
  readRunVersion,
  writeStartedRun,
  type RunsPageQuery,
} from "./run-statements.ts";
import { withAdminClient } from "./pg-admin.ts";
import { createTestDatabase, tablesMissingRls, testDatabaseUrl, type TestDatabase } from "./testing.ts";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

interface Tenant {
  workspaceId: string;
  userId: string;
  agentId: string;
  versionId: string;
  runId: string;
  apiKeyToken: string;
}

let db: TestDatabase;
let admin: PrismaClient;
let app: PrismaClient;
let A: Tenant;
let B: Tenant;
let tenantTables: string[];

// One row in every tenant table, written as the superuser (bypasses RLS).
async function seedTenant(label: string): Promise<Tenant> {
  const t = {
    workspaceId: randomUUID(),
    userId: randomUUID(),
    agentId: randomUUID(),
    versionId: randomUUID(),
    runId: randomUUID(),
    apiKeyToken: `weft_${label}_${randomUUID()}`,
  };
  const ws = t.workspaceId;
  const graph = { version: 1, inputs: {}, nodes: [], edges: [] };
  await admin.user.create({ data: { id: t.userId, email: `${label}-${ws}@example.test`, name: label } });
  await admin.workspace.create({ data: { id: ws, name: `Workspace ${label}`, slug: `ws-${label}-${ws}` } });
  await admin.membership.create({ data: { workspaceId: ws, userId: t.userId, role: "OWNER" } });
  await admin.invitation.create({
    data: {
      workspaceId: ws,
      email: `invitee-${label}@example.test`,
      role: "EDITOR",
      tokenHash: sha(`inv-${ws}`),
      expiresAt: new Date(Date.now() + 86_400_000),
    },
  });
  await admin.apiKey.create({
    data: {
      workspaceId: ws,
      name: "ci",
      role: "EDITOR",
      prefix: t.apiKeyToken.slice(0, 10),
      hash: sha(t.apiKeyToken),
      createdById: t.userId,
    },
  });
  await admin.agent.create({
    data: { id: t.agentId, workspaceId: ws, name: `Agent ${label}`, draftGraph: graph },
  });
  await admin.agentVersion.create({
    data: { id: t.versionId, workspaceId: ws, agentId: t.agentId, number: 1, graph, spec: "", checksum: "c" },
  });
  await admin.agent.update({ where: { id: t.agentId }, data: { liveVersionId: t.versionId } });
  const schedule = await admin.schedule.create({
    data: { workspaceId: ws, agentId: t.agentId, cron: "0 * * * *", temporalScheduleId: `sched-${ws}` },
  });
  await admin.run.create({
    data: {
      id: t.runId,
      workspaceId: ws,
      agentId: t.agentId,
      versionId: t.versionId,
      scheduleId: schedule.id,
      trigger: "SCHEDULE",
    },
  });
  const large = await admin.largeOutput.create({
    data: { workspaceId: ws, runId: t.runId, nodeId: "fetch", data: { big: true }, sizeBytes: 300_000 },
  });
  await admin.nodeRun.create({
    data: {
      workspaceId: ws,
      runId: t.runId,
      nodeId: "fetch",
      status: "SUCCEEDED",
      outputRef: large.id,
      logs: ["ok"],
    },
  });
  await admin.runEvent.create({ data: { workspaceId: ws, runId: t.runId, seq: 1, type: "run.started" } });
  await admin.secret.create({
    data: {
      workspaceId: ws,
      name: "API_KEY",
      ciphertext: Buffer.from("c"),
      iv: Buffer.from("i"),
      authTag: Buffer.from("t"),
      wrappedDataKey: Buffer.from("k"),
      keyVersion: 1,
    },
  });
  await admin.provider.create({ data: { workspaceId: ws, provider: "openai", secretName: "API_KEY" } });
  await admin.usageRecord.create({
    data: {
      workspaceId: ws,
      day: new Date("2026-11-22"),
      model: "openai/gpt-4o-mini",
      provider: "openai",
      runs: 1,
    },
  });
  await admin.llmCall.create({
    data: {
      workspaceId: ws,
      runId: t.runId,
      nodeId: "fetch",
      provider: "openai",
      model: "openai/gpt-4o-mini",
    },
  });
  await admin.auditEvent.create({
    data: {
      workspaceId: ws,
      actorUserId: t.userId,
      action: "agent.publish",
      targetType: "Agent",
      targetId: t.agentId,
    },
  });
  return t;
}

async function count(
  client: PrismaClient | Parameters<Parameters<typeof withWorkspace>[2]>[0],
  table: string,
  where = "TRUE",
) {
  const rows = await client.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM "${table}" WHERE ${where}`,
  );
  return rows[0]!.n;
}

beforeAll(async () => {
  db = await createTestDatabase(testDatabaseUrl());
  admin = createPrisma(db.adminUrl, { poolMax: 4 });
  app = createPrisma(db.appUrl, { poolMax: 20 });
  A = await seedTenant("a");
  B = await seedTenant("b");
  tenantTables = await withAdminClient(db.adminUrl, async (c) => {
    const { rows } = await c.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'workspaceId' ORDER BY 1`,
    );
    return rows.map((r) => r.table_name);
  });
}, 60_000);

afterAll(async () => {
  await app?.$disconnect();
  await admin?.$disconnect();
  await db?.drop();
});

describe("row-level security", () => {
  it("covers every table with a workspaceId column (forced, with a policy)", async () => {
    expect(tenantTables.length).toBeGreaterThanOrEqual(14);
    expect(await tablesMissingRls(db.adminUrl)).toEqual([]);
    const workspace = await withAdminClient(db.adminUrl, (c) =>
      c.query(`SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = '"Workspace"'::regclass`),
    );
    expect(workspace.rows[0]).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
  });

  it("the catalogue check catches a tenant table added without RLS", async () => {
    await withAdminClient(db.adminUrl, (c) =>
      c.query(`CREATE TABLE "Forgotten" (id int, "workspaceId" uuid)`),
    );
    try {
      expect(await tablesMissingRls(db.adminUrl)).toEqual(["Forgotten"]);
    } finally {
      await withAdminClient(db.adminUrl, (c) => c.query(`DROP TABLE "Forgotten"`));
    }
  });

  it("the app role can neither bypass RLS nor act as superuser", async () => {
    const rows = await app.$queryRaw<{ rolsuper: boolean; rolbypassrls: boolean }[]>`
      SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`;
    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false }]);
  });

  it("without a workspace scope the app sees no rows in any tenant table", async () => {
    for (const table of [...tenantTables, "Workspace"]) {
      expect({ table, n: await count(app, table) }).toEqual({ table, n: 0 });
    }
    expect(await app.agent.findMany()).toEqual([]);
  });

  it("scoped to A, every tenant table shows A's rows and none of B's", async () => {
    await withWorkspace(app, A.workspaceId, async (tx) => {
      for (const table of tenantTables) {
        expect({ table, own: await count(tx, table) }).toEqual({ table, own: 1 });
        expect({ table, foreign: await count(tx, table, `"workspaceId" <> '${A.workspaceId}'`) }).toEqual({
          table,
          foreign: 0,
        });
      }
      expect((await tx.workspace.findMany()).map((w) => w.id)).toEqual([A.workspaceId]);
      expect(await tx.agent.findUnique({ where: { id: B.agentId } })).toBeNull();
      expect(await tx.run.findUnique({ where: { id: B.runId } })).toBeNull();
    });
  });

  it("inserting into B while scoped to A is rejected by the policy (42501)", async () => {
    const attempt = withWorkspace(app, A.workspaceId, (tx) =>
      tx.agent.create({ data: { workspaceId: B.workspaceId, name: "intruder", draftGraph: {} } }),
    );
    await expect(attempt).rejects.toThrow(/row-level security|42501/);
    expect(await count(admin, "Agent", `name = 'intruder'`)).toBe(0);
  });

  it("updating or deleting B's rows while scoped to A affects nothing", async () => {
    const result = await withWorkspace(app, A.workspaceId, async (tx) => ({
      updated: await tx.agent.updateMany({ where: { id: B.agentId }, data: { name: "hijacked" } }),
      deleted: await tx.secret.deleteMany({ where: { workspaceId: B.workspaceId } }),
    }));
    expect(result.updated.count).toBe(0);
    expect(result.deleted.count).toBe(0);
    expect((await admin.agent.findUniqueOrThrow({ where: { id: B.agentId } })).name).toBe("Agent b");
  });

  it("moving a row of A into B is rejected (WITH CHECK on update)", async () => {
    const attempt = withWorkspace(app, A.workspaceId, (tx) =>
      tx.auditEvent.updateMany({
        where: { workspaceId: A.workspaceId },
        data: { workspaceId: B.workspaceId },
      }),
    );
    await expect(attempt).rejects.toThrow(/row-level security|42501/);
  });

  it("a row of A cannot reference B's agent even by id (composite foreign key)", async () => {
    const attempt = withWorkspace(app, A.workspaceId, (tx) =>
      tx.run.create({ data: { workspaceId: A.workspaceId, agentId: B.agentId, versionId: B.versionId } }),
    );
    await expect(attempt).rejects.toThrow(/foreign key|Foreign key/);
  });

  it("200 concurrent scoped transactions alternating A/B never leak", async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const t = i % 2 === 0 ? A : B;
        return withWorkspace(app, t.workspaceId, async (tx) => ({
          expected: t.workspaceId,
          agents: await tx.agent.findMany({ select: { workspaceId: true } }),
          events: await tx.runEvent.findMany({ select: { workspaceId: true } }),
        }));
      }),
    );
    for (const r of results) {
      expect(r.agents).toEqual([{ workspaceId: r.expected }]);
      expect(r.events).toEqual([{ workspaceId: r.expected }]);
    }
    // The scope dies with each transaction: the pooled connections are clean.
    expect(await count(app, "Agent")).toBe(0);
  }, 30_000);

  it("a user scope reveals only that user's memberships and workspaces", async () => {
    const seen = await withUser(app, A.userId, async (tx) => ({
      memberships: await tx.membership.findMany({ select: { workspaceId: true, userId: true } }),
      workspaces: await tx.workspace.findMany({ select: { id: true } }),
      agents: await tx.agent.count(),
    }));
    expect(seen.memberships).toEqual([{ workspaceId: A.workspaceId, userId: A.userId }]);
    expect(seen.workspaces).toEqual([{ id: A.workspaceId }]);
    expect(seen.agents).toBe(0);
    // Read-only: a user scope cannot add itself to another workspace.
    await expect(
      withUser(app, A.userId, (tx) =>
        tx.membership.create({ data: { workspaceId: B.workspaceId, userId: A.userId, role: "OWNER" } }),
      ),
    ).rejects.toThrow(/row-level security|42501/);
  });

  it("a user scope reveals the open invitations addressed to that user's email, read-only", async () => {
    const invitee = await admin.user.create({
      data: { email: "invitee-b@example.test", name: "Invitee" },
      select: { id: true },
    });
    try {
      const seen = await withUser(app, invitee.id, (tx) =>
        tx.invitation.findMany({ select: { workspaceId: true, email: true } }),
      );
      expect(seen).toEqual([{ workspaceId: B.workspaceId, email: "invitee-b@example.test" }]);
      // Accepting needs the workspace scope: the user scope cannot change or remove invitations.
      const changed = await withUser(app, invitee.id, async (tx) => ({
        updated: (await tx.invitation.updateMany({ data: { role: "OWNER" } })).count,
        deleted: (await tx.invitation.deleteMany({})).count,
      }));
      expect(changed).toEqual({ updated: 0, deleted: 0 });
      // A user whose email nobody invited sees none.
      expect(await withUser(app, A.userId, (tx) => tx.invitation.count())).toBe(0);
    } finally {
      await admin.user.delete({ where: { id: invitee.id } });
    }
  });

  it("an API key hash reveals exactly its own key row", async () => {
    const keys = await withScope(app, { apiKeyHash: sha(B.apiKeyToken) }, (tx) =>
      tx.apiKey.findMany({ select: { workspaceId: true } }),
    );
    expect(keys).toEqual([{ workspaceId: B.workspaceId }]);
    const none = await withScope(app, { apiKeyHash: sha("weft_guess") }, (tx) => tx.apiKey.count());
    expect(none).toBe(0);
  });

  it("rejects a scope that is not a UUID before touching the database", async () => {
    await expect(withWorkspace(app, '\'; DROP TABLE "Agent"; --', async () => 1)).rejects.toThrow(
      /workspaceId must be a UUID/,
    );
    await expect(withUser(app, "nope", async () => 1)).rejects.toThrow(/userId must be a UUID/);
  });

  it("the node hot-path functions run under the caller's RLS: another workspace's run is invisible", async () => {
    const before = await count(admin, "NodeRun", `"runId" = '${B.runId}'`);
    const beginAsA = await beginNodeAttempt(app, {
      workspaceId: A.workspaceId,
      runId: B.runId,
      nodeId: "intruder",
      attempt: 1,
      maxAttempts: 1,
      item: false,
      reads: null,
    });
    expect(beginAsA).toEqual({ missing: true });
    await expect(
      succeedNodeAttempt(app, {
        workspaceId: A.workspaceId,
        runId: B.runId,
        nodeId: "fetch",
        attempt: 1,
        input: null,
        output: { stolen: true },
        largeThresholdBytes: 1_000_000,
        logs: [],
        tokensIn: 0,
        tokensOut: 0,
        costUsd: 0,
        durationMs: 1,
      }),
    ).rejects.toThrow(/not visible/);
    expect(await count(admin, "NodeRun", `"runId" = '${B.runId}'`)).toBe(before);

    // Scoped to its own workspace, the same call sees the run, its large output resolved.
    const own = await beginNodeAttempt(app, {
      workspaceId: B.workspaceId,
      runId: B.runId,
      nodeId: "next",
      attempt: 1,
      maxAttempts: 1,
      item: true,
      reads: null,
    });
    expect(own.scope.nodes).toEqual({ fetch: { output: { big: true } } });
    const limited = await beginNodeAttempt(app, {
      workspaceId: B.workspaceId,
      runId: B.runId,
      nodeId: "next",
      attempt: 1,
      maxAttempts: 1,
      item: true,
      reads: ["other"],
    });
    expect(limited.scope.nodes).toEqual({});
  });

  it("the run start/finish and event-read functions run under the caller's RLS too", async () => {
    const runBefore = await admin.run.findUniqueOrThrow({ where: { id: B.runId } });
    const eventsBefore = await count(admin, "RunEvent", `"runId" = '${B.runId}'`);
    expect(
      await markRunRunning(app, {
        workspaceId: A.workspaceId,
        runId: B.runId,
        temporalWorkflowId: "intruder",
        temporalRunId: "intruder",
      }),
    ).toBe(false);
    await expect(
      finishRunRecord(app, {
        workspaceId: A.workspaceId,
        runId: B.runId,
        status: "FAILED",
        error: "intruder",
        outputNodeIds: [],
        noModel: "none",
      }),
    ).rejects.toThrow(/not visible/);
    expect(
      await readEventsAfterSeq(app, { workspaceId: A.workspaceId, runId: B.runId, afterSeq: 0, limit: 10 }),
    ).toEqual([]);
    const own = await readEventsAfterSeq(app, {
      workspaceId: B.workspaceId,
      runId: B.runId,
      afterSeq: 0,
      limit: 10,
    });
    expect(own.length).toBeGreaterThan(0);
    expect(own.length).toBe(Math.min(eventsBefore, 10));
    const runAfter = await admin.run.findUniqueOrThrow({ where: { id: B.runId } });
    expect(runAfter.status).toBe(runBefore.status);
    expect(runAfter.temporalWorkflowId).toBe(runBefore.temporalWorkflowId);
    expect(await count(admin, "RunEvent", `"runId" = '${B.runId}'`)).toBe(eventsBefore);
  });

  it("weft_locate finds a row only in the caller's own workspaces, with their role there, and leaves the transaction scoped to it", async () => {
    const locate = (kind: string, id: string, user: string | null, keyWorkspace: string | null) =>
      app.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<Array<{ workspace_id: string; role: string | null }>>`
          SELECT workspace_id, role FROM weft_locate(${kind}, ${id}::uuid, ${user}::uuid, ${keyWorkspace}::uuid)`;
        // What the rest of the transaction sees: the located workspace's rows, nobody else's.
        const runs = await tx.run.findMany({ select: { workspaceId: true } });
        return { rows, runWorkspaces: [...new Set(runs.map((r) => r.workspaceId))] };
      });
    // A's owner joins twelve empty workspaces, then B as a VIEWER: B's run is found on the
    // fourteenth try, past the first fetch of a cursor (so all memberships must be read first).
    const extra: string[] = [];
    for (let i = 0; i < 12; i++) {
      const ws = await admin.workspace.create({
        data: { name: `Extra ${i}`, slug: `extra-${i}-${randomUUID()}` },
      });
      await admin.membership.create({ data: { workspaceId: ws.id, userId: A.userId, role: "EDITOR" } });
      extra.push(ws.id);
    }
    const joined = await admin.membership.create({
      data: { workspaceId: B.workspaceId, userId: A.userId, role: "VIEWER" },
    });
    try {
      const own = await locate("run", A.runId, A.userId, null);
      expect(own.rows).toEqual([{ workspace_id: A.workspaceId, role: "OWNER" }]);
      expect(own.runWorkspaces).toEqual([A.workspaceId]);

      const joinedRun = await locate("run", B.runId, A.userId, null);
      expect(joinedRun.rows).toEqual([{ workspace_id: B.workspaceId, role: "VIEWER" }]);
      expect(joinedRun.runWorkspaces).toEqual([B.workspaceId]);

      // B's owner is not a member of A: A's rows do not exist for them.
      expect((await locate("run", A.runId, B.userId, null)).rows).toEqual([]);
      expect((await locate("agent", A.agentId, B.userId, null)).rows).toEqual([]);
      expect((await locate("run", randomUUID(), A.userId, null)).rows).toEqual([]);

      // An API key of A: only A.
      expect((await locate("agentVersion", A.versionId, null, A.workspaceId)).rows).toEqual([
        { workspace_id: A.workspaceId, role: null },
      ]);
      expect((await locate("agentVersion", B.versionId, null, A.workspaceId)).rows).toEqual([]);

      // Archived agents are gone.
      await admin.agent.update({ where: { id: A.agentId }, data: { archivedAt: new Date() } });
      expect((await locate("agent", A.agentId, A.userId, null)).rows).toEqual([]);
      await expect(locate("nonsense", A.agentId, A.userId, null)).rejects.toThrow(/case not found/i);
    } finally {
      await admin.agent.update({ where: { id: A.agentId }, data: { archivedAt: null } });
      await admin.membership.deleteMany({ where: { userId: A.userId, workspaceId: { in: extra } } });
      await admin.workspace.deleteMany({ where: { id: { in: extra } } });
      await admin.membership.delete({ where: { id: joined.id } });
    }
  });

  it("weft_member_role answers the caller's role in a workspace and scopes the transaction to it, or NULL", async () => {
    const member = (workspaceId: string, userId: string) =>
      app.$transaction(async (tx) => {
        const [row] = await tx.$queryRaw<Array<{ role: string | null }>>`
          SELECT weft_member_role(${workspaceId}::uuid, ${userId}::uuid) AS role`;
        const agents = await tx.agent.findMany({ select: { workspaceId: true } });
        return { role: row?.role ?? null, agentWorkspaces: [...new Set(agents.map((a) => a.workspaceId))] };
      });
    expect(await member(A.workspaceId, A.userId)).toEqual({
      role: "OWNER",
      agentWorkspaces: [A.workspaceId],
    });
    // Not a member: no role (the gateway answers NOT_FOUND before any work).
    expect((await member(A.workspaceId, B.userId)).role).toBeNull();
    expect((await member(randomUUID(), A.userId)).role).toBeNull();
  });

  it("weft_runs_page answers a member with their workspace's runs as Prisma reads them, and refuses everyone else", async () => {
    const C = await seedTenant("c");
    const D = await seedTenant("d");
    const base = Date.parse("2026-01-01T00:00:00Z");
    // Five more runs a second apart (two in the same millisecond, for the cursor's tie-break), the
    // last one failed; and one of D's at the same moments, which C's reader must never see.
    const times = [1, 2, 3, 3, 4].map((s) => new Date(base + s * 1000));
    for (const [i, at] of times.entries()) {
      for (const t of [C, D]) {
        await admin.run.create({
          data: {
            workspaceId: t.workspaceId,
            agentId: t.agentId,
            versionId: t.versionId,
            createdAt: at,
            status: i === 4 ? "FAILED" : "SUCCEEDED",
            costUsd: "0.12345678",
            input: { i },
          },
        });
      }
    }
    const all = ["VIEWER", "EDITOR", "ADMIN", "OWNER"];
    const page = (q: Partial<RunsPageQuery>) =>
      readRunsPage(app, {
        workspaceId: C.workspaceId,
        userId: C.userId,
        roles: all,
        agentId: null,
        status: null,
        after: null,
        limit: 50,
        ...q,
      });
    const prisma = await admin.run.findMany({
      where: { workspaceId: C.workspaceId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
    expect(prisma).toHaveLength(6);
    // Whole rows but for input and output, which a page leaves out (the gateway reads them by id).
    const summaries = prisma.map(({ input: _input, output: _output, ...row }) => row);
    expect(prisma.filter((r) => r.input !== null)).toHaveLength(5);
    expect(await page({})).toEqual(summaries);
    expect((await page({})).every((r) => r.workspaceId === C.workspaceId)).toBe(true);

    // Keyset pages of two, through the tie at the same millisecond, add up to the whole list.
    const pagesOfTwo = async (q: Partial<RunsPageQuery>) => {
      const seen: string[] = [];
      let after: RunsPageQuery["after"] = null;
      for (;;) {
        const rows = await page({ ...q, limit: 2, after });
        seen.push(...rows.map((r) => r.id));
        if (rows.length < 2) return seen;
        after = { at: rows[1]!.createdAt, id: rows[1]!.id };
      }
    };
    expect(await pagesOfTwo({})).toEqual(prisma.map((r) => r.id));

    expect((await page({ status: "FAILED" })).map((r) => r.id)).toEqual(
      prisma.filter((r) => r.status === "FAILED").map((r) => r.id),
    );
    expect(prisma.filter((r) => r.status === "FAILED")).toHaveLength(1);
    expect(await page({ agentId: C.agentId })).toHaveLength(6);
    // A status page (its status is written into the query as a literal): whole rows as above, the
    // agent's the same, keyset pages of two through the tie, and no run of D's, which has runs of
    // that status at the same moments.
    const succeeded = summaries.filter((r) => r.status === "SUCCEEDED");
    expect(succeeded).toHaveLength(4);
    expect(await page({ status: "SUCCEEDED" })).toEqual(succeeded);
    expect(await page({ status: "SUCCEEDED", agentId: C.agentId })).toEqual(succeeded);
    expect(await pagesOfTwo({ status: "SUCCEEDED" })).toEqual(succeeded.map((r) => r.id));
    // A status that is none, or that tries to end the literal, matches no run.
    expect(await page({ status: "RUNNING" })).toEqual([]);
    expect(await page({ status: "succeeded" })).toEqual([]);
    expect(await page({ status: "SUCCEEDED' OR 'x' = 'x" })).toEqual([]);

    const refusal = (q: Partial<RunsPageQuery>) =>
      page(q).then(
        () => null,
        (e: unknown) => (e instanceof MemberRefusal ? { reason: e.reason, role: e.role } : e),
      );
    // A member of C asking for D, a stranger, an unknown workspace: not a member.
    expect(await refusal({ workspaceId: D.workspaceId })).toEqual({ reason: "not_member", role: null });
    expect(await refusal({ userId: randomUUID() })).toEqual({ reason: "not_member", role: null });
    expect(await refusal({ workspaceId: randomUUID() })).toEqual({ reason: "not_member", role: null });
    // A role the caller does not allow.
    expect(await refusal({ roles: ["ADMIN"] })).toEqual({ reason: "role", role: "OWNER" });
    // D's agent in C's page: not visible under C's scope.
    expect(await refusal({ agentId: D.agentId })).toEqual({ reason: "no_agent", role: null });
    // An API key's read (no user; the gateway checked the key) is still confined to its workspace.
    expect(await refusal({ userId: null, agentId: D.agentId })).toEqual({ reason: "no_agent", role: null });
    expect((await page({ userId: null })).map((r) => r.id)).toEqual(prisma.map((r) => r.id));
  });

  it("weft_runs_page reads only the rows of the page it answers, with the table's statistics or without", async () => {
    // 400 runs, one in ten failed, none running. A page is an index range scan that stops after it.
    // Before, it read and sorted all of the workspace's runs where the table had no statistics yet
    // (after a burst of runs), for a status, and for a later page; later a status page still walked
    // the workspace's runs until it had a page of that status, all 400 for a status no run has.
    const G = await seedTenant("g");
    const base = Date.parse("2026-02-01T00:00:00Z");
    await admin.run.createMany({
      data: Array.from({ length: 400 }, (_, i) => ({
        workspaceId: G.workspaceId,
        agentId: G.agentId,
        versionId: G.versionId,
        createdAt: new Date(base + i * 1000),
        status: i % 10 === 0 ? ("FAILED" as const) : ("SUCCEEDED" as const),
      })),
    });
    const [middle] = await admin.run.findMany({
      where: { workspaceId: G.workspaceId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: 150,
      take: 1,
    });
    // [agent, status, after at, after id]: all runs, an agent's, one status, an agent's of one
    // status, a page further on, a status no run has (an empty page).
    const shapes: Record<string, [string | null, string | null, Date | null, string | null]> = {
      all: [null, null, null, null],
      agent: [G.agentId, null, null, null],
      status: [null, "FAILED", null, null],
      "agent status": [G.agentId, "FAILED", null, null],
      later: [null, null, middle!.createdAt, middle!.id],
      "later status": [null, "FAILED", middle!.createdAt, middle!.id],
      none: [null, "RUNNING", null, null],
    };
    const roles = ["VIEWER", "EDITOR", "ADMIN", "OWNER"];
    const read = await withAdminClient(db.appUrl, async (c) => {
      // Rows fetched through any of the table's indexes or by a bitmap scan, and rows scanned: the
      // counts of this backend's transactions not yet reported, so a difference is what the calls read.
      const rowsRead = async () => {
        const { rows } = await c.query<{ n: string }>(
          `SELECT pg_stat_get_xact_tuples_returned('"Run"'::regclass)
                + sum(pg_stat_get_xact_tuples_fetched(oid)) AS n
             FROM unnest(array_append(ARRAY(SELECT indexrelid FROM pg_index
                                             WHERE indrelid = '"Run"'::regclass), '"Run"'::regclass)) AS oid`,
        );
        return Number(rows[0]!.n);
      };
      const counts: Record<string, number> = {};
      for (const statistics of ["fresh", "analyzed"]) {
        if (statistics === "analyzed") await withAdminClient(db.adminUrl, (a) => a.query('ANALYZE "Run"'));
        for (const [name, shape] of Object.entries(shapes)) {
          await c.query("BEGIN");
          const before = await rowsRead();
          // Ten calls: PL/pgSQL makes five custom plans before it may keep a generic one.
          for (let i = 0; i < 10; i++) {
            const { rowCount } = await c.query(
              "SELECT * FROM weft_runs_page($1::uuid, $2::uuid, $3::text[], $4::uuid, $5::text, $6::timestamptz, $7::uuid, 21)",
              [G.workspaceId, G.userId, roles, ...shape],
            );
            expect({ name, rowCount }).toEqual({ name, rowCount: name === "none" ? 0 : 21 });
          }
          counts[`${statistics} ${name}`] = (await rowsRead()) - before;
          await c.query("COMMIT");
        }
      }
      return counts;
    });
    // A page of 21 reads its 21 rows and at most one more per call, whatever its status. Before,
    // most of these read all 400, and a status page 211 or more per call.
    for (const [shape, n] of Object.entries(read))
      expect({ shape, n: n <= 10 * 22 }).toEqual({ shape, n: true });
  });

  it("startRun's statements: the version only among the caller's workspaces, the run written only for a member with a role allowed", async () => {
    const E = await seedTenant("e");
    const F = await seedTenant("f");
    const find = (q: Partial<Parameters<typeof readRunVersion>[1]>) =>
      readRunVersion(app, {
        agentId: E.agentId,
        versionId: null,
        userId: E.userId,
        keyWorkspaceId: null,
        ...q,
      });
    const live = { id: E.versionId, number: 1, graph: { version: 1, inputs: {}, nodes: [], edges: [] } };
    expect(await find({})).toEqual({ workspaceId: E.workspaceId, role: "OWNER", version: live });
    expect(await find({ versionId: E.versionId })).toEqual({
      workspaceId: E.workspaceId,
      role: "OWNER",
      version: live,
    });
    // F's version of E's agent, a version that does not exist: the agent is found, the version not.
    expect((await find({ versionId: F.versionId }))?.version).toBeNull();
    expect((await find({ versionId: randomUUID() }))?.version).toBeNull();
    // Another tenant's agent, for a person or an API key of E: not found at all.
    expect(await find({ agentId: F.agentId })).toBeNull();
    expect(await find({ agentId: F.agentId, userId: null, keyWorkspaceId: E.workspaceId })).toBeNull();
    expect(await find({ userId: null, keyWorkspaceId: E.workspaceId })).toEqual({
      workspaceId: E.workspaceId,
      role: null,
      version: live,
    });

    const write = (w: Partial<Parameters<typeof writeStartedRun>[1]>) =>
      writeStartedRun(app, {
        workspaceId: E.workspaceId,
        userId: E.userId,
        roles: ["EDITOR", "ADMIN", "OWNER"],
        apiKeyId: null,
        agentId: E.agentId,
        versionId: E.versionId,
        input: { topic: "otters" },
        trigger: "MANUAL",
        auditData: { agentId: E.agentId, versionId: E.versionId },
        ...w,
      });
    const runsOf = (ws: string) => count(admin, "Run", `"workspaceId" = '${ws}'`);
    const before = await runsOf(E.workspaceId);
    const row = await write({});
    expect(row).toEqual(
      await admin.run.findUniqueOrThrow({ where: { id: row.id } }).then((r) => ({ ...r, lastEventSeq: 0 })),
    );
    expect(row).toMatchObject({
      workspaceId: E.workspaceId,
      status: "QUEUED",
      trigger: "MANUAL",
      createdById: E.userId,
    });
    expect(row.input).toEqual({ topic: "otters" });
    expect(
      await admin.runEvent.findMany({
        where: { runId: row.id },
        select: { seq: true, type: true, status: true },
      }),
    ).toEqual([{ seq: 1, type: "run.queued", status: "QUEUED" }]);
    expect(
      await admin.auditEvent.findMany({
        where: { targetId: row.id },
        select: {
          action: true,
          targetType: true,
          actorUserId: true,
          actorApiKeyId: true,
          data: true,
          workspaceId: true,
        },
      }),
    ).toEqual([
      {
        action: "run.start",
        targetType: "Run",
        actorUserId: E.userId,
        actorApiKeyId: null,
        data: { agentId: E.agentId, versionId: E.versionId },
        workspaceId: E.workspaceId,
      },
    ]);

    const refusal = (w: Partial<Parameters<typeof writeStartedRun>[1]>) =>
      write(w).then(
        () => null,
        (e: unknown) => (e instanceof MemberRefusal ? { reason: e.reason, role: e.role } : e),
      );
    // A stranger, a member of F writing into E, a role not allowed: refused, and nothing written.
    expect(await refusal({ userId: randomUUID() })).toEqual({ reason: "not_member", role: null });
    expect(await refusal({ userId: F.userId })).toEqual({ reason: "not_member", role: null });
    expect(await refusal({ roles: ["ADMIN"] })).toEqual({ reason: "role", role: "OWNER" });
    // RLS still holds under the statement's scope: F's agent cannot be queued in E.
    await expect(write({ agentId: F.agentId, versionId: F.versionId })).rejects.toThrow(
      /foreign key|violates/,
    );
    expect(await runsOf(E.workspaceId)).toBe(before + 1);
    expect(await runsOf(F.workspaceId)).toBe(1);
  });
});

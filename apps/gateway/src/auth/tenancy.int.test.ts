import type { Role } from "@weft/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgent, EXAMPLE_GRAPH, OPS, seedTenant, snapshot, type Tenant } from "../testing/fixtures.ts";
import { errorCode, gql, ok, signUp, startHarness, type Harness, type TestUser } from "../testing/harness.ts";

let h: Harness;
let A: Tenant;
let B: Tenant;
/** An OWNER-role API key of workspace A: the strongest credential A has. */
let keyA: string;
/** Workspace B's own API key and pending invitation, as targets. */
let keyIdB: string;
let invitationIdB: string;

beforeAll(async () => {
  h = await startHarness();
  A = await seedTenant(h.gateway, h.admin, "a");
  B = await seedTenant(h.gateway, h.admin, "b");
  const { createApiKey } = await ok<{ createApiKey: { token: string } }>(
    h.gateway,
    A.owner.token,
    OPS.createApiKey,
    {
      w: A.workspaceId,
      name: "a-owner",
      role: "OWNER",
    },
  );
  keyA = createApiKey.token;
  const keyB = await ok<{ createApiKey: { apiKey: { id: string } } }>(
    h.gateway,
    B.owner.token,
    OPS.createApiKey,
    {
      w: B.workspaceId,
      name: "b-ci",
      role: "VIEWER",
    },
  );
  keyIdB = keyB.createApiKey.apiKey.id;
  const invited = await ok<{ inviteMember: { user: { id: string } } }>(
    h.gateway,
    B.owner.token,
    OPS.inviteMember,
    {
      w: B.workspaceId,
      email: `b-invitee-${Date.now()}@example.test`,
      role: "VIEWER",
    },
  );
  invitationIdB = invited.inviteMember.user.id;
  // First use stamps lastUsedAt (then throttled for a minute); do it before any snapshot.
  await ok(h.gateway, keyA, "{ workspaces { id } }");
});
afterAll(() => h.close());

/**
 * Every operation that takes an id, called with workspace B's ids. Adding an
 * operation to the API means adding a line here.
 */
const crossTenant: [string, string, (b: Tenant, a: Tenant) => Record<string, unknown>][] = [
  ["workspace", OPS.workspace, (b) => ({ id: b.workspaceId })],
  ["agents", OPS.agents, (b) => ({ w: b.workspaceId })],
  ["agent", OPS.agent, (b) => ({ id: b.agentId })],
  ["runs", OPS.runs, (b) => ({ w: b.workspaceId })],
  ["runs (own workspace, B's agent)", OPS.runs, (b, a) => ({ w: a.workspaceId, agentId: b.agentId })],
  ["run", OPS.run, (b) => ({ id: b.runId })],
  ["auditEvents", OPS.auditEvents, (b) => ({ w: b.workspaceId })],
  ["usage", OPS.usage, (b) => ({ w: b.workspaceId })],
  [
    "inviteMember",
    OPS.inviteMember,
    (b) => ({ w: b.workspaceId, email: "spy@example.test", role: "VIEWER" }),
  ],
  ["setMemberRole", OPS.setMemberRole, (b) => ({ w: b.workspaceId, userId: b.owner.id, role: "VIEWER" })],
  [
    "setMemberRole (own workspace, B's user)",
    OPS.setMemberRole,
    (b, a) => ({ w: a.workspaceId, userId: b.owner.id, role: "VIEWER" }),
  ],
  ["createApiKey", OPS.createApiKey, (b) => ({ w: b.workspaceId, name: "spy", role: "OWNER" })],
  ["Workspace.apiKeys", OPS.apiKeys, (b) => ({ id: b.workspaceId })],
  ["revokeApiKey", OPS.revokeApiKey, () => ({ id: keyIdB })],
  ["removeMember", OPS.removeMember, (b) => ({ w: b.workspaceId, userId: b.owner.id })],
  [
    "removeMember (own workspace, B's user)",
    OPS.removeMember,
    (b, a) => ({ w: a.workspaceId, userId: b.owner.id }),
  ],
  ["revokeInvitation", OPS.revokeInvitation, (b) => ({ w: b.workspaceId, id: invitationIdB })],
  [
    "revokeInvitation (own workspace, B's invitation)",
    OPS.revokeInvitation,
    (_b, a) => ({ w: a.workspaceId, id: invitationIdB }),
  ],
  ["createAgent", OPS.createAgent, (b) => ({ w: b.workspaceId, name: "spy" })],
  ["updateDraft", OPS.updateDraft, (b) => ({ agentId: b.agentId, spec: "---\nname: pwned\n---\n" })],
  ["publishAgent", OPS.publishAgent, (b) => ({ agentId: b.agentId })],
  ["setLiveVersion", OPS.setLiveVersion, (b) => ({ agentId: b.agentId, versionId: b.versionId })],
  [
    "setLiveVersion (own agent, B's version)",
    OPS.setLiveVersion,
    (b, a) => ({ agentId: a.agentId, versionId: b.versionId }),
  ],
  ["setSecret", OPS.setSecret, (b) => ({ w: b.workspaceId, name: "OPENAI_API_KEY", value: "attacker" })],
  ["deleteSecret", OPS.deleteSecret, (b) => ({ id: b.secretId })],
  [
    "setProvider",
    OPS.setProvider,
    (b) => ({ w: b.workspaceId, provider: "openai", secretName: "OPENAI_API_KEY" }),
  ],
  ["startRun", OPS.startRun, (b) => ({ a: b.agentId })],
  ["cancelRun", OPS.cancelRun, (b) => ({ r: b.runId })],
  ["retryRun", OPS.retryRun, (b) => ({ r: b.runId })],
  ["approveNode", OPS.approveNode, (b) => ({ r: b.runId, n: "fetch" })],
  ["upsertSchedule", OPS.upsertSchedule, (b) => ({ a: b.agentId })],
  ["generateSpec", OPS.generateSpec, (b) => ({ w: b.workspaceId })],
];

describe("cross-tenant isolation", () => {
  for (const credential of ["session", "API key"] as const) {
    it.each(crossTenant)(
      `${credential}: %s with the other tenant's ids is NOT_FOUND and changes nothing`,
      async (_name, query, vars) => {
        const token = credential === "session" ? A.owner.token : keyA;
        const before = await snapshot(h.admin, B.workspaceId);
        const beforeA = await snapshot(h.admin, A.workspaceId);
        const response = await gql(h.gateway, token, query, vars(B, A));
        expect(errorCode(response), JSON.stringify(response.json)).toBe("NOT_FOUND");
        expect(Object.values(response.json.data ?? {}).every((value) => value === null)).toBe(true);
        expect(await snapshot(h.admin, B.workspaceId)).toBe(before);
        expect(await snapshot(h.admin, A.workspaceId)).toBe(beforeA);
      },
    );
  }

  it("answers NOT_FOUND alike for ids that exist elsewhere, ids that exist nowhere and non-uuids", async () => {
    const answers = await Promise.all(
      [B.agentId, "00000000-0000-4000-8000-000000000000", "not-a-uuid"].map((id) =>
        gql(h.gateway, A.owner.token, OPS.agent, { id }),
      ),
    );
    const messages = answers.map((r) => [errorCode(r), r.json.errors?.[0]?.message]);
    expect(messages).toEqual([
      ["NOT_FOUND", "Agent not found"],
      ["NOT_FOUND", "Agent not found"],
      ["NOT_FOUND", "Agent not found"],
    ]);
  });

  it("lists only the caller's own workspaces", async () => {
    const { workspaces } = await ok<{ workspaces: { id: string }[] }>(
      h.gateway,
      A.owner.token,
      "{ workspaces { id } }",
    );
    expect(workspaces.map((w) => w.id)).toEqual([A.workspaceId]);
  });

  it("has reported no internal errors", () => {
    expect(h.logged).toEqual([]);
  });
});

// ── roles ───────────────────────────────────────────────────────────────────

const ROLES: Role[] = ["VIEWER", "EDITOR", "ADMIN", "OWNER"];
const RANK: Record<Role, number> = { VIEWER: 1, EDITOR: 2, ADMIN: 3, OWNER: 4 };

let W: Tenant;
const members = {} as Record<Role, TestUser>;
let fresh = 0;
const freshEmail = () => `fresh-${++fresh}-${Date.now()}@example.test`;

async function addMember(role: Role): Promise<TestUser> {
  const user = await signUp(h.gateway, role.toLowerCase());
  await ok(h.gateway, W.owner.token, OPS.inviteMember, { w: W.workspaceId, email: user.email, role });
  return user;
}

/** [operation, minimum role, prepare (as OWNER) → variables]. */
const roleMatrix: [string, Role, string, () => Promise<Record<string, unknown>>][] = [
  ["workspace", "VIEWER", OPS.workspace, async () => ({ id: W.workspaceId })],
  ["agents", "VIEWER", OPS.agents, async () => ({ w: W.workspaceId })],
  ["agent", "VIEWER", OPS.agent, async () => ({ id: W.agentId })],
  ["runs", "VIEWER", OPS.runs, async () => ({ w: W.workspaceId })],
  ["run", "VIEWER", OPS.run, async () => ({ id: W.runId })],
  ["usage", "VIEWER", OPS.usage, async () => ({ w: W.workspaceId })],
  ["auditEvents", "ADMIN", OPS.auditEvents, async () => ({ w: W.workspaceId })],
  ["createAgent", "EDITOR", OPS.createAgent, async () => ({ w: W.workspaceId, name: "new" })],
  [
    "updateDraft",
    "EDITOR",
    OPS.updateDraft,
    async () => ({ agentId: W.agentId, spec: `---\nname: edit ${++fresh}\n---\n` }),
  ],
  [
    "publishAgent",
    "EDITOR",
    OPS.publishAgent,
    async () => ({ agentId: await createAgent(h.gateway, W.owner.token, W.workspaceId) }),
  ],
  [
    "setLiveVersion",
    "EDITOR",
    OPS.setLiveVersion,
    async () => ({ agentId: W.agentId, versionId: W.versionId }),
  ],
  [
    "inviteMember",
    "ADMIN",
    OPS.inviteMember,
    async () => ({ w: W.workspaceId, email: freshEmail(), role: "VIEWER" }),
  ],
  [
    "setMemberRole",
    "ADMIN",
    OPS.setMemberRole,
    async () => ({ w: W.workspaceId, userId: (await addMember("VIEWER")).id, role: "EDITOR" }),
  ],
  ["createApiKey", "ADMIN", OPS.createApiKey, async () => ({ w: W.workspaceId, name: "k", role: "VIEWER" })],
  ["Workspace.apiKeys", "ADMIN", OPS.apiKeys, async () => ({ id: W.workspaceId })],
  [
    "revokeApiKey",
    "ADMIN",
    OPS.revokeApiKey,
    async () => {
      const { createApiKey } = await ok<{ createApiKey: { apiKey: { id: string } } }>(
        h.gateway,
        W.owner.token,
        OPS.createApiKey,
        { w: W.workspaceId, name: `revocable ${++fresh}`, role: "VIEWER" },
      );
      return { id: createApiKey.apiKey.id };
    },
  ],
  [
    "removeMember",
    "ADMIN",
    OPS.removeMember,
    async () => ({ w: W.workspaceId, userId: (await addMember("VIEWER")).id }),
  ],
  [
    "revokeInvitation",
    "ADMIN",
    OPS.revokeInvitation,
    async () => {
      const { inviteMember } = await ok<{ inviteMember: { user: { id: string } } }>(
        h.gateway,
        W.owner.token,
        OPS.inviteMember,
        { w: W.workspaceId, email: freshEmail(), role: "VIEWER" },
      );
      return { w: W.workspaceId, id: inviteMember.user.id };
    },
  ],
  ["setSecret", "ADMIN", OPS.setSecret, async () => ({ w: W.workspaceId, name: `S_${++fresh}`, value: "v" })],
  [
    "deleteSecret",
    "ADMIN",
    OPS.deleteSecret,
    async () => {
      const { setSecret } = await ok<{ setSecret: { id: string } }>(h.gateway, W.owner.token, OPS.setSecret, {
        w: W.workspaceId,
        name: `DEL_${++fresh}`,
        value: "v",
      });
      return { id: setSecret.id };
    },
  ],
  [
    "setProvider",
    "ADMIN",
    OPS.setProvider,
    async () => ({ w: W.workspaceId, provider: `p${++fresh}`, secretName: "OPENAI_API_KEY" }),
  ],
  // Starts a workflow on this harness's own queue, which no worker polls: the run stays QUEUED.
  ["startRun", "EDITOR", OPS.startRun, async () => ({ a: W.agentId })],
  ["upsertSchedule", "EDITOR", OPS.upsertSchedule, async () => ({ a: await publishedAgent() })],
];

async function publishedAgent(): Promise<string> {
  const agentId = await createAgent(h.gateway, W.owner.token, W.workspaceId);
  await ok(h.gateway, W.owner.token, OPS.publishAgent, { agentId });
  return agentId;
}

describe("roles", () => {
  beforeAll(async () => {
    W = await seedTenant(h.gateway, h.admin, "roles");
    members.OWNER = W.owner;
    for (const role of ["VIEWER", "EDITOR", "ADMIN"] as const) members[role] = await addMember(role);
  });

  const cases = roleMatrix.flatMap(([name, min, query, prepare]) =>
    ROLES.map(
      (role) => [name, role, RANK[role] >= RANK[min] ? "allowed" : "FORBIDDEN", query, prepare] as const,
    ),
  );

  it.each(cases)("%s as %s: %s", async (_name, role, expected, query, prepare) => {
    const response = await gql(h.gateway, members[role].token, query, await prepare());
    if (expected === "allowed") {
      expect(response.json.errors, JSON.stringify(response.json.errors)).toBeUndefined();
    } else {
      expect(errorCode(response)).toBe("FORBIDDEN");
      expect(Object.values(response.json.data ?? {}).every((value) => value === null)).toBe(true);
    }
  });

  it("myRole reports each member's role", async () => {
    for (const role of ROLES) {
      const { workspace } = await ok<{ workspace: { myRole: string } }>(
        h.gateway,
        members[role].token,
        OPS.workspace,
        {
          id: W.workspaceId,
        },
      );
      expect(workspace.myRole).toBe(role);
    }
  });

  it("nobody grants above their own role; only OWNERs make OWNERs", async () => {
    const target = await addMember("VIEWER");
    const admin = members.ADMIN.token;
    expect(
      errorCode(
        await gql(h.gateway, admin, OPS.setMemberRole, {
          w: W.workspaceId,
          userId: target.id,
          role: "OWNER",
        }),
      ),
    ).toBe("FORBIDDEN");
    expect(
      errorCode(
        await gql(h.gateway, admin, OPS.inviteMember, {
          w: W.workspaceId,
          email: freshEmail(),
          role: "OWNER",
        }),
      ),
    ).toBe("FORBIDDEN");
    // An ADMIN cannot touch an OWNER either.
    expect(
      errorCode(
        await gql(h.gateway, admin, OPS.setMemberRole, {
          w: W.workspaceId,
          userId: W.owner.id,
          role: "VIEWER",
        }),
      ),
    ).toBe("FORBIDDEN");
    await ok(h.gateway, W.owner.token, OPS.setMemberRole, {
      w: W.workspaceId,
      userId: target.id,
      role: "OWNER",
    });
    // Two owners now: demoting one is fine, the last one is not.
    await ok(h.gateway, target.token, OPS.setMemberRole, {
      w: W.workspaceId,
      userId: target.id,
      role: "ADMIN",
    });
    const last = await gql(h.gateway, W.owner.token, OPS.setMemberRole, {
      w: W.workspaceId,
      userId: W.owner.id,
      role: "ADMIN",
    });
    expect(errorCode(last)).toBe("BAD_USER_INPUT");
    expect(last.json.errors?.[0]?.message).toMatch(/last OWNER/);
  });

  it("invites unknown emails as pending memberships, known ones directly, and refuses duplicates", async () => {
    const email = freshEmail();
    const { inviteMember } = await ok<{
      inviteMember: { pending: boolean; role: string; user: { email: string } };
    }>(h.gateway, W.owner.token, OPS.inviteMember, {
      w: W.workspaceId,
      email: email.toUpperCase(),
      role: "EDITOR",
    });
    expect(inviteMember).toMatchObject({ pending: true, role: "EDITOR", user: { email } });
    const invitation = await h.admin.invitation.findFirstOrThrow({
      where: { workspaceId: W.workspaceId, email },
    });
    expect(invitation.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    const existing = await gql(h.gateway, W.owner.token, OPS.inviteMember, {
      w: W.workspaceId,
      email: members.VIEWER.email,
      role: "EDITOR",
    });
    expect(errorCode(existing)).toBe("CONFLICT");
    const { workspace } = await ok<{
      workspace: { members: { pending: boolean; user: { email: string } }[] };
    }>(h.gateway, members.VIEWER.token, OPS.workspace, { id: W.workspaceId });
    expect(workspace.members).toContainEqual(
      expect.objectContaining({ pending: true, user: expect.objectContaining({ email }) }),
    );
  });

  it("writes one audit event per mutation, in the workspace, naming the actor", async () => {
    const before = await h.admin.auditEvent.count({ where: { workspaceId: W.workspaceId } });
    await ok(h.gateway, members.EDITOR.token, OPS.createAgent, {
      w: W.workspaceId,
      name: "audited",
      graph: EXAMPLE_GRAPH,
    });
    const events = await h.admin.auditEvent.findMany({
      where: { workspaceId: W.workspaceId },
      orderBy: { at: "desc" },
    });
    expect(events).toHaveLength(before + 1);
    expect(events[0]).toMatchObject({
      action: "agent.create",
      targetType: "agent",
      actorUserId: members.EDITOR.id,
    });
    const { auditEvents } = await ok<{
      auditEvents: { edges: { node: { action: string; actor: { id: string } } }[] };
    }>(h.gateway, members.ADMIN.token, OPS.auditEvents, { w: W.workspaceId, first: 1 });
    expect(auditEvents.edges[0]?.node).toMatchObject({
      action: "agent.create",
      actor: { id: members.EDITOR.id },
    });
  });

  it("has reported no internal errors", () => {
    expect(h.logged).toEqual([]);
  });
});

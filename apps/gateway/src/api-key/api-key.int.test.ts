import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPS } from "../testing/fixtures.ts";
import {
  createWorkspace,
  errorCode,
  gql,
  ok,
  signUp,
  startHarness,
  wsClient,
  wsConnected,
  wsRun,
  type Harness,
  type TestUser,
} from "../testing/harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

interface ListedKey {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

async function createKey(user: TestUser, workspaceId: string, name: string, role = "VIEWER") {
  const { createApiKey } = await ok<{ createApiKey: { token: string; apiKey: { id: string } } }>(
    h.gateway,
    user.token,
    OPS.createApiKey,
    { w: workspaceId, name, role },
  );
  return { token: createApiKey.token, id: createApiKey.apiKey.id };
}

async function listKeys(token: string, workspaceId: string): Promise<ListedKey[]> {
  const { workspace } = await ok<{ workspace: { apiKeys: ListedKey[] } }>(h.gateway, token, OPS.apiKeys, {
    id: workspaceId,
  });
  return workspace.apiKeys;
}

describe("Workspace.apiKeys", () => {
  it("lists the live keys newest first, with lastUsedAt once used, and never a token or hash", async () => {
    const owner = await signUp(h.gateway);
    const workspaceId = await createWorkspace(h.gateway, owner);
    expect(await listKeys(owner.token, workspaceId)).toEqual([]);
    const ci = await createKey(owner, workspaceId, "CI", "EDITOR");
    const cron = await createKey(owner, workspaceId, "cron");
    // Two keys can share a millisecond; make "newest first" unambiguous.
    await h.admin.apiKey.update({ where: { id: ci.id }, data: { createdAt: new Date(Date.now() - 60_000) } });
    await ok(h.gateway, ci.token, "{ workspaces { id } }");

    const keys = await listKeys(owner.token, workspaceId);
    expect(keys.map((k) => [k.id, k.name, k.role])).toEqual([
      [cron.id, "cron", "VIEWER"],
      [ci.id, "CI", "EDITOR"],
    ]);
    expect(keys[1]?.prefix).toBe(ci.token.slice(5, 13));
    expect(keys[1]?.lastUsedAt).not.toBeNull();
    expect(keys[0]?.lastUsedAt).toBeNull();
    const { text } = await gql(h.gateway, owner.token, OPS.apiKeys, { id: workspaceId });
    expect(text).not.toContain(ci.token);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
  });

  it("is FORBIDDEN below ADMIN, also for an API key's own workspace", async () => {
    const owner = await signUp(h.gateway);
    const workspaceId = await createWorkspace(h.gateway, owner);
    const editorKey = await createKey(owner, workspaceId, "editor", "EDITOR");
    const adminKey = await createKey(owner, workspaceId, "admin", "ADMIN");
    const denied = await gql(h.gateway, editorKey.token, OPS.apiKeys, { id: workspaceId });
    expect(errorCode(denied)).toBe("FORBIDDEN");
    expect(denied.json.data).toEqual({ workspace: null });
    expect((await listKeys(adminKey.token, workspaceId)).map((k) => k.name).sort()).toEqual([
      "admin",
      "editor",
    ]);
  });
});

describe("revokeApiKey", () => {
  it("stops the key at once over HTTP and on an open WebSocket, hides it from the list and audits it", async () => {
    const owner = await signUp(h.gateway);
    const workspaceId = await createWorkspace(h.gateway, owner);
    const key = await createKey(owner, workspaceId, "leaked");
    const keep = await createKey(owner, workspaceId, "keep");
    await ok(h.gateway, key.token, "{ workspaces { id } }");
    const client = wsClient(h.gateway, { authorization: `Bearer ${key.token}` });
    try {
      expect(await wsConnected(client)).toEqual({ connected: true });
      expect((await wsRun(client, "{ workspaces { id } }")).result?.data).toEqual({
        workspaces: [{ id: workspaceId }],
      });

      expect(await ok(h.gateway, owner.token, OPS.revokeApiKey, { id: key.id })).toEqual({
        revokeApiKey: true,
      });

      expect(errorCode(await gql(h.gateway, key.token, "{ workspaces { id } }"))).toBe("UNAUTHENTICATED");
      const overSocket = await wsRun(client, "{ workspaces { id } }");
      expect(overSocket.result?.errors?.[0]?.extensions?.["code"]).toBe("UNAUTHENTICATED");
    } finally {
      await client.dispose();
    }
    // The other key is untouched.
    await ok(h.gateway, keep.token, "{ workspaces { id } }");
    expect((await listKeys(owner.token, workspaceId)).map((k) => k.id)).toEqual([keep.id]);
    const row = await h.admin.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.revokedAt).toBeInstanceOf(Date);
    const audit = await h.admin.auditEvent.findFirstOrThrow({
      where: { workspaceId, action: "api_key.revoke" },
    });
    expect(audit).toMatchObject({
      actorUserId: owner.id,
      targetType: "api_key",
      targetId: key.id,
      data: { name: "leaked", role: "VIEWER", prefix: key.token.slice(5, 13) },
    });
  });

  it("answers NOT_FOUND for revoked, unknown and malformed ids", async () => {
    const owner = await signUp(h.gateway);
    const workspaceId = await createWorkspace(h.gateway, owner);
    const key = await createKey(owner, workspaceId, "once");
    await ok(h.gateway, owner.token, OPS.revokeApiKey, { id: key.id });
    for (const id of [key.id, "00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
      const response = await gql(h.gateway, owner.token, OPS.revokeApiKey, { id });
      expect(errorCode(response), id).toBe("NOT_FOUND");
      expect(response.json.errors?.[0]?.message).toBe("API key not found");
    }
    expect(await h.admin.auditEvent.count({ where: { workspaceId, action: "api_key.revoke" } })).toBe(1);
  });

  it("lets an ADMIN revoke a key above their role, and a key revoke itself", async () => {
    const owner = await signUp(h.gateway);
    const admin = await signUp(h.gateway);
    const workspaceId = await createWorkspace(h.gateway, owner);
    await ok(h.gateway, owner.token, OPS.inviteMember, { w: workspaceId, email: admin.email, role: "ADMIN" });
    const ownerKey = await createKey(owner, workspaceId, "owner key", "OWNER");
    await ok(h.gateway, admin.token, OPS.revokeApiKey, { id: ownerKey.id });
    expect(errorCode(await gql(h.gateway, ownerKey.token, "{ workspaces { id } }"))).toBe("UNAUTHENTICATED");

    const self = await createKey(owner, workspaceId, "self", "ADMIN");
    await ok(h.gateway, self.token, OPS.revokeApiKey, { id: self.id });
    expect(errorCode(await gql(h.gateway, self.token, "{ workspaces { id } }"))).toBe("UNAUTHENTICATED");
    const audit = await h.admin.auditEvent.findFirstOrThrow({
      where: { workspaceId, action: "api_key.revoke", targetId: self.id },
    });
    expect(audit).toMatchObject({ actorApiKeyId: self.id, actorUserId: null });
  });

  it("has reported no internal errors", () => {
    expect(h.logged).toEqual([]);
  });
});

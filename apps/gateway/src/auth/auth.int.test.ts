import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "./api-keys.ts";
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from "./tokens.ts";
import {
  createWorkspace,
  errorCode,
  gql,
  ok,
  signUp,
  startHarness,
  TEST_AUTH_SECRET,
  TEST_PASSWORD,
  wsClient,
  wsConnected,
  wsRun,
  type Harness,
} from "../testing/harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const SIGN_UP = `mutation ($email: String!, $password: String!, $name: String) {
  signUp(email: $email, password: $password, name: $name) { token user { id email name } } }`;
const SIGN_IN = `mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { token user { id email } } }`;
const ME = "{ me { id email name } }";

describe("signUp", () => {
  it("normalises the email, returns a working token and never a password hash", async () => {
    const { json, text } = await gql(h.gateway, null, SIGN_UP, {
      email: "  Ada.Lovelace@Example.TEST ",
      password: TEST_PASSWORD,
      name: " Ada ",
    });
    const payload = (
      json.data as { signUp: { token: string; user: { id: string; email: string; name: string } } }
    ).signUp;
    expect(payload.user).toMatchObject({ email: "ada.lovelace@example.test", name: "Ada" });
    expect(text).not.toMatch(/argon2|passwordHash/);
    const me = await ok<{ me: { id: string } }>(h.gateway, payload.token, ME);
    expect(me.me.id).toBe(payload.user.id);
    const stored = await h.admin.user.findUniqueOrThrow({ where: { id: payload.user.id } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it.each([
    ["email", { email: "not-an-email", password: TEST_PASSWORD }],
    ["password", { email: "short@example.test", password: "123456789" }],
    ["name", { email: "long@example.test", password: TEST_PASSWORD, name: "x".repeat(101) }],
  ])("rejects a bad %s with BAD_USER_INPUT naming the field", async (field, variables) => {
    const response = await gql(h.gateway, null, SIGN_UP, variables);
    expect(errorCode(response)).toBe("BAD_USER_INPUT");
    expect(response.json.errors?.[0]?.message).toMatch(new RegExp(`^${field}:`));
    expect(response.json.errors?.[0]?.extensions?.["details"]).toEqual({
      fields: [expect.objectContaining({ path: field })],
      issues: [expect.objectContaining({ path: [field] })],
    });
  });

  it("answers CONFLICT for an email already registered, whatever its case", async () => {
    const user = await signUp(h.gateway);
    const response = await gql(h.gateway, null, SIGN_UP, {
      email: user.email.toUpperCase(),
      password: TEST_PASSWORD,
    });
    expect(errorCode(response)).toBe("CONFLICT");
    expect(response.json.errors?.[0]?.message).toBe("email already registered");
  });
});

describe("signIn", () => {
  it("signs in with the right password (email case-insensitive)", async () => {
    const user = await signUp(h.gateway);
    const data = await ok<{ signIn: { token: string; user: { id: string } } }>(h.gateway, null, SIGN_IN, {
      email: user.email.toUpperCase(),
      password: TEST_PASSWORD,
    });
    expect(data.signIn.user.id).toBe(user.id);
    expect((await ok<{ me: { id: string } }>(h.gateway, data.signIn.token, ME)).me.id).toBe(user.id);
  });

  it("answers a wrong password and an unknown email identically", async () => {
    const user = await signUp(h.gateway);
    const wrong = await gql(h.gateway, null, SIGN_IN, { email: user.email, password: "wrong password!" });
    const unknown = await gql(h.gateway, null, SIGN_IN, {
      email: "nobody@example.test",
      password: TEST_PASSWORD,
    });
    const malformed = await gql(h.gateway, null, SIGN_IN, { email: "nobody", password: TEST_PASSWORD });
    for (const response of [wrong, unknown, malformed]) {
      expect(response.json).toEqual({
        data: null,
        errors: [
          {
            message: "invalid email or password",
            path: ["signIn"],
            locations: expect.any(Array),
            extensions: { code: "UNAUTHENTICATED" },
          },
        ],
      });
    }
  });

  it("spends argon2 time on unknown emails too", async () => {
    const user = await signUp(h.gateway);
    const time = async (email: string) => {
      const started = performance.now();
      await gql(h.gateway, null, SIGN_IN, { email, password: "wrong password!" });
      return performance.now() - started;
    };
    await time("warm-up@example.test");
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      known.push(await time(user.email));
      unknown.push(await time(`ghost-${i}@example.test`));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
    // A skipped hash would answer in ~1 ms against argon2's tens of milliseconds.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.3);
  });
});

describe("session tokens over HTTP", () => {
  it("rejects an expired token and a token signed with another secret", async () => {
    const user = await signUp(h.gateway);
    const sign = (secret: string, expIn: number) =>
      new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setSubject(user.id)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + expIn)
        .sign(new TextEncoder().encode(secret));
    expect(errorCode(await gql(h.gateway, await sign(TEST_AUTH_SECRET, 60), ME))).toBeUndefined();
    expect(errorCode(await gql(h.gateway, await sign(TEST_AUTH_SECRET, -5), ME))).toBe("UNAUTHENTICATED");
    expect(errorCode(await gql(h.gateway, await sign("another-secret-0123456789abcdefghij", 60), ME))).toBe(
      "UNAUTHENTICATED",
    );
  });
});

const CREATE_KEY = `mutation ($workspaceId: ID!, $name: String!, $role: Role!) {
  createApiKey(workspaceId: $workspaceId, name: $name, role: $role) { token apiKey { id name role prefix createdAt lastUsedAt } } }`;

describe("API keys", () => {
  it("shows the token once, stores only its sha256, and authenticates as the key's workspace and role", async () => {
    const owner = await signUp(h.gateway);
    const workspaceId = await createWorkspace(h.gateway, owner);
    const other = await createWorkspace(h.gateway, owner, "Other");
    const data = await ok<{
      createApiKey: { token: string; apiKey: { id: string; prefix: string; role: string } };
    }>(h.gateway, owner.token, CREATE_KEY, { workspaceId, name: "ci", role: "EDITOR" });
    const { token, apiKey } = data.createApiKey;
    expect(token).toMatch(/^weft_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(token.slice(5, 13)).toBe(apiKey.prefix);
    const row = await h.admin.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(row.hash).toBe(hashApiKey(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.lastUsedAt).toBeNull();

    // Its workspace, its role.
    const workspaces = await ok<{ workspaces: { id: string; myRole: string }[] }>(
      h.gateway,
      token,
      "{ workspaces { id myRole } }",
    );
    expect(workspaces.workspaces).toEqual([{ id: workspaceId, myRole: "EDITOR" }]);
    await ok(h.gateway, token, `mutation ($w: ID!) { createAgent(workspaceId: $w, name: "by key") { id } }`, {
      w: workspaceId,
    });
    // The creator's other workspace does not exist for the key.
    expect(
      errorCode(await gql(h.gateway, token, `query ($id: ID!) { workspace(id: $id) { id } }`, { id: other })),
    ).toBe("NOT_FOUND");
    // EDITOR key: admin work is forbidden.
    expect(
      errorCode(await gql(h.gateway, token, CREATE_KEY, { workspaceId, name: "x", role: "VIEWER" })),
    ).toBe("FORBIDDEN");
    // No person behind a key.
    expect(errorCode(await gql(h.gateway, token, ME))).toBe("FORBIDDEN");
    expect(errorCode(await gql(h.gateway, token, `mutation { createWorkspace(name: "k") { id } }`))).toBe(
      "FORBIDDEN",
    );

    const used = await h.admin.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(used.lastUsedAt).not.toBeNull();
    // Throttled: further requests within the minute do not write again.
    await ok(h.gateway, token, "{ workspaces { id } }");
    const again = await h.admin.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(again.lastUsedAt).toEqual(used.lastUsedAt);

    // Audit names the key as the actor.
    const audit = await h.admin.auditEvent.findFirstOrThrow({
      where: { workspaceId, action: "agent.create" },
    });
    expect(audit).toMatchObject({ actorApiKeyId: apiKey.id, actorUserId: null });
  });

  it("cannot be given a role above the creator's", async () => {
    const owner = await signUp(h.gateway);
    const admin = await signUp(h.gateway);
    const workspaceId = await createWorkspace(h.gateway, owner);
    await ok(
      h.gateway,
      owner.token,
      `mutation ($w: ID!, $e: String!) { inviteMember(workspaceId: $w, email: $e, role: ADMIN) { role } }`,
      {
        w: workspaceId,
        e: admin.email,
      },
    );
    expect(
      errorCode(await gql(h.gateway, admin.token, CREATE_KEY, { workspaceId, name: "x", role: "OWNER" })),
    ).toBe("FORBIDDEN");
    const { createApiKey } = await ok<{ createApiKey: { token: string } }>(
      h.gateway,
      admin.token,
      CREATE_KEY,
      {
        workspaceId,
        name: "admin key",
        role: "ADMIN",
      },
    );
    // An ADMIN key in turn cannot mint OWNER keys.
    expect(
      errorCode(
        await gql(h.gateway, createApiKey.token, CREATE_KEY, { workspaceId, name: "y", role: "OWNER" }),
      ),
    ).toBe("FORBIDDEN");
  });

  it("rejects revoked, unknown and malformed keys as signed out", async () => {
    const owner = await signUp(h.gateway);
    const workspaceId = await createWorkspace(h.gateway, owner);
    const { createApiKey } = await ok<{ createApiKey: { token: string; apiKey: { id: string } } }>(
      h.gateway,
      owner.token,
      CREATE_KEY,
      { workspaceId, name: "ci", role: "VIEWER" },
    );
    const unknown = `weft_abcdefgh_${"A".repeat(43)}`;
    const tampered = `${createApiKey.token.slice(0, -1)}${createApiKey.token.endsWith("A") ? "B" : "A"}`;
    for (const token of [unknown, tampered, "weft_", "weft_short"]) {
      expect(errorCode(await gql(h.gateway, token, "{ workspaces { id } }")), token).toBe("UNAUTHENTICATED");
    }
    await h.admin.apiKey.update({ where: { id: createApiKey.apiKey.id }, data: { revokedAt: new Date() } });
    expect(errorCode(await gql(h.gateway, createApiKey.token, "{ workspaces { id } }"))).toBe(
      "UNAUTHENTICATED",
    );
  });

  it("authenticates graphql-ws connections through connectionParams", async () => {
    const owner = await signUp(h.gateway);
    const workspaceId = await createWorkspace(h.gateway, owner);
    const { createApiKey } = await ok<{ createApiKey: { token: string } }>(
      h.gateway,
      owner.token,
      CREATE_KEY,
      {
        workspaceId,
        name: "ws",
        role: "VIEWER",
      },
    );
    const client = wsClient(h.gateway, { authorization: `Bearer ${createApiKey.token}` });
    try {
      expect(await wsConnected(client)).toEqual({ connected: true });
      const { result } = await wsRun(client, "{ workspaces { id myRole } }");
      expect(result?.data).toEqual({ workspaces: [{ id: workspaceId, myRole: "VIEWER" }] });
    } finally {
      await client.dispose();
    }
  });
});

describe("logging", () => {
  it("has reported no internal errors", () => {
    expect(h.logged).toEqual([]);
  });
});

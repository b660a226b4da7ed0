import { decryptSecret } from "@weft/db/secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPS } from "../testing/fixtures.ts";
import {
  createWorkspace,
  errorCode,
  gql,
  ok,
  signUp,
  startHarness,
  type Harness,
  type TestUser,
} from "../testing/harness.ts";
import { parseKeyring, generateMasterKeyEntry } from "@weft/db/secrets";

const CANARY = "sk-canary-7f3a9c1e-do-not-leak";
const KEYRING = parseKeyring(generateMasterKeyEntry(1));

let h: Harness;
let owner: TestUser;
let workspaceId: string;
/** Every response body this file received, searched for the canary at the end. */
const bodies: string[] = [];

async function call(token: string | null, query: string, variables: Record<string, unknown> = {}) {
  const response = await gql(h.gateway, token, query, variables);
  bodies.push(response.text);
  return response;
}

beforeAll(async () => {
  h = await startHarness({ keyring: KEYRING });
  owner = await signUp(h.gateway, "owner");
  workspaceId = await createWorkspace(h.gateway, owner);
});
afterAll(() => h.close());

describe("secrets", () => {
  it("stores the value encrypted (bound to workspace and id) and returns names and dates only", async () => {
    const response = await call(owner.token, OPS.setSecret, {
      w: workspaceId,
      name: "OPENAI_API_KEY",
      value: CANARY,
    });
    const secret = (response.json.data as { setSecret: { id: string; name: string } }).setSecret;
    expect(secret.name).toBe("OPENAI_API_KEY");
    const row = await h.admin.secret.findUniqueOrThrow({ where: { id: secret.id } });
    expect(Buffer.from(row.ciphertext).toString("utf8")).not.toContain("canary");
    expect(decryptSecret(row, KEYRING)).toBe(CANARY);
    expect(row.keyVersion).toBe(1);
  });

  it("replaces a value under the same id and name, re-encrypted", async () => {
    const first = await h.admin.secret.findFirstOrThrow({ where: { workspaceId, name: "OPENAI_API_KEY" } });
    await call(owner.token, OPS.setSecret, { w: workspaceId, name: "OPENAI_API_KEY", value: `${CANARY}-2` });
    const second = await h.admin.secret.findFirstOrThrow({ where: { workspaceId, name: "OPENAI_API_KEY" } });
    expect(second.id).toBe(first.id);
    expect(Buffer.from(second.iv).equals(Buffer.from(first.iv))).toBe(false);
    expect(decryptSecret(second, KEYRING)).toBe(`${CANARY}-2`);
  });

  it.each([
    ["lower case", "openai_key"],
    ["leading digit", "1KEY"],
    ["dash", "MY-KEY"],
    ["empty", ""],
  ])("rejects a name with %s, naming the field and never echoing the value", async (_label, name) => {
    const response = await call(owner.token, OPS.setSecret, { w: workspaceId, name, value: CANARY });
    expect(errorCode(response)).toBe("BAD_USER_INPUT");
    expect(response.json.errors?.[0]?.message).toMatch(/^name:/);
  });

  it("lists names through Workspace.secrets and deletes by id", async () => {
    const { workspace } = await ok<{ workspace: { secrets: { id: string; name: string }[] } }>(
      h.gateway,
      owner.token,
      OPS.workspace,
      {
        id: workspaceId,
      },
    );
    bodies.push(JSON.stringify(workspace));
    const tmp = await call(owner.token, OPS.setSecret, { w: workspaceId, name: "TEMP", value: CANARY });
    const id = (tmp.json.data as { setSecret: { id: string } }).setSecret.id;
    expect((await call(owner.token, OPS.deleteSecret, { id })).json.data).toEqual({ deleteSecret: true });
    expect(errorCode(await call(owner.token, OPS.deleteSecret, { id }))).toBe("NOT_FOUND");
    expect(workspace.secrets.map((s) => s.name)).toEqual(["OPENAI_API_KEY"]);
  });

  it("has no field that could return a value, even when asked", async () => {
    const response = await call(
      owner.token,
      `query ($id: ID!) { workspace(id: $id) { secrets { value } } }`,
      { id: workspaceId },
    );
    expect(errorCode(response)).toBe("GRAPHQL_VALIDATION_FAILED");
  });
});

describe("providers", () => {
  it("requires the named secret to exist in the workspace", async () => {
    const missing = await call(owner.token, OPS.setProvider, {
      w: workspaceId,
      provider: "openai",
      secretName: "NOPE",
    });
    expect(errorCode(missing)).toBe("BAD_USER_INPUT");
    expect(missing.json.errors?.[0]?.extensions?.["details"]).toEqual({
      fields: [{ path: "secretName", messages: ["no secret named NOPE in this workspace"] }],
      issues: [{ path: ["secretName"], message: "no secret named NOPE in this workspace" }],
    });
    const { setProvider } = await ok<{ setProvider: Record<string, unknown> }>(
      h.gateway,
      owner.token,
      OPS.setProvider,
      {
        w: workspaceId,
        provider: "OpenAI",
        secretName: "OPENAI_API_KEY",
        baseUrl: "https://api.openai.com/v1",
        rpm: 60,
      },
    );
    expect(setProvider).toMatchObject({
      provider: "openai",
      secretName: "OPENAI_API_KEY",
      requestsPerMinute: 60,
      tokensPerMinute: null,
    });
    // Upsert: the same provider again updates in place.
    await ok(h.gateway, owner.token, OPS.setProvider, {
      w: workspaceId,
      provider: "openai",
      secretName: "OPENAI_API_KEY",
      tpm: 1000,
    });
    expect(await h.admin.provider.count({ where: { workspaceId } })).toBe(1);
    const bad = await call(owner.token, OPS.setProvider, {
      w: workspaceId,
      provider: "openai",
      secretName: "OPENAI_API_KEY",
      baseUrl: "file:///etc/passwd",
    });
    expect(errorCode(bad)).toBe("BAD_USER_INPUT");
  });
});

describe("the canary", () => {
  it("never appears in any response, audit row or log", async () => {
    const { auditEvents } = await ok<{ auditEvents: unknown }>(h.gateway, owner.token, OPS.auditEvents, {
      w: workspaceId,
      first: 100,
    });
    bodies.push(JSON.stringify(auditEvents));
    expect(bodies.length).toBeGreaterThan(5);
    for (const body of bodies) expect(body).not.toContain("canary");
    const audit = await h.admin.auditEvent.findMany({ where: { workspaceId } });
    expect(audit.map((event) => event.action)).toEqual(
      expect.arrayContaining(["secret.create", "secret.update", "secret.delete"]),
    );
    expect(JSON.stringify(audit)).not.toContain("canary");
    expect(JSON.stringify(h.logged)).not.toContain("canary");
  });
});

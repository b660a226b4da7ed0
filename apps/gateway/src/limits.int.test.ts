import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPS } from "./testing/fixtures.ts";
import {
  createWorkspace,
  errorCode,
  gql,
  ok,
  post,
  signUp,
  startHarness,
  wsClient,
  wsRun,
  type GraphQLResponse,
  type Harness,
  type TestUser,
} from "./testing/harness.ts";

/** `{ workspaces { members { workspace { … slug } } } }`: depth 2 + 2 × cycles. */
function deepQuery(cycles: number): string {
  let inner = "slug";
  for (let i = 0; i < cycles; i++) inner = `members { workspace { ${inner} } }`;
  return `{ workspaces { ${inner} } }`;
}

const ALIASES = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: me { id }`).join(" ")} }`;
const EXPENSIVE = `{ workspaces { members { workspace { members { workspace { members { workspace { members { user { id } } } } } } } } } }`;
const INTROSPECTION = "{ __schema { queryType { name } } }";
const TYPO = "{ workspaces { nmae } }";

function firstError(result: { result?: GraphQLResponse; error?: unknown }) {
  const errors = (result.error ?? result.result?.errors) as
    { message: string; extensions?: Record<string, unknown> }[] | undefined;
  return errors?.[0];
}

describe("operation limits (development)", () => {
  let h: Harness;
  let user: TestUser;

  beforeAll(async () => {
    h = await startHarness();
    user = await signUp(h.gateway);
    await createWorkspace(h.gateway, user);
  });
  afterAll(() => h.close());

  it("allows ordinary queries, including the client's typical dashboard query", async () => {
    await ok(
      h.gateway,
      user.token,
      "{ workspaces { id name members { role user { email } } secrets { name } providers { provider } } }",
    );
  });

  const probes: [string, string, RegExp][] = [
    ["too deep", deepQuery(6), /too deep/],
    ["too many aliases", ALIASES, /Too many aliases/],
    ["too expensive", EXPENSIVE, /too expensive/],
  ];

  it.each(probes)(
    "rejects a query that is %s over HTTP, before running it",
    async (_label, query, message) => {
      const response = await gql(h.gateway, user.token, query);
      expect(response.status).toBe(400);
      expect(errorCode(response)).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(response.json.errors?.map((e) => e.message).join()).toMatch(message);
    },
  );

  it.each(probes)("rejects a query that is %s over WebSocket", async (_label, query, message) => {
    const client = wsClient(h.gateway, { authorization: `Bearer ${user.token}` });
    try {
      const error = firstError(await wsRun(client, query));
      expect(error?.extensions).toEqual({ code: "GRAPHQL_VALIDATION_FAILED" });
      expect(error?.message).toMatch(message);
    } finally {
      await client.dispose();
    }
  });

  it("counts fragments once per use and survives fragment fan-out", async () => {
    // Each fragment spreads the previous one twice: 2^20 fields if expanded naively.
    const fragments = Array.from(
      { length: 20 },
      (_, i) => `fragment F${i + 1} on User { ...F${i} ...F${i} }`,
    ).join("\n");
    const query = `{ me { ...F20 } }\nfragment F0 on User { id }\n${fragments}`;
    const started = Date.now();
    const response = await gql(h.gateway, user.token, query);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(response.json.errors).toBeUndefined();
  });

  it("rejects batched HTTP requests", async () => {
    const { status, json } = await post(h.gateway, [{ query: "{ me { id } }" }, { query: "{ me { id } }" }], {
      authorization: `Bearer ${user.token}`,
    });
    expect(status).toBe(400);
    expect(JSON.stringify(json)).toMatch(/batch/i);
  });

  it("keeps introspection and suggestions in development", async () => {
    expect(errorCode(await gql(h.gateway, user.token, INTROSPECTION))).toBeUndefined();
    const typo = await gql(h.gateway, user.token, TYPO);
    expect(typo.json.errors?.[0]?.message).toMatch(/Did you mean "name"\?/);
  });

  it("has reported no internal errors", () => {
    expect(h.logged).toEqual([]);
  });
});

describe("production hardening", () => {
  let h: Harness;
  let user: TestUser;

  beforeAll(async () => {
    h = await startHarness({ production: true });
    user = await signUp(h.gateway);
  });
  afterAll(() => h.close());

  it("turns off introspection and hides suggestions over HTTP", async () => {
    const introspection = await gql(h.gateway, user.token, INTROSPECTION);
    expect(errorCode(introspection)).toBe("GRAPHQL_VALIDATION_FAILED");
    const typo = await gql(h.gateway, user.token, TYPO);
    expect(errorCode(typo)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(typo.text).not.toMatch(/Did you mean/);
    expect(typo.text).not.toMatch(/stacktrace/);
  });

  it("turns off introspection and hides suggestions over WebSocket", async () => {
    const client = wsClient(h.gateway, { authorization: `Bearer ${user.token}` });
    try {
      expect(firstError(await wsRun(client, INTROSPECTION))?.extensions).toEqual({
        code: "GRAPHQL_VALIDATION_FAILED",
      });
      // Twice each: validated documents are kept by their text, refused ones never are.
      for (let i = 0; i < 2; i++) {
        const typo = firstError(await wsRun(client, TYPO));
        expect(typo?.extensions).toEqual({ code: "GRAPHQL_VALIDATION_FAILED" });
        expect(typo?.message).not.toMatch(/Did you mean/);
        expect(typo?.message).toMatch(/nmae/);
        expect(firstError(await wsRun(client, INTROSPECTION))?.extensions).toEqual({
          code: "GRAPHQL_VALIDATION_FAILED",
        });
      }
    } finally {
      await client.dispose();
    }
  });
});

describe("mutation rate limits", () => {
  let h: Harness;
  let owner: TestUser;
  let workspaceId: string;
  let otherWorkspace: string;

  beforeAll(async () => {
    h = await startHarness({
      rateLimits: {
        workspace: { burst: 3, perMinute: 1 },
        user: { burst: 100, perMinute: 100 },
        anonymous: { burst: 4, perMinute: 1 },
      },
      // One proxy in front: the client is the last X-Forwarded-For entry.
      trustProxy: 1,
    });
    owner = await signUp(h.gateway);
    workspaceId = await createWorkspace(h.gateway, owner);
    otherWorkspace = await createWorkspace(h.gateway, owner, "Other");
  });
  afterAll(() => h.close());

  it("limits mutations per workspace across HTTP and WebSocket alike, and leaves queries alone", async () => {
    const create = { w: workspaceId, name: "x" };
    for (let i = 0; i < 2; i++) await ok(h.gateway, owner.token, OPS.createAgent, create);
    const client = wsClient(h.gateway, { authorization: `Bearer ${owner.token}` });
    try {
      const third = await wsRun(client, OPS.createAgent, create);
      expect(third.result?.errors).toBeUndefined();
      const fourth = await wsRun(client, OPS.createAgent, create);
      expect(fourth.result?.errors?.[0]?.extensions).toEqual({
        code: "RATE_LIMITED",
        details: { retryAfterSeconds: 60 },
      });
    } finally {
      await client.dispose();
    }
    const limited = await gql(h.gateway, owner.token, OPS.createAgent, create);
    expect(errorCode(limited)).toBe("RATE_LIMITED");
    expect(await h.admin.agent.count({ where: { workspaceId } })).toBe(3);
    // Another workspace has its own budget; reads are not limited.
    await ok(h.gateway, owner.token, OPS.createAgent, { w: otherWorkspace, name: "y" });
    await ok(h.gateway, owner.token, OPS.agents, { w: workspaceId });
  });

  it("does not let non-members drain a workspace's budget", async () => {
    const stranger = await signUp(h.gateway);
    for (let i = 0; i < 5; i++) {
      expect(
        errorCode(await gql(h.gateway, stranger.token, OPS.createAgent, { w: otherWorkspace, name: "z" })),
      ).toBe("NOT_FOUND");
    }
    await ok(h.gateway, owner.token, OPS.createAgent, { w: otherWorkspace, name: "still fine" });
  });

  it("limits anonymous sign-in attempts per client address", async () => {
    const SIGN_IN = `mutation { signIn(email: "nobody@example.test", password: "wrong password") { token } }`;
    const codes: unknown[] = [];
    const from = (address: string) =>
      post(h.gateway, { query: SIGN_IN }, { "x-forwarded-for": address }).then((r) => errorCode(r));
    for (let i = 0; i < 6; i++) codes.push(await from("203.0.113.7"));
    expect(codes.slice(0, 4)).toEqual(Array(4).fill("UNAUTHENTICATED"));
    expect(codes.slice(4)).toEqual(["RATE_LIMITED", "RATE_LIMITED"]);
    // Another client behind the same proxy has its own bucket.
    expect(await from("198.51.100.20")).toBe("UNAUTHENTICATED");
  });
});

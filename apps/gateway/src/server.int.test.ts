import { randomUUID } from "node:crypto";
import { generateMasterKeyEntry } from "@weft/db/secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signSessionToken, tokenSettings } from "./auth/tokens.ts";
import { createGateway, PortInUseError } from "./server.ts";
import {
  expectNoStackIn,
  post,
  signUp,
  startHarness,
  TEST_AUTH_SECRET,
  WEB_ORIGIN,
  wsClient,
  wsConnected,
  wsRun,
  type GraphQLResponse,
  type Harness,
} from "./testing/harness.ts";

describe("gateway over real HTTP and WebSocket", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("answers `me` with UNAUTHENTICATED and no stack trace when signed out", async () => {
    const { status, text, json } = await post(h.gateway, { query: "{ me { id } }" });
    expect(status).toBe(200);
    expect(json.data).toBeNull();
    expect(json.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED" });
    expect(expectNoStackIn(text)).toBe(true);
  });

  it("treats an unverifiable bearer token as signed out", async () => {
    const { json } = await post(
      h.gateway,
      { query: "{ me { id } }" },
      { authorization: "Bearer not-a-real-token" },
    );
    expect(json.errors?.[0]?.extensions?.["code"]).toBe("UNAUTHENTICATED");
  });

  it("rejects a query that does not match the schema with a validation error", async () => {
    const { status, text, json } = await post(h.gateway, { query: "{ me { doesNotExist } }" });
    expect(status).toBe(400);
    expect(json.errors?.[0]?.extensions?.["code"]).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(json.errors?.[0]?.message).toContain("doesNotExist");
    expect(expectNoStackIn(text)).toBe(true);
  });

  it("rejects unparsable text with a parse error", async () => {
    const { status, json } = await post(h.gateway, { query: "{ me { id " });
    expect(status).toBe(400);
    expect(json.errors?.[0]?.extensions?.["code"]).toBe("GRAPHQL_PARSE_FAILED");
  });

  it("blocks simple cross-site GET requests (CSRF prevention)", async () => {
    const response = await fetch(`${h.gateway.url}?query=${encodeURIComponent("{ me { id } }")}`);
    expect(response.status).toBe(400);
    const json = (await response.json()) as GraphQLResponse;
    expect(json.errors?.[0]?.extensions?.["code"]).toBe("BAD_REQUEST");
  });

  it("allows CORS from WEB_ORIGIN only", async () => {
    const preflight = (origin: string) =>
      fetch(h.gateway.url, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type,authorization",
        },
      });
    const allowed = await preflight(WEB_ORIGIN);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(WEB_ORIGIN);
    const other = await preflight("https://evil.example");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("tells every cache not to store an answer, a signed-out one and a refused one included", async () => {
    const answer = (body: string) =>
      fetch(h.gateway.url, { method: "POST", headers: { "content-type": "application/json" }, body });
    for (const body of [
      '{"query":"{ __typename }"}',
      '{"query":"{ me { id } }"}',
      '{"query":"{ me { id "}',
    ]) {
      const response = await answer(body);
      expect({ body, cacheControl: response.headers.get("cache-control") }).toEqual({
        body,
        cacheControl: "no-store",
      });
    }
  });

  it("serves /healthz", async () => {
    const response = await fetch(new URL("/healthz", h.gateway.url));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("accepts authenticated graphql-ws connections on the same port and path", async () => {
    const user = await signUp(h.gateway);
    const client = wsClient(h.gateway, { authorization: `Bearer ${user.token}` });
    try {
      expect(await wsConnected(client)).toEqual({ connected: true });
      const { result } = await wsRun(client, "{ me { id email } }");
      expect(result?.data).toEqual({ me: { id: user.id, email: user.email } });
      const { error } = await wsRun(client, "{ me { doesNotExist } }");
      expect(error).toEqual([expect.objectContaining({ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })]);
    } finally {
      await client.dispose();
    }
  });

  it("closes sockets without a valid token with 4401 before any operation", async () => {
    for (const params of [
      undefined,
      { authorization: "Bearer forged.token.here" },
      { authorization: "weft" },
    ]) {
      const client = wsClient(h.gateway, params);
      try {
        expect(await wsConnected(client)).toEqual({ closed: { code: 4401, reason: "Unauthorized" } });
      } finally {
        await client.dispose();
      }
    }
  });

  it("has logged no internal errors for any of the above", () => {
    expect(h.logged).toEqual([]);
  });
});

describe("session expiry on a long-lived socket", () => {
  it("re-verifies the token per operation, so an expired session stops working", async () => {
    const h = await startHarness();
    const user = await signUp(h.gateway);
    // Minted here, just before connecting, so that slow sign-ups cannot eat the short lifetime.
    const settings = tokenSettings({ WEFT_AUTH_SECRET: TEST_AUTH_SECRET, WEFT_SESSION_TTL_SECONDS: 3 });
    const client = wsClient(h.gateway, {
      authorization: `Bearer ${await signSessionToken(user.id, settings)}`,
    });
    try {
      expect(await wsConnected(client)).toEqual({ connected: true });
      expect((await wsRun(client, "{ me { id } }")).result?.data).toEqual({ me: { id: user.id } });
      await new Promise((resolve) => setTimeout(resolve, 3_100));
      const { result } = await wsRun(client, "{ me { id } }");
      expect(result?.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED" });
    } finally {
      await client.dispose();
      await h.close();
    }
  });
});

describe("gateway failure handling", () => {
  it("masks unexpected errors as INTERNAL on both transports and logs them server-side", async () => {
    const h = await startHarness({
      verifyToken: async () => {
        throw new Error("connect ECONNREFUSED 10.0.0.5:5432 (secret detail)");
      },
    });
    const client = wsClient(h.gateway, { authorization: "Bearer t" });
    try {
      const { text, json } = await post(h.gateway, { query: "{ me { id } }" }, { authorization: "Bearer t" });
      expect(json.errors?.[0]?.message).toBe("Internal server error");
      expect(json.errors?.[0]?.extensions?.["code"]).toBe("INTERNAL");
      expect(text).not.toContain("secret detail");
      expect(expectNoStackIn(text)).toBe(true);

      const closed = await wsConnected(client);
      expect(closed).toEqual({ closed: { code: 4500, reason: "Internal server error" } });
      expect(h.logged).toHaveLength(2);
    } finally {
      await client.dispose();
      await h.close();
    }
  });

  it("passes the bearer token to the verifier and lets a verified caller through", async () => {
    const seen: string[] = [];
    const h = await startHarness({
      verifyToken: async (token) => {
        seen.push(token);
        return { kind: "user", userId: randomUUID() };
      },
    });
    try {
      const { json } = await post(h.gateway, { query: "{ me { id } }" }, { authorization: "bearer abc.def" });
      expect(seen).toEqual(["abc.def"]);
      // Verified, but no such user: NOT_FOUND rather than UNAUTHENTICATED.
      expect(json.errors?.[0]?.extensions?.["code"]).toBe("NOT_FOUND");
    } finally {
      await h.close();
    }
  });

  it("reports a taken port as PortInUseError", async () => {
    const h = await startHarness();
    try {
      const port = Number(new URL(h.gateway.url).port);
      await expect(
        createGateway({
          NODE_ENV: "test",
          GATEWAY_HOST: "127.0.0.1",
          GATEWAY_PORT: port,
          WEB_ORIGIN,
          APP_DATABASE_URL: h.db.appUrl,
          WEFT_AUTH_SECRET: TEST_AUTH_SECRET,
          WEFT_MASTER_KEY: generateMasterKeyEntry(1),
        }),
      ).rejects.toBeInstanceOf(PortInUseError);
    } finally {
      await h.close();
    }
  });
});

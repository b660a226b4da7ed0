import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createGateway, PortInUseError, type Gateway, type GatewayOptions } from "./server.ts";

const WEB_ORIGIN = "http://localhost:3000";

interface GraphQLResponse {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

function startGateway(overrides: { production?: boolean } & GatewayOptions = {}): Promise<Gateway> {
  const { production = false, ...options } = overrides;
  return createGateway(
    { NODE_ENV: production ? "production" : "test", GATEWAY_HOST: "127.0.0.1", GATEWAY_PORT: 0, WEB_ORIGIN },
    options,
  );
}

async function post(gateway: Gateway, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as GraphQLResponse };
}

function wsClient(gateway: Gateway, connectionParams?: Record<string, unknown>): Client {
  return createClient({
    url: gateway.wsUrl,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    ...(connectionParams ? { connectionParams } : {}),
  });
}

/** One operation over graphql-ws: resolves with the result or the error frame. */
function wsRun(client: Client, query: string): Promise<{ result?: GraphQLResponse; error?: unknown }> {
  return new Promise((resolve) => {
    let result: GraphQLResponse | undefined;
    client.subscribe<unknown>(
      { query },
      {
        next: (value) => (result = value as GraphQLResponse),
        error: (error) => resolve({ error }),
        complete: () => resolve(result ? { result } : {}),
      },
    );
  });
}

function expectNoStack(text: string) {
  expect(text).not.toMatch(/stacktrace|\bat .+:\d+:\d+/);
}

describe("gateway over real HTTP and WebSocket", () => {
  let gateway: Gateway;
  const logged: unknown[] = [];

  beforeAll(async () => {
    gateway = await startGateway({ logError: (_message, error) => logged.push(error) });
  });
  afterAll(() => gateway.close());

  it("answers `me` with UNAUTHENTICATED and no stack trace when signed out", async () => {
    const { status, text, json } = await post(gateway, { query: "{ me { id } }" });
    expect(status).toBe(200);
    expect(json.data).toBeNull();
    expect(json.errors?.[0]?.extensions?.["code"]).toBe("UNAUTHENTICATED");
    expect(json.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED" });
    expectNoStack(text);
  });

  it("treats an unverifiable bearer token as signed out", async () => {
    const { json } = await post(
      gateway,
      { query: "{ me { id } }" },
      { authorization: "Bearer not-a-real-token" },
    );
    expect(json.errors?.[0]?.extensions?.["code"]).toBe("UNAUTHENTICATED");
  });

  it("rejects a query that does not match the schema with a validation error", async () => {
    const { status, text, json } = await post(gateway, { query: "{ me { doesNotExist } }" });
    expect(status).toBe(400);
    expect(json.errors?.[0]?.extensions?.["code"]).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(json.errors?.[0]?.message).toContain("doesNotExist");
    expectNoStack(text);
  });

  it("rejects unparsable text with a parse error", async () => {
    const { status, json } = await post(gateway, { query: "{ me { id " });
    expect(status).toBe(400);
    expect(json.errors?.[0]?.extensions?.["code"]).toBe("GRAPHQL_PARSE_FAILED");
  });

  it("blocks simple cross-site GET requests (CSRF prevention)", async () => {
    const response = await fetch(`${gateway.url}?query=${encodeURIComponent("{ me { id } }")}`);
    expect(response.status).toBe(400);
    const json = (await response.json()) as GraphQLResponse;
    expect(json.errors?.[0]?.extensions?.["code"]).toBe("BAD_REQUEST");
  });

  it("allows CORS from WEB_ORIGIN only", async () => {
    const preflight = (origin: string) =>
      fetch(gateway.url, {
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

  it("serves /healthz", async () => {
    const response = await fetch(new URL("/healthz", gateway.url));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("accepts graphql-ws connections on the same port and path", async () => {
    const client = wsClient(gateway);
    try {
      await new Promise<void>((resolve, reject) => {
        client.on("connected", () => resolve());
        client.on("closed", (event) =>
          reject(new Error(`closed before connecting: ${JSON.stringify(event)}`)),
        );
      });
      const { result } = await wsRun(client, "{ me { id } }");
      expect(result?.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED" });
      const { error } = await wsRun(client, "{ me { doesNotExist } }");
      expect(error).toEqual([expect.objectContaining({ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })]);
    } finally {
      await client.dispose();
    }
  });

  it("has logged no internal errors for any of the above", () => {
    expect(logged).toEqual([]);
  });
});

describe("gateway failure handling", () => {
  it("masks unexpected errors as INTERNAL on both transports and logs them server-side", async () => {
    const logged: unknown[] = [];
    const gateway = await startGateway({
      verifyToken: async () => {
        throw new Error("connect ECONNREFUSED 10.0.0.5:5432 (secret detail)");
      },
      logError: (_message, error) => logged.push(error),
    });
    const client = wsClient(gateway, { authorization: "Bearer t" });
    try {
      const { text, json } = await post(gateway, { query: "{ me { id } }" }, { authorization: "Bearer t" });
      expect(json.errors?.[0]?.message).toBe("Internal server error");
      expect(json.errors?.[0]?.extensions?.["code"]).toBe("INTERNAL");
      expect(text).not.toContain("secret detail");
      expectNoStack(text);

      const { error } = await wsRun(client, "{ me { id } }");
      expect(JSON.stringify(error)).not.toContain("secret detail");
      expect(error).toEqual([expect.objectContaining({ message: "Internal server error" })]);
      expect(logged).toHaveLength(2);
    } finally {
      await client.dispose();
      await gateway.close();
    }
  });

  it("passes the bearer token to the verifier and lets a verified caller past @Authorized", async () => {
    const seen: string[] = [];
    const gateway = await startGateway({
      verifyToken: async (token) => {
        seen.push(token);
        return { userId: "u1" };
      },
    });
    try {
      const { json } = await post(gateway, { query: "{ me { id } }" }, { authorization: "bearer abc.def" });
      expect(seen).toEqual(["abc.def"]);
      expect(json.errors?.[0]?.extensions?.["code"]).not.toBe("UNAUTHENTICATED");
    } finally {
      await gateway.close();
    }
  });

  it("turns off introspection in production on both transports", async () => {
    const gateway = await startGateway({ production: true });
    const client = wsClient(gateway);
    try {
      const { json } = await post(gateway, { query: "{ __schema { queryType { name } } }" });
      expect(json.errors?.[0]?.extensions?.["code"]).toBe("GRAPHQL_VALIDATION_FAILED");
      const { error } = await wsRun(client, "{ __schema { queryType { name } } }");
      expect(Array.isArray(error) && error.length > 0).toBe(true);
      for (const entry of error as GraphQLResponse["errors"] & object) {
        expect(entry.extensions).toEqual({ code: "GRAPHQL_VALIDATION_FAILED" });
      }
    } finally {
      await client.dispose();
      await gateway.close();
    }
  });

  it("reports a taken port as PortInUseError", async () => {
    const first = await startGateway();
    try {
      const port = Number(new URL(first.url).port);
      await expect(
        createGateway({ NODE_ENV: "test", GATEWAY_HOST: "127.0.0.1", GATEWAY_PORT: port, WEB_ORIGIN }),
      ).rejects.toBeInstanceOf(PortInUseError);
    } finally {
      await first.close();
    }
  });
});

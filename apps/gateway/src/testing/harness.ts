// Test-only: a real gateway on port 0 against a fresh database cloned from
// the migrated template. Never imported by production code.
import { randomUUID } from "node:crypto";
import { createPrisma, type PrismaClient } from "@weft/db";
import { parseKeyring, generateMasterKeyEntry } from "@weft/db/secrets";
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from "@weft/db/testing";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { createGateway, type Gateway, type GatewayOptions } from "../server.ts";

export const WEB_ORIGIN = "http://localhost:3000";
export const TEST_AUTH_SECRET = "weft-test-auth-secret-0123456789abcdef";
export const TEST_PASSWORD = "correct horse battery";

/** Limits high enough that only the rate-limit tests ever hit them. */
const UNLIMITED = { burst: 100_000, perMinute: 100_000 };

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface Harness {
  db: TestDatabase;
  gateway: Gateway;
  /** Superuser client: bypasses RLS, for fixtures and for checking what really got written. */
  admin: PrismaClient;
  /** Errors the gateway reported as INTERNAL. */
  logged: unknown[];
  close(): Promise<void>;
}

export interface HarnessOptions extends Omit<GatewayOptions, "prisma"> {
  production?: boolean;
  /** Queue runs are started on; tests that run a worker give it the same one. */
  taskQueue?: string;
  trustProxy?: boolean | number | string;
  /** WEFT_SERVER_SECRET (server-to-server operations); unset by default, like a fresh install. */
  serverSecret?: string;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const { production = false, trustProxy, taskQueue, serverSecret, ...gatewayOptions } = options;
  const db = await createTestDatabase(testDatabaseUrl());
  const logged: unknown[] = [];
  const gateway = await createGateway(
    {
      NODE_ENV: production ? "production" : "test",
      GATEWAY_HOST: "127.0.0.1",
      GATEWAY_PORT: 0,
      WEB_ORIGIN,
      APP_DATABASE_URL: db.appUrl,
      WEFT_AUTH_SECRET: TEST_AUTH_SECRET,
      ...(process.env.TEMPORAL_ADDRESS ? { TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS } : {}),
      // Never the shared default: a run started by a test must not reach another suite's worker.
      TEMPORAL_TASK_QUEUE: taskQueue ?? `weft-gw-test-${randomUUID()}`,
      ...(trustProxy === undefined ? {} : { GATEWAY_TRUST_PROXY: trustProxy }),
      ...(serverSecret === undefined ? {} : { WEFT_SERVER_SECRET: serverSecret }),
    },
    {
      keyring: parseKeyring(generateMasterKeyEntry(1)),
      rateLimits: { workspace: UNLIMITED, user: UNLIMITED, anonymous: UNLIMITED },
      logError: (_message, error) => logged.push(error),
      ...gatewayOptions,
    },
  );
  const admin = createPrisma(db.adminUrl, { poolMax: 2 });
  return {
    db,
    gateway,
    admin,
    logged,
    close: async () => {
      await gateway.close();
      await admin.$disconnect();
      await db.drop();
    },
  };
}

export async function post<T = Record<string, unknown>>(
  gateway: Gateway,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; json: GraphQLResponse<T> }> {
  const response = await fetch(gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as GraphQLResponse<T> };
}

/** One GraphQL call as `token` (a session token or API key); null = anonymous. */
export async function gql<T = Record<string, unknown>>(
  gateway: Gateway,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
) {
  return post<T>(gateway, { query, variables }, token ? { authorization: `Bearer ${token}` } : {});
}

export function errorCode(response: { json: GraphQLResponse<unknown> }): unknown {
  return response.json.errors?.[0]?.extensions?.["code"];
}

/** Data of a call that must succeed; fails the test with the errors otherwise. */
export async function ok<T = Record<string, unknown>>(
  gateway: Gateway,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const { json } = await gql<T>(gateway, token, query, variables);
  if (json.errors?.length || !json.data) {
    throw new Error(`expected success, got ${JSON.stringify(json.errors)} for ${query}`);
  }
  return json.data;
}

export interface TestUser {
  id: string;
  email: string;
  token: string;
}

let counter = 0;

export async function signUp(gateway: Gateway, label = "user"): Promise<TestUser> {
  counter += 1;
  const email = `${label}-${counter}-${Date.now()}@example.test`;
  const data = await ok<{ signUp: { token: string; user: { id: string } } }>(
    gateway,
    null,
    `mutation ($email: String!, $password: String!) { signUp(email: $email, password: $password, name: "Test") { token user { id } } }`,
    { email, password: TEST_PASSWORD },
  );
  return { id: data.signUp.user.id, email, token: data.signUp.token };
}

export async function createWorkspace(gateway: Gateway, user: TestUser, name = "Acme"): Promise<string> {
  const data = await ok<{ createWorkspace: { id: string } }>(
    gateway,
    user.token,
    `mutation ($name: String!) { createWorkspace(name: $name) { id } }`,
    { name },
  );
  return data.createWorkspace.id;
}

export function wsClient(gateway: Gateway, connectionParams?: Record<string, unknown>): Client {
  return createClient({
    url: gateway.wsUrl,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    // Refused connections are what several tests expect; wsConnected reports them.
    onNonLazyError: () => {},
    ...(connectionParams ? { connectionParams } : {}),
  });
}

/** Resolves once the socket is acknowledged, or with the close event if the server refused it. */
export function wsConnected(
  client: Client,
): Promise<{ connected: true } | { closed: { code: number; reason: string } }> {
  return new Promise((resolve) => {
    client.on("connected", () => resolve({ connected: true }));
    client.on("closed", (event) => {
      const { code, reason } = event as { code: number; reason: string };
      resolve({ closed: { code, reason } });
    });
  });
}

/** One operation over graphql-ws: resolves with the result or the error frame. */
export function wsRun(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ result?: GraphQLResponse; error?: unknown }> {
  return new Promise((resolve) => {
    let result: GraphQLResponse | undefined;
    client.subscribe<unknown>(
      { query, variables },
      {
        next: (value) => (result = value as GraphQLResponse),
        error: (error) => resolve({ error }),
        complete: () => resolve(result ? { result } : {}),
      },
    );
  });
}

export function expectNoStackIn(text: string): boolean {
  return !/stacktrace|\bat .+:\d+:\d+/.test(text);
}

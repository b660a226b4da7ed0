// Before anything decorated is imported (type-graphql needs the Reflect API).
import "reflect-metadata";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import { Client } from "@temporalio/client";
import { createPrisma, type PrismaClient } from "@weft/db";
import { RunEventListener } from "@weft/db/run-event-listener";
import { AGENT_TASK_QUEUE } from "@weft/schema";
import { loadKeyring, type Keyring } from "@weft/db/secrets";
import cors from "cors";
import express from "express";
import {
  DEFAULT_RATE_LIMITS,
  RateLimiter,
  type RateLimitScope,
  type RateLimitSettings,
} from "./auth/rate-limit.ts";
import { tokenSettings } from "./auth/tokens.ts";
import { createTokenVerifier } from "./auth/verifier.ts";
import { createLoaders } from "./common/loaders.ts";
import {
  createContextFactory,
  type GatewayContext,
  type GatewayServices,
  type TokenVerifier,
} from "./context.ts";
import type { Env } from "./env.ts";
import { formatError, logToConsole, type ErrorLogger } from "./format-error.ts";
import { DEFAULT_LIMITS, operationLimitRules, type OperationLimits } from "./limits.ts";
import { buildGatewaySchema } from "./schema.ts";
import { lazyConnection } from "./temporal-connection.ts";
import { attachWsServer } from "./ws-server.ts";

export const GRAPHQL_PATH = "/graphql";

export interface GatewayOptions {
  /** A client owned by the caller (main.ts, tests); else one is created from APP_DATABASE_URL and closed with the gateway. */
  prisma?: PrismaClient;
  /** Replaces the session/API-key verifier (tests of failure handling). */
  verifyToken?: TokenVerifier;
  keyring?: Keyring;
  rateLimits?: Partial<Record<RateLimitScope, RateLimitSettings>>;
  limits?: Partial<OperationLimits>;
  /** Where unexpected (INTERNAL) errors are reported; defaults to stderr. */
  logError?: ErrorLogger;
  /** Postgres URL for LISTEN (run-event subscriptions); defaults to APP_DATABASE_URL. */
  listenUrl?: string;
}

export interface Gateway {
  /** HTTP endpoint, e.g. http://127.0.0.1:4000/graphql (real port when 0 was asked for). */
  url: string;
  /** The graphql-ws endpoint on the same port and path. */
  wsUrl: string;
  /** Stops accepting work, lets in-flight requests finish, closes sockets. */
  close(): Promise<void>;
  /** Run-event streams open now (runEvents and workspaceRuns subscriptions): for diagnostics. */
  openRunStreams(): number;
}

export class PortInUseError extends Error {
  override readonly name = "PortInUseError";

  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`port ${port} on ${host} is already in use`);
  }
}

export type EnvForGateway = Pick<
  Env,
  "NODE_ENV" | "GATEWAY_HOST" | "GATEWAY_PORT" | "WEB_ORIGIN" | "WEFT_AUTH_SECRET"
> &
  Partial<
    Pick<
      Env,
      | "APP_DATABASE_URL"
      | "WEFT_SESSION_TTL_SECONDS"
      | "WEFT_MASTER_KEY"
      | "GATEWAY_TRUST_PROXY"
      | "TEMPORAL_ADDRESS"
      | "TEMPORAL_NAMESPACE"
      | "TEMPORAL_TASK_QUEUE"
      | "WEFT_SERVER_SECRET"
    >
  >;

export async function createGateway(env: EnvForGateway, options: GatewayOptions = {}): Promise<Gateway> {
  const production = env.NODE_ENV === "production";
  const schema = await buildGatewaySchema();
  const logError = options.logError ?? logToConsole;

  if (!options.prisma && !env.APP_DATABASE_URL)
    throw new Error("createGateway needs APP_DATABASE_URL or options.prisma");
  const ownsPrisma = !options.prisma;
  const prisma = options.prisma ?? createPrisma(env.APP_DATABASE_URL as string);
  const tokens = tokenSettings({
    WEFT_AUTH_SECRET: env.WEFT_AUTH_SECRET,
    WEFT_SESSION_TTL_SECONDS: env.WEFT_SESSION_TTL_SECONDS ?? 3600,
  });
  // Lazy: the gateway starts (and serves everything but run control) while Temporal is still
  // coming up; the first startRun connects.
  const temporalConnection = lazyConnection({ address: env.TEMPORAL_ADDRESS ?? "127.0.0.1:7233" });
  const listener = new RunEventListener(options.listenUrl ?? env.APP_DATABASE_URL ?? "", (message) =>
    logError(message, new Error(message)),
  );
  const services: GatewayServices = {
    prisma,
    runs: {
      temporal: new Client({
        connection: temporalConnection,
        namespace: env.TEMPORAL_NAMESPACE ?? "default",
      }),
      taskQueue: env.TEMPORAL_TASK_QUEUE ?? AGENT_TASK_QUEUE,
      listener,
    },
    tokens,
    keyring: options.keyring ?? loadKeyring(env),
    limiter: new RateLimiter({ ...DEFAULT_RATE_LIMITS, ...options.rateLimits }),
    loaders: createLoaders(prisma),
  };
  const contexts = createContextFactory(
    options.verifyToken ?? createTokenVerifier(prisma, tokens),
    services,
    env.WEFT_SERVER_SECRET,
  );
  const validationRules = operationLimitRules({ ...DEFAULT_LIMITS, ...options.limits });

  const app = express();
  app.disable("x-powered-by");
  if (env.GATEWAY_TRUST_PROXY !== undefined) app.set("trust proxy", env.GATEWAY_TRUST_PROXY);
  const httpServer = createServer(app);
  const ws = attachWsServer({
    httpServer,
    path: GRAPHQL_PATH,
    schema,
    contexts,
    production,
    validationRules,
    logError,
  });

  const apollo = new ApolloServer<GatewayContext>({
    schema,
    introspection: !production,
    // No "Did you mean …?" in production: with introspection off, suggestions would still map the schema.
    hideSchemaDetailsFromClientErrors: production,
    validationRules,
    // One operation per request (Apollo's default, stated because it is a
    // defence): batches would multiply every per-operation limit.
    allowBatchedHttpRequests: false,
    // Explicit although it is the default: refuses "simple" requests a foreign
    // page could forge, which matters the moment any cookie or ambient
    // credential reaches the gateway.
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => formatError(formatted, error, logError),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: 5_000 }),
      { serverWillStart: async () => ({ drainServer: () => ws.dispose() }) },
      // No cache hints anywhere: every answer depends on its caller. Apollo's cache-control plugin
      // (on by default) would only hook every field's resolution to arrive at "no-store", which
      // is set below for every answer instead (bench/RESULTS.md, twelfth measurement).
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();

  app.get("/healthz", (_req, res) => {
    res.json({ ok: true });
  });
  app.use(
    GRAPHQL_PATH,
    // A list (not a string) so other origins get no CORS headers at all.
    cors<cors.CorsRequest>({ origin: [env.WEB_ORIGIN], maxAge: 600 }),
    express.json({ limit: "1mb" }),
    (_req: express.Request, res: express.Response, next: express.NextFunction) => {
      res.setHeader("cache-control", "no-store");
      next();
    },
    expressMiddleware(apollo, {
      context: async ({ req, res }) => ({
        ...(await contexts.fromHttp(req.headers, req.ip)),
        callerGone: onceCallerGone(res),
      }),
    }),
  );

  const closePrisma = async () => {
    await listener.close();
    await temporalConnection.close().catch(() => {});
    if (ownsPrisma) await prisma.$disconnect();
  };
  try {
    await listen(httpServer, env.GATEWAY_PORT, env.GATEWAY_HOST);
  } catch (error) {
    await apollo.stop().catch(() => {});
    await closePrisma().catch(() => {});
    throw error;
  }

  const { port } = httpServer.address() as AddressInfo;
  const authority = `${env.GATEWAY_HOST.includes(":") ? `[${env.GATEWAY_HOST}]` : env.GATEWAY_HOST}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${authority}${GRAPHQL_PATH}`,
    wsUrl: `ws://${authority}${GRAPHQL_PATH}`,
    // Idempotent: a signal handler and a test teardown may both call it.
    close: () => (closing ??= apollo.stop().finally(closePrisma)),
    openRunStreams: () => listener.subscribers,
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new PortInUseError(host, port) : error);
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

/**
 * A signal that aborts when the response's connection closes before the response was sent in
 * full; made on first use only (an AbortSignal per request is measurable at thousands per second).
 */
function onceCallerGone(res: ServerResponse): () => AbortSignal {
  let signal: AbortSignal | undefined;
  return () => {
    if (signal) return signal;
    const gone = new AbortController();
    signal = gone.signal;
    if (res.closed) {
      if (!res.writableFinished) gone.abort();
    } else {
      res.once("close", () => {
        if (!res.writableFinished) gone.abort();
      });
    }
    return signal;
  };
}

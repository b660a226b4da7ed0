import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import cors from "cors";
import express from "express";
import { anonymousOnly, createContextFactory, type GatewayContext, type TokenVerifier } from "./context.ts";
import type { Env } from "./env.ts";
import { formatError, logToConsole, type ErrorLogger } from "./format-error.ts";
import { buildGatewaySchema } from "./schema.ts";
import { attachWsServer } from "./ws-server.ts";

export const GRAPHQL_PATH = "/graphql";

export interface GatewayOptions {
  verifyToken?: TokenVerifier;
  /** Where unexpected (INTERNAL) errors are reported; defaults to stderr. */
  logError?: ErrorLogger;
}

export interface Gateway {
  /** HTTP endpoint, e.g. http://127.0.0.1:4000/graphql (real port when 0 was asked for). */
  url: string;
  /** The graphql-ws endpoint on the same port and path. */
  wsUrl: string;
  /** Stops accepting work, lets in-flight requests finish, closes sockets. */
  close(): Promise<void>;
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

type EnvForGateway = Pick<Env, "NODE_ENV" | "GATEWAY_HOST" | "GATEWAY_PORT" | "WEB_ORIGIN">;

export async function createGateway(env: EnvForGateway, options: GatewayOptions = {}): Promise<Gateway> {
  const production = env.NODE_ENV === "production";
  const schema = await buildGatewaySchema();
  const contexts = createContextFactory(options.verifyToken ?? anonymousOnly);
  const logError = options.logError ?? logToConsole;

  const app = express();
  app.disable("x-powered-by");
  const httpServer = createServer(app);
  const ws = attachWsServer({
    httpServer,
    path: GRAPHQL_PATH,
    schema,
    contexts,
    introspection: !production,
    logError,
  });

  const apollo = new ApolloServer<GatewayContext>({
    schema,
    introspection: !production,
    // Explicit although it is the default: refuses "simple" requests a foreign
    // page could forge, which matters the moment any cookie or ambient
    // credential reaches the gateway.
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => formatError(formatted, error, logError),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: 5_000 }),
      { serverWillStart: async () => ({ drainServer: () => ws.dispose() }) },
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
    expressMiddleware(apollo, { context: ({ req }) => contexts.fromHttp(req.headers) }),
  );

  try {
    await listen(httpServer, env.GATEWAY_PORT, env.GATEWAY_HOST);
  } catch (error) {
    await apollo.stop().catch(() => {});
    throw error;
  }

  const { port } = httpServer.address() as AddressInfo;
  const authority = `${env.GATEWAY_HOST.includes(":") ? `[${env.GATEWAY_HOST}]` : env.GATEWAY_HOST}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${authority}${GRAPHQL_PATH}`,
    wsUrl: `ws://${authority}${GRAPHQL_PATH}`,
    // Idempotent: a signal handler and a test teardown may both call it.
    close: () => (closing ??= apollo.stop()),
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

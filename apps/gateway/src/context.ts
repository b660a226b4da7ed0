import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { PrismaClient, Role } from "@weft/db";
import type { Keyring } from "@weft/db/secrets";
import type { Loaders } from "./common/loaders.ts";
import type { RateLimiter } from "./auth/rate-limit.ts";
import type { TokenSettings } from "./auth/tokens.ts";
import type { RunServices } from "./run/run-control.ts";

/**
 * Who is calling. A session is a person (any of their workspaces, role per
 * membership); an API key is bound to one workspace with one role.
 */
export type AuthIdentity =
  { kind: "user"; userId: string } | { kind: "apiKey"; apiKeyId: string; workspaceId: string; role: Role };

/** Long-lived things every request shares; built once per gateway. */
export interface GatewayServices {
  prisma: PrismaClient;
  /** Temporal client + task queue (run control) and the LISTEN fan-out (subscriptions). */
  runs: RunServices;
  keyring: Keyring;
  limiter: RateLimiter;
  tokens: TokenSettings;
  /** Field resolvers' reads by id, batched per tick (common/loaders.ts). */
  loaders: Loaders;
}

export interface GatewayContext {
  /** `null` when the caller is signed out. */
  auth: AuthIdentity | null;
  services: GatewayServices;
  /** Rate-limit key for anonymous operations (signUp/signIn). */
  clientIp: string;
  /**
   * True when the request carried the server-to-server secret (the web server, for
   * oauthSignIn). HTTP only; never on WebSocket connections.
   */
  trustedServer: boolean;
  /**
   * A signal aborted when the HTTP caller goes away before its answer, so long work done for it
   * (generating a spec) can stop. Not set on WebSockets.
   */
  callerGone?: () => AbortSignal;
  /**
   * WebSocket operations only: aborted when the client's subscription ends (it unsubscribed, or
   * the socket closed), so a stream waiting for its next event stops now rather than on that event.
   */
  subscriptionEnded?: AbortController;
}

/** Header the web server sends WEFT_SERVER_SECRET in. */
export const SERVER_SECRET_HEADER = "x-weft-server-secret";

/** Constant-time comparison (of digests, so lengths do not leak either); false without a configured secret. */
export function serverSecretMatches(presented: unknown, secret: string | undefined): boolean {
  if (secret === undefined || typeof presented !== "string" || presented === "") return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(presented), digest(secret));
}

/**
 * Turns a bearer token into an identity, or `null` when the token is not
 * valid. Throwing means the verifier itself failed (database down) and is
 * reported as INTERNAL, never as "signed out".
 */
export type TokenVerifier = (token: string) => Promise<AuthIdentity | null>;

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Extracts the token from `Bearer <token>`; anything else counts as no token. */
export function bearerToken(header: unknown): string | null {
  if (typeof header !== "string") return null;
  return BEARER.exec(header)?.[1] ?? null;
}

export interface ContextFactory {
  fromHttp(headers: IncomingHttpHeaders, clientIp: string | undefined): Promise<GatewayContext>;
  /** graphql-ws carries the header value in `connectionParams.authorization`. */
  fromConnectionParams(
    params: Readonly<Record<string, unknown>> | undefined,
    clientIp: string | undefined,
  ): Promise<GatewayContext>;
}

export function createContextFactory(
  verifyToken: TokenVerifier,
  services: GatewayServices,
  serverSecret?: string,
): ContextFactory {
  // Over HTTP an invalid or expired token yields an anonymous context rather
  // than a failed request: public operations (signIn) keep working and
  // protected ones answer UNAUTHENTICATED, the client's cue to refresh.
  const fromToken = async (
    token: string | null,
    clientIp: string | undefined,
    trustedServer = false,
  ): Promise<GatewayContext> => ({
    auth: token === null ? null : await verifyToken(token),
    services,
    clientIp: clientIp ?? "unknown",
    trustedServer,
  });
  return {
    fromHttp: (headers, clientIp) =>
      fromToken(
        bearerToken(headers.authorization),
        clientIp,
        serverSecretMatches(headers[SERVER_SECRET_HEADER], serverSecret),
      ),
    fromConnectionParams: (params, clientIp) => fromToken(bearerToken(params?.["authorization"]), clientIp),
  };
}

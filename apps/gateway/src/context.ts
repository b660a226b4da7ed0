import type { IncomingHttpHeaders } from "node:http";

/** Who is calling. Grows (workspace, role, API key id) as auth lands. */
export interface AuthIdentity {
  userId: string;
}

export interface GatewayContext {
  /** `null` when the caller is signed out. */
  auth: AuthIdentity | null;
}

/**
 * Turns a bearer token into an identity, or `null` when the token is not
 * valid. Session tokens minted by the web app and API keys will both plug in
 * here; until they exist the gateway runs with `anonymousOnly`.
 */
export type TokenVerifier = (token: string) => Promise<AuthIdentity | null>;

export const anonymousOnly: TokenVerifier = async () => null;

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Extracts the token from `Bearer <token>`; anything else counts as no token. */
export function bearerToken(header: unknown): string | null {
  if (typeof header !== "string") return null;
  return BEARER.exec(header)?.[1] ?? null;
}

export interface ContextFactory {
  fromHttp(headers: IncomingHttpHeaders): Promise<GatewayContext>;
  /** graphql-ws carries the header value in `connectionParams.authorization`. */
  fromConnectionParams(params: Readonly<Record<string, unknown>> | undefined): Promise<GatewayContext>;
}

export function createContextFactory(verifyToken: TokenVerifier): ContextFactory {
  // An invalid or expired token yields an anonymous context rather than a
  // failed request: public operations keep working and protected ones answer
  // UNAUTHENTICATED, which is the client's cue to refresh its session.
  const fromToken = async (token: string | null): Promise<GatewayContext> => ({
    auth: token === null ? null : await verifyToken(token),
  });
  return {
    fromHttp: (headers) => fromToken(bearerToken(headers.authorization)),
    fromConnectionParams: (params) => fromToken(bearerToken(params?.["authorization"])),
  };
}

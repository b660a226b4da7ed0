import { errors, jwtVerify, SignJWT } from "jose";
import { isUuid } from "@weft/db";
import type { Env } from "../env.ts";

/**
 * Session tokens: HS256 JWTs the gateway mints on signUp/signIn, and the web
 * app's server mints with the same secret (mintSessionToken) for signed-in
 * browsers. Short-lived on purpose: there is no revocation list, so expiry is
 * the revocation.
 */
export const TOKEN_ISSUER = "weft";
export const TOKEN_AUDIENCE = "weft-gateway";

export interface TokenSettings {
  secret: Uint8Array;
  ttlSeconds: number;
}

export function tokenSettings(
  env: Pick<Env, "WEFT_AUTH_SECRET" | "WEFT_SESSION_TTL_SECONDS">,
): TokenSettings {
  return { secret: new TextEncoder().encode(env.WEFT_AUTH_SECRET), ttlSeconds: env.WEFT_SESSION_TTL_SECONDS };
}

export async function signSessionToken(
  userId: string,
  settings: TokenSettings,
  now = new Date(),
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + settings.ttlSeconds)
    .sign(settings.secret);
}

/** For the web app's server: the token it hands the browser for gateway calls. */
export function mintSessionToken(
  userId: string,
  env: Pick<Env, "WEFT_AUTH_SECRET" | "WEFT_SESSION_TTL_SECONDS">,
): Promise<string> {
  return signSessionToken(userId, tokenSettings(env));
}

interface SessionClaims {
  userId: string;
  /** Seconds since the epoch; the token is valid while now is before it. */
  exp: number;
}

/**
 * The claims of a valid session token, else null. Pinning `algorithms`
 * rejects `alg: none` and any asymmetric-key confusion; jose also checks
 * exp/iat/nbf (no clock tolerance: tokens are minted by our own servers).
 */
async function verifySessionClaims(token: string, settings: TokenSettings): Promise<SessionClaims | null> {
  try {
    const { payload } = await jwtVerify(token, settings.secret, {
      algorithms: ["HS256"],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      requiredClaims: ["sub", "exp", "iat"],
    });
    return isUuid(payload.sub) && typeof payload.exp === "number"
      ? { userId: payload.sub, exp: payload.exp }
      : null;
  } catch (error) {
    // Every flavour of bad token means "not signed in"; anything else is a bug.
    if (error instanceof errors.JOSEError) return null;
    throw error;
  }
}

/** The user id of a valid session token, else null. */
export async function verifySessionToken(token: string, settings: TokenSettings): Promise<string | null> {
  return (await verifySessionClaims(token, settings))?.userId ?? null;
}

/**
 * verifySessionToken that remembers the tokens it accepted, each until its own `exp`: a browser
 * sends the same token with every request, and checking its signature again (WebCrypto HMAC and a
 * key import, ~0.3 ms of the gateway's CPU) was a sixth of a runs-page request's. Sound because a
 * token cannot change and there is no revocation list (expiry is the revocation, above); only
 * accepted tokens are kept, so a forged one is checked in full every time. At most `maxEntries`
 * (oldest first out).
 */
export function cachingSessionVerifier(
  settings: TokenSettings,
  { maxEntries = 10_000, now = Date.now }: { maxEntries?: number; now?: () => number } = {},
): (token: string) => Promise<string | null> {
  const accepted = new Map<string, SessionClaims>();
  return async (token) => {
    const known = accepted.get(token);
    if (known) {
      if (now() < known.exp * 1000) return known.userId;
      accepted.delete(token);
      return null;
    }
    const claims = await verifySessionClaims(token, settings);
    if (!claims) return null;
    if (accepted.size >= maxEntries) accepted.delete(accepted.keys().next().value!);
    accepted.set(token, claims);
    return claims.userId;
  };
}

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

/**
 * The user id of a valid session token, else null. Pinning `algorithms`
 * rejects `alg: none` and any asymmetric-key confusion; jose also checks
 * exp/iat/nbf (no clock tolerance: tokens are minted by our own servers).
 */
export async function verifySessionToken(token: string, settings: TokenSettings): Promise<string | null> {
  try {
    const { payload } = await jwtVerify(token, settings.secret, {
      algorithms: ["HS256"],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      requiredClaims: ["sub", "exp", "iat"],
    });
    return isUuid(payload.sub) ? payload.sub : null;
  } catch (error) {
    // Every flavour of bad token means "not signed in"; anything else is a bug.
    if (error instanceof errors.JOSEError) return null;
    throw error;
  }
}

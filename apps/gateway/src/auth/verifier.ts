import type { PrismaClient } from "@weft/db";
import type { TokenVerifier } from "../context.ts";
import { looksLikeApiKey, verifyApiKey } from "./api-keys.ts";
import { cachingSessionVerifier, type TokenSettings } from "./tokens.ts";

/** The one verifier both transports use: API keys by their marker, everything else as a session JWT. */
export function createTokenVerifier(prisma: PrismaClient, settings: TokenSettings): TokenVerifier {
  const verifySession = cachingSessionVerifier(settings);
  return async (token) => {
    if (looksLikeApiKey(token)) return verifyApiKey(prisma, token);
    const userId = await verifySession(token);
    return userId === null ? null : { kind: "user", userId };
  };
}

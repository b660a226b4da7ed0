import type { PrismaClient } from "@weft/db";
import type { TokenVerifier } from "../context.ts";
import { looksLikeApiKey, verifyApiKey } from "./api-keys.ts";
import { verifySessionToken, type TokenSettings } from "./tokens.ts";

/** The one verifier both transports use: API keys by their marker, everything else as a session JWT. */
export function createTokenVerifier(prisma: PrismaClient, settings: TokenSettings): TokenVerifier {
  return async (token) => {
    if (looksLikeApiKey(token)) return verifyApiKey(prisma, token);
    const userId = await verifySessionToken(token, settings);
    return userId === null ? null : { kind: "user", userId };
  };
}

import { createHash, randomBytes } from "node:crypto";
import { withScope, withWorkspace, type PrismaClient } from "@weft/db";
import type { AuthIdentity } from "../context.ts";

/**
 * API keys look like `weft_<8-char prefix>_<32 random bytes, base64url>`.
 * The `weft_` marker tells them apart from session JWTs (and lets secret
 * scanners find leaked ones); the prefix is stored in clear so people can
 * tell keys apart; only the sha256 of the whole token is stored. A fast hash
 * is enough: 256 random bits cannot be brute-forced, unlike passwords.
 */
export const API_KEY_MARKER = "weft_";
const PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const TOKEN_SHAPE = /^weft_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/;

/** lastUsedAt is informational; writing it on every request would turn reads into writes. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export interface GeneratedApiKey {
  token: string;
  prefix: string;
  hash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = Array.from(randomBytes(8), (byte) => PREFIX_ALPHABET[byte % PREFIX_ALPHABET.length]).join(
    "",
  );
  const token = `${API_KEY_MARKER}${prefix}_${randomBytes(32).toString("base64url")}`;
  return { token, prefix, hash: hashApiKey(token) };
}

export function hashApiKey(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_MARKER);
}

/** Resolves an API key to its workspace and role; null when unknown, malformed or revoked. */
export async function verifyApiKey(
  prisma: PrismaClient,
  token: string,
  now = new Date(),
): Promise<AuthIdentity | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const hash = hashApiKey(token);
  // RLS reveals exactly the row whose hash we present (policy lookup_by_key_hash).
  const key = await withScope(prisma, { apiKeyHash: hash }, (tx) =>
    tx.apiKey.findUnique({
      where: { hash },
      select: { id: true, workspaceId: true, role: true, revokedAt: true, lastUsedAt: true },
    }),
  );
  if (!key || key.revokedAt !== null) return null;
  if (key.lastUsedAt === null || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    const cutoff = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    // Conditional so that concurrent requests on many instances write at most once per window.
    await withWorkspace(prisma, key.workspaceId, (tx) =>
      tx.apiKey.updateMany({
        where: { id: key.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: cutoff } }] },
        data: { lastUsedAt: now },
      }),
    );
  }
  return { kind: "apiKey", apiKeyId: key.id, workspaceId: key.workspaceId, role: key.role };
}

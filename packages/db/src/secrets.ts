// Envelope encryption for workspace secrets (AES-256-GCM twice).
//
// Each secret gets a fresh random 32-byte data key that encrypts the value;
// the data key is itself encrypted ("wrapped") by a master key. Rotating the
// master key then means re-wrapping 60-byte data keys (rewrapSecret), never
// touching the values, and a leaked data key exposes one secret only.
//
// Both encryptions bind the workspace id and the secret id as associated
// data, so a ciphertext copied into another row or workspace (by a bug or an
// attacker with write access to the table) fails to decrypt instead of
// silently answering with another tenant's value.
//
// Column layout of the Secret model:
//   ciphertext      value encrypted with the data key
//   iv              12-byte GCM nonce for the value
//   authTag         16-byte GCM tag for the value
//   wrappedDataKey  iv(12) | tag(16) | encrypted data key(32) = 60 bytes; the
//                   wrap has its own nonce and tag, packed here because the
//                   model has one column for it
//   keyVersion      which master key wrapped the data key
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const ALGORITHM = "aes-256-gcm";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const WRAPPED_BYTES = IV_BYTES + TAG_BYTES + KEY_BYTES;

/**
 * Local development only: anyone can read this repository, so values
 * encrypted with it are not secret. Production refuses to start without
 * WEFT_MASTER_KEY (loadKeyring).
 */
const DEV_MASTER_KEY = `v1:${Buffer.from("weft-dev-master-key-not-for-prod").toString("base64")}`;

export interface Keyring {
  /** Version used for new writes: the highest one configured. */
  readonly currentVersion: number;
  readonly keys: ReadonlyMap<number, Buffer>;
}

/** What encryptSecret produces: exactly the Secret model's crypto columns. */
export interface EncryptedSecret {
  ciphertext: Uint8Array<ArrayBuffer>;
  iv: Uint8Array<ArrayBuffer>;
  authTag: Uint8Array<ArrayBuffer>;
  wrappedDataKey: Uint8Array<ArrayBuffer>;
  keyVersion: number;
}

/** A Secret row as read from the database (extra columns are ignored). */
export interface StoredSecret {
  id: string;
  workspaceId: string;
  ciphertext: Uint8Array;
  iv: Uint8Array;
  authTag: Uint8Array;
  wrappedDataKey: Uint8Array;
  keyVersion: number;
}

export class KeyringError extends Error {
  override readonly name = "KeyringError";
}

/**
 * Deliberately says nothing about which check failed: callers log it and move
 * on, and the message must never carry key material or plaintext.
 */
export class SecretDecryptionError extends Error {
  override readonly name = "SecretDecryptionError";

  constructor(reason: string) {
    super(`secret cannot be decrypted: ${reason}`);
  }
}

/** Parses `v1:<base64 32 bytes>[,v2:<base64 32 bytes>]`; pure, for tests and tools. */
export function parseKeyring(spec: string): Keyring {
  const keys = new Map<number, Buffer>();
  for (const part of spec.split(",")) {
    const entry = part.trim();
    if (!entry) continue;
    const match = /^v([1-9][0-9]{0,5}):([A-Za-z0-9+/_-]+={0,2})$/.exec(entry);
    if (!match?.[1] || !match[2]) {
      throw new KeyringError("WEFT_MASTER_KEY entries must look like v1:<base64 of 32 bytes>");
    }
    const version = Number(match[1]);
    const key = Buffer.from(match[2], "base64");
    if (key.length !== KEY_BYTES) {
      throw new KeyringError(
        `WEFT_MASTER_KEY v${version} must decode to ${KEY_BYTES} bytes, got ${key.length}`,
      );
    }
    if (keys.has(version)) throw new KeyringError(`WEFT_MASTER_KEY lists v${version} twice`);
    keys.set(version, key);
  }
  if (keys.size === 0) throw new KeyringError("WEFT_MASTER_KEY has no keys");
  return { currentVersion: Math.max(...keys.keys()), keys };
}

export interface KeyringEnv {
  WEFT_MASTER_KEY?: string | undefined;
  NODE_ENV?: string | undefined;
}

export interface LoadKeyringOptions {
  /** Where the development-key warning goes; defaults to console.warn. */
  warn?: (message: string) => void;
}

/**
 * The keyring for this process. Throws KeyringError in production when the
 * variable is missing (boot must fail rather than encrypt with a public key).
 */
export function loadKeyring(env: KeyringEnv, opts: LoadKeyringOptions = {}): Keyring {
  const spec = env.WEFT_MASTER_KEY?.trim();
  if (spec) return parseKeyring(spec);
  if (env.NODE_ENV === "production") {
    throw new KeyringError("WEFT_MASTER_KEY: is required in production");
  }
  (opts.warn ?? console.warn)(
    "warning: WEFT_MASTER_KEY is not set; secrets are encrypted with the PUBLIC development key. " +
      "Never do this with real credentials.",
  );
  return parseKeyring(DEV_MASTER_KEY);
}

/** A fresh `v<version>:<base64>` entry for WEFT_MASTER_KEY (operators' rotation helper). */
export function generateMasterKeyEntry(version: number): string {
  return `v${version}:${randomBytes(KEY_BYTES).toString("base64")}`;
}

export function encryptSecret(
  input: { workspaceId: string; secretId: string; value: string },
  keyring: Keyring,
): EncryptedSecret {
  const dataKey = randomBytes(KEY_BYTES);
  try {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, dataKey, iv);
    cipher.setAAD(valueAad(input.workspaceId, input.secretId));
    const ciphertext = Buffer.concat([cipher.update(input.value, "utf8"), cipher.final()]);
    return {
      ciphertext: bytes(ciphertext),
      iv: bytes(iv),
      authTag: bytes(cipher.getAuthTag()),
      ...wrapDataKey(dataKey, input.workspaceId, input.secretId, keyring),
    };
  } finally {
    dataKey.fill(0);
  }
}

export function decryptSecret(row: StoredSecret, keyring: Keyring): string {
  const dataKey = unwrapDataKey(row, keyring);
  try {
    if (row.iv.length !== IV_BYTES || row.authTag.length !== TAG_BYTES) {
      throw new SecretDecryptionError("malformed value envelope");
    }
    const decipher = createDecipheriv(ALGORITHM, dataKey, row.iv);
    decipher.setAAD(valueAad(row.workspaceId, row.id));
    decipher.setAuthTag(row.authTag);
    try {
      return Buffer.concat([decipher.update(row.ciphertext), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretDecryptionError("value authentication failed");
    }
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Re-wraps the data key with the keyring's current master key; the value's
 * ciphertext stays as it is. Write back `wrappedDataKey` and `keyVersion`.
 */
export function rewrapSecret(
  row: StoredSecret,
  keyring: Keyring,
): Pick<EncryptedSecret, "wrappedDataKey" | "keyVersion"> {
  const dataKey = unwrapDataKey(row, keyring);
  try {
    return wrapDataKey(dataKey, row.workspaceId, row.id, keyring);
  } finally {
    dataKey.fill(0);
  }
}

function wrapDataKey(
  dataKey: Buffer,
  workspaceId: string,
  secretId: string,
  keyring: Keyring,
): Pick<EncryptedSecret, "wrappedDataKey" | "keyVersion"> {
  const version = keyring.currentVersion;
  const masterKey = keyring.keys.get(version);
  if (!masterKey) throw new KeyringError(`master key v${version} is missing from the keyring`);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, masterKey, iv);
  cipher.setAAD(wrapAad(workspaceId, secretId, version));
  const encrypted = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return { wrappedDataKey: bytes(Buffer.concat([iv, cipher.getAuthTag(), encrypted])), keyVersion: version };
}

function unwrapDataKey(row: StoredSecret, keyring: Keyring): Buffer {
  const masterKey = keyring.keys.get(row.keyVersion);
  if (!masterKey) throw new SecretDecryptionError(`master key v${row.keyVersion} is not configured`);
  const packed = Buffer.from(row.wrappedDataKey);
  if (packed.length !== WRAPPED_BYTES) throw new SecretDecryptionError("malformed wrapped data key");
  const decipher = createDecipheriv(ALGORITHM, masterKey, packed.subarray(0, IV_BYTES));
  // The key version is bound too: relabelling a row's keyVersion fails.
  decipher.setAAD(wrapAad(row.workspaceId, row.id, row.keyVersion));
  decipher.setAuthTag(packed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(packed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new SecretDecryptionError("data key authentication failed");
  }
}

// Lower-cased so that the same uuid spelled differently still binds alike.
function valueAad(workspaceId: string, secretId: string): Buffer {
  return Buffer.from(`weft.secret.value:v1|${workspaceId.toLowerCase()}|${secretId.toLowerCase()}`);
}

function wrapAad(workspaceId: string, secretId: string, keyVersion: number): Buffer {
  return Buffer.from(
    `weft.secret.dek:v1|${workspaceId.toLowerCase()}|${secretId.toLowerCase()}|${keyVersion}`,
  );
}

/** A plain Uint8Array copy: Prisma's Bytes type, and no pooled Buffer memory shared. */
function bytes(buffer: Buffer): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(new ArrayBuffer(buffer.length));
  out.set(buffer);
  return out;
}

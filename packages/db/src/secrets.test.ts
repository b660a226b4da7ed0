import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  decryptSecret,
  encryptSecret,
  generateMasterKeyEntry,
  KeyringError,
  loadKeyring,
  parseKeyring,
  rewrapSecret,
  SecretDecryptionError,
  type StoredSecret,
} from "./secrets.ts";

const V1 = generateMasterKeyEntry(1);
const V2 = generateMasterKeyEntry(2);

function stored(keyring = parseKeyring(V1), value = "sk-canary-value") {
  const workspaceId = randomUUID();
  const id = randomUUID();
  const row: StoredSecret = {
    id,
    workspaceId,
    ...encryptSecret({ workspaceId, secretId: id, value }, keyring),
  };
  return { row, keyring, value };
}

function flipFirstByte(bytes: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[0] = (copy[0] ?? 0) ^ 0x01;
  return copy;
}

describe("secret envelope encryption", () => {
  it("round-trips, including unicode and empty values", () => {
    for (const value of ["sk-canary-value", "", "päss wörd ✓ 🔑", "x".repeat(10_000)]) {
      const { row, keyring } = stored(undefined, value);
      expect(decryptSecret(row, keyring)).toBe(value);
    }
  });

  it("never stores the plaintext and uses a fresh data key and nonce each time", () => {
    const keyring = parseKeyring(V1);
    const a = stored(keyring).row;
    const b = stored(keyring).row;
    expect(Buffer.from(a.ciphertext).toString("utf8")).not.toContain("canary");
    expect(Buffer.from(a.iv).equals(Buffer.from(b.iv))).toBe(false);
    expect(Buffer.from(a.wrappedDataKey).equals(Buffer.from(b.wrappedDataKey))).toBe(false);
    expect(a.wrappedDataKey).toHaveLength(60);
    expect(a.keyVersion).toBe(1);
  });

  it.each(["ciphertext", "iv", "authTag", "wrappedDataKey"] as const)(
    "fails when %s is tampered with",
    (column) => {
      const { row, keyring } = stored();
      expect(() => decryptSecret({ ...row, [column]: flipFirstByte(row[column]) }, keyring)).toThrow(
        SecretDecryptionError,
      );
    },
  );

  it("fails when keyVersion is relabelled, even to a configured key", () => {
    const keyring = parseKeyring(`${V1},${V2}`);
    const { row } = stored(keyring);
    expect(row.keyVersion).toBe(2);
    expect(() => decryptSecret({ ...row, keyVersion: 1 }, keyring)).toThrow(SecretDecryptionError);
    expect(() => decryptSecret({ ...row, keyVersion: 3 }, keyring)).toThrow(/v3 is not configured/);
  });

  it("fails when moved to another workspace or another secret id", () => {
    const { row, keyring } = stored();
    expect(() => decryptSecret({ ...row, workspaceId: randomUUID() }, keyring)).toThrow(
      SecretDecryptionError,
    );
    expect(() => decryptSecret({ ...row, id: randomUUID() }, keyring)).toThrow(SecretDecryptionError);
  });

  it("fails with another master key under the same version", () => {
    const { row } = stored(parseKeyring(V1));
    expect(() => decryptSecret(row, parseKeyring(generateMasterKeyEntry(1)))).toThrow(SecretDecryptionError);
  });

  it("never puts the plaintext into error messages", () => {
    const { row, keyring } = stored();
    try {
      decryptSecret({ ...row, ciphertext: flipFirstByte(row.ciphertext) }, keyring);
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain("canary");
    }
  });
});

describe("master key rotation", () => {
  it("writes with the newest version and still reads the old ones", () => {
    const old = stored(parseKeyring(V1));
    const rotated = parseKeyring(`${V1},${V2}`);
    expect(decryptSecret(old.row, rotated)).toBe(old.value);
    expect(stored(rotated).row.keyVersion).toBe(2);
  });

  it("rewraps the data key to the current version without touching the value", () => {
    const old = stored(parseKeyring(V1));
    const rotated = parseKeyring(`${V2},${V1}`);
    const rewrapped = { ...old.row, ...rewrapSecret(old.row, rotated) };
    expect(rewrapped.keyVersion).toBe(2);
    expect(rewrapped.ciphertext).toBe(old.row.ciphertext);
    // After rewrapping every row, v1 can be retired.
    expect(decryptSecret(rewrapped, parseKeyring(V2))).toBe(old.value);
    expect(() => decryptSecret(old.row, parseKeyring(V2))).toThrow(SecretDecryptionError);
  });
});

describe("loadKeyring", () => {
  it("parses versions and picks the highest as current", () => {
    const keyring = parseKeyring(` ${V2} , ${V1} `);
    expect(keyring.currentVersion).toBe(2);
    expect([...keyring.keys.keys()].sort()).toEqual([1, 2]);
  });

  it("rejects malformed entries without echoing key material", () => {
    for (const spec of [
      "",
      "nope",
      "v1:",
      "v0:abcd",
      `v1:${Buffer.alloc(16).toString("base64")}`,
      `${V1},${V1}`,
    ]) {
      expect(() => parseKeyring(spec), spec).toThrow(KeyringError);
    }
    const short = `v1:${Buffer.from("short-secret-bytes").toString("base64")}`;
    expect(() => parseKeyring(short)).toThrow(/must decode to 32 bytes/);
  });

  it("refuses to start in production without WEFT_MASTER_KEY", () => {
    expect(() => loadKeyring({ NODE_ENV: "production" })).toThrow(/required in production/);
    expect(loadKeyring({ NODE_ENV: "production", WEFT_MASTER_KEY: V1 }).currentVersion).toBe(1);
  });

  it("falls back to a development key with a loud warning elsewhere", () => {
    const warnings: string[] = [];
    const keyring = loadKeyring({ NODE_ENV: "development" }, { warn: (m) => warnings.push(m) });
    expect(keyring.currentVersion).toBe(1);
    expect(warnings).toEqual([expect.stringContaining("WEFT_MASTER_KEY is not set")]);
  });
});

// argon2id with the library defaults (m=19 MiB, t=2, p=1: OWASP's minimum
// recommendation). Parameters are stored in the PHC string, so raising them
// later only affects new hashes; verify keeps working for old ones.
import { hash, verify, type Algorithm } from "@node-rs/argon2";

// Algorithm is an ambient const enum, which isolatedModules cannot inline.
const ARGON2ID = 2 as Algorithm;

export function hashPassword(password: string): Promise<string> {
  if (!password) throw new Error("Password must not be empty");
  return hash(password, { algorithm: ARGON2ID });
}

/** False (never throws) for a wrong password or a malformed/null hash. */
export async function verifyPassword(
  passwordHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (!passwordHash) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");

/** The shared services drills run against (each drill makes its own database and task queue). */
export interface DrillInfra {
  /** Owner URL of a PostgreSQL cluster; drills clone throw-away databases in it. */
  adminUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
}

/** What vitest's global setup (or `npm run drills`) put into the environment. */
export function drillInfra(): DrillInfra {
  const adminUrl = process.env.WEFT_TEST_DATABASE_URL;
  const temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!adminUrl || !temporalAddress) {
    throw new Error(
      "drills need WEFT_TEST_DATABASE_URL and TEMPORAL_ADDRESS (vitest's global setup and `npm run drills` provide them)",
    );
  }
  return { adminUrl, temporalAddress, temporalNamespace: process.env.TEMPORAL_NAMESPACE ?? "default" };
}

/**
 * For `npm run drills`: throw-away PostgreSQL + Temporal, exactly like vitest's global setup,
 * unless the environment already points at some. Returns the function that stops them.
 */
export async function ensureInfra(log: (line: string) => void): Promise<() => Promise<void>> {
  if (process.env.WEFT_TEST_DATABASE_URL && process.env.TEMPORAL_ADDRESS) return async () => {};
  const { loadStackEnv } = await import("@weft/devstack/env");
  const { startInfra } = await import("@weft/devstack/stack");
  const infra = await startInfra({ env: loadStackEnv(ROOT), ephemeral: true, log });
  process.env.WEFT_TEST_DATABASE_URL = infra.adminUrl;
  process.env.TEMPORAL_ADDRESS = infra.temporalAddress;
  process.env.TEMPORAL_NAMESPACE = infra.temporalNamespace;
  return () => infra.stop();
}

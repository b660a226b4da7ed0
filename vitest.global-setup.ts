import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Integration tests need a real PostgreSQL (owner URL in WEFT_TEST_DATABASE_URL; each test file
 * clones its own database from a migrated template) and a real Temporal (TEMPORAL_ADDRESS).
 * `npm test` starts both once and passes them in; a bare `npx vitest` gets its own here.
 */
export default async function setup() {
  if (process.env.WEFT_TEST_DATABASE_URL && process.env.TEMPORAL_ADDRESS) return;
  const root = path.dirname(fileURLToPath(import.meta.url));
  const { loadStackEnv } = await import("@weft/devstack/env");
  const { startInfra } = await import("@weft/devstack/stack");
  const { ensureTemporalCli } = await import("@weft/devstack/temporal");
  const env = loadStackEnv(root);
  const infra = await startInfra({ env, ephemeral: true, log: () => {} });
  process.env.WEFT_TEST_DATABASE_URL = infra.adminUrl;
  process.env.TEMPORAL_ADDRESS = infra.temporalAddress;
  process.env.TEMPORAL_NAMESPACE = infra.temporalNamespace;
  process.env.TEMPORAL_CLI = ensureTemporalCli(env.toolsDir);
  return () => infra.stop();
}

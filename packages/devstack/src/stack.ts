import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { prepareDatabase } from "@weft/db/migrate";
import type { StackEnv } from "./env.ts";
import { freePort } from "./ports.ts";
import { startPostgres } from "./postgres.ts";
import { ensureTemporalCli, startTemporal } from "./temporal.ts";

export interface Infra {
  /** Owner connection: migrations, seeding, test-database cloning. */
  adminUrl: string;
  /** Runtime connection as the RLS-bound app role. */
  appUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  temporalUiUrl: string | null;
  /** The dev server's dynamic config ("key=value") when this process started it; else null. */
  temporalDevConfig: string[] | null;
  /** Stops what this process started (in reverse order); external services are left alone. */
  stop(): Promise<void>;
}

export interface InfraOptions {
  env: StackEnv;
  /** Throw-away data and free ports (tests), instead of `.data/` and the configured ports. */
  ephemeral: boolean;
  /** Temporal Web UI on TEMPORAL_UI_PORT (persistent mode only). */
  ui?: boolean;
  log?: (line: string) => void;
}

/**
 * PostgreSQL and Temporal, embedded unless DATABASE_URL / TEMPORAL_ADDRESS point elsewhere.
 * If a later step fails, everything already started is stopped before the error propagates.
 */
export async function startInfra(opts: InfraOptions): Promise<Infra> {
  const { env } = opts;
  const log = opts.log ?? ((line: string) => console.log(line));
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((err: unknown) => log(`stop failed: ${(err as Error).message}`));
    }
  };

  try {
    let adminUrl = opts.ephemeral ? env.WEFT_TEST_DATABASE_URL : env.DATABASE_URL;
    if (!adminUrl) {
      const dataDir = opts.ephemeral
        ? fs.mkdtempSync(path.join(os.tmpdir(), "weft-pg-"))
        : path.join(env.dataDir, "postgres");
      const port = opts.ephemeral ? await freePort() : env.WEFT_PG_PORT;
      const pg = await startPostgres({ dataDir, port, persistent: !opts.ephemeral });
      stops.push(pg.stop);
      adminUrl = pg.adminUrl;
      log(
        `postgres ready on port ${pg.port}${opts.ephemeral ? " (throw-away data)" : ` (data in ${dataDir})`}`,
      );
    }

    let temporalAddress = opts.ephemeral ? undefined : env.TEMPORAL_ADDRESS;
    let temporalUiUrl: string | null = null;
    let temporalDevConfig: string[] | null = null;
    if (!temporalAddress) {
      const cli = ensureTemporalCli(env.toolsDir, log);
      const temporal = await startTemporal({
        cli,
        dbFile: opts.ephemeral ? undefined : path.join(env.dataDir, "temporal", "temporal.db"),
        port: opts.ephemeral ? await freePort() : env.TEMPORAL_PORT,
        uiPort: opts.ephemeral || opts.ui === false ? null : env.TEMPORAL_UI_PORT,
        namespace: env.TEMPORAL_NAMESPACE,
        transferPollRps: env.TEMPORAL_DEV_TRANSFER_POLL_RPS,
      });
      stops.push(temporal.stop);
      temporalAddress = temporal.address;
      temporalUiUrl = temporal.uiUrl;
      temporalDevConfig = temporal.dynamicConfig;
      log(`temporal dev server ready on ${temporal.address}`);
    }

    const prepared = await prepareDatabase(adminUrl, {
      appRole: env.WEFT_APP_DB_ROLE,
      appPassword: env.WEFT_APP_DB_PASSWORD,
    });
    if (prepared.applied.length) log(`applied migrations: ${prepared.applied.join(", ")}`);

    return {
      adminUrl,
      appUrl: (opts.ephemeral ? undefined : env.APP_DATABASE_URL) ?? prepared.appUrl,
      temporalAddress,
      temporalNamespace: env.TEMPORAL_NAMESPACE,
      temporalUiUrl,
      temporalDevConfig,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

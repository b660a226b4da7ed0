// Migrations without the Prisma CLI's native engine (not downloadable here).
//
// - applyMigrations: plain pg, one transaction per migration, recorded in
//   _prisma_migrations exactly as Prisma Migrate records them, so
//   `prisma migrate deploy/status` on a machine with the engine sees an
//   up-to-date history.
// - createMigration / checkDrift: Prisma's own schema engine (wasm build), so
//   the generated SQL is what `prisma migrate dev` / `migrate diff` produce.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { ensureAppRole } from "./app-role.ts";
import { readMigrations, toMigrationList, writeMigration, type MigrationFile } from "./migration-files.ts";
import { MIGRATIONS_DIR, SCHEMA_PATH } from "./paths.ts";
import { ensureDatabase, withAdminClient } from "./pg-admin.ts";
import { withSchemaEngine } from "./schema-engine.ts";

export { ensureAppRole, type AppRoleOptions } from "./app-role.ts";
export { generateClient } from "./generate.ts";

export interface MigrateOptions {
  /** Defaults to prisma/migrations. */
  migrationsDir?: string;
}

// The key Prisma Migrate takes with pg_advisory_lock, so our runs and a real
// `prisma migrate deploy` never interleave.
const PRISMA_MIGRATE_LOCK = 72707369;

// Prisma's own DDL for its history table (schema-engine sql-migration-connector).
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface HistoryRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies pending migrations in order. Idempotent. Refuses to run when an
 * applied migration was edited or removed locally, or a previous (native
 * Prisma) attempt left a failed row, naming the migration.
 */
export async function applyMigrations(
  adminUrl: string,
  opts: MigrateOptions = {},
): Promise<{ applied: string[] }> {
  const migrations = await readMigrations(opts.migrationsDir ?? MIGRATIONS_DIR);
  return withAdminClient(adminUrl, async (client) => {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const pending = await pendingMigrations(client, migrations);
      const applied: string[] = [];
      for (const migration of pending) {
        await applyOne(client, migration);
        applied.push(migration.name);
      }
      return { applied };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK]).catch(() => undefined);
    }
  });
}

async function pendingMigrations(client: pg.Client, local: MigrationFile[]): Promise<MigrationFile[]> {
  const { rows } = await client.query<HistoryRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
  );
  const live = rows.filter((r) => r.rolled_back_at === null);

  const failed = live.filter((r) => r.finished_at === null).map((r) => r.migration_name);
  if (failed.length) {
    throw new Error(
      `Migration ${failed.join(", ")} failed in an earlier run and is recorded as unfinished in _prisma_migrations; ` +
        `fix the database by hand, then mark it rolled back (UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '…').`,
    );
  }

  const byName = new Map(local.map((m) => [m.name, m]));
  const done = new Set<string>();
  const edited: string[] = [];
  const missing: string[] = [];
  for (const row of live) {
    done.add(row.migration_name);
    const file = byName.get(row.migration_name);
    if (!file) missing.push(row.migration_name);
    else if (file.checksum !== row.checksum) edited.push(row.migration_name);
  }
  if (edited.length) {
    throw new Error(
      `Migration ${edited.join(", ")} was modified after it was applied (checksum differs from _prisma_migrations). ` +
        `Restore the original migration.sql and put the change in a new migration.`,
    );
  }
  if (missing.length) {
    throw new Error(
      `The database has migration ${missing.join(", ")} which is not in prisma/migrations; ` +
        `this checkout is older than the database.`,
    );
  }
  return local.filter((m) => !done.has(m.name));
}

async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query("BEGIN");
  try {
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    // No parameters: pg uses the simple protocol, which accepts the whole
    // multi-statement script (comments, $$ bodies) as PostgreSQL parses it.
    await client.query(migration.sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    const e = error as { message?: string; position?: string };
    const where = e.position ? ` (line ${lineAt(migration.sql, Number(e.position))})` : "";
    throw new Error(
      `Migration ${migration.name} failed${where}: ${e.message ?? String(error)}; nothing was applied`,
      {
        cause: error,
      },
    );
  }
}

function lineAt(sql: string, position: number): number {
  return sql.slice(0, position).split("\n").length;
}

export interface SchemaOptions extends MigrateOptions {
  /** Defaults to prisma/schema.prisma. */
  schemaPath?: string;
}

async function loadSchema(schemaPath: string) {
  return { path: schemaPath, content: await readFile(schemaPath, "utf8") };
}

const NO_FILTERS = { externalTables: [], externalEnums: [] };

/**
 * The SQL that takes the schema produced by the migration history (replayed
 * into a throwaway shadow database on the same server) to schema.prisma:
 * `prisma migrate diff --from-migrations --to-schema --script`. Empty when
 * they agree.
 */
async function diffHistoryToSchema(adminUrl: string, opts: SchemaOptions): Promise<string> {
  const dir = opts.migrationsDir ?? MIGRATIONS_DIR;
  const schema = await loadSchema(opts.schemaPath ?? SCHEMA_PATH);
  const migrationsList = await toMigrationList(dir, await readMigrations(dir));
  const result = await withSchemaEngine(adminUrl, schema, (engine) =>
    engine.diff({
      from: { tag: "migrations", ...migrationsList },
      to: { tag: "schemaDatamodel", files: [schema] },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    }),
  );
  // exitCode 2 = non-empty diff (the --exit-code contract of `migrate diff`).
  return result.exitCode === 0 ? "" : (result.stdout ?? "").trim();
}

/**
 * Writes prisma/migrations/<UTC timestamp>_<name>/migration.sql with the SQL
 * that takes the migration history to schema.prisma; returns the folder, or
 * null when nothing changed. The database in `adminUrl` is not inspected.
 *
 * Why diff and not the engine's createMigration: the wasm engine's
 * createMigration cannot use an externally supplied shadow database once a
 * history exists ("PostgreSQL shadow DB must be provided through an external
 * factory"), while diff can; both run the same differ.
 */
export async function createMigration(
  adminUrl: string,
  name: string,
  opts: SchemaOptions = {},
): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(name)) {
    throw new Error(`Migration name "${name}" must be 1-200 letters, digits, "_" or "-"`);
  }
  const sql = await diffHistoryToSchema(adminUrl, opts);
  if (!sql) return null;
  return writeMigration(opts.migrationsDir ?? MIGRATIONS_DIR, `${utcTimestamp()}_${name}`, `${sql}\n`);
}

/** Prisma's migration folder prefix: YYYYMMDDHHMMSS in UTC. */
function utcTimestamp(now = new Date()): string {
  return now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/**
 * Fails (ok:false, with the SQL a new migration would need) when schema.prisma
 * and the migrations disagree. Row-level security and policies are outside
 * Prisma's model and do not count as drift.
 */
export async function checkDrift(
  adminUrl: string,
  opts: SchemaOptions = {},
): Promise<{ ok: boolean; diffSql: string }> {
  const diffSql = await diffHistoryToSchema(adminUrl, opts);
  return { ok: diffSql === "", diffSql };
}

export interface MigrationStatus {
  /** Local migrations not yet applied (what `prisma migrate deploy` would run). */
  pending: string[];
  /** Applied migrations whose file changed since. */
  edited: string[];
  failed: string[];
  /** Applied migrations that are missing locally. */
  unknown: string[];
}

/**
 * The history as Prisma Migrate itself judges it (the engine's
 * diagnoseMigrationHistory, i.e. `prisma migrate status`). Used by tests to
 * prove our records are indistinguishable from Prisma's.
 */
export async function migrationStatus(adminUrl: string, opts: SchemaOptions = {}): Promise<MigrationStatus> {
  const dir = opts.migrationsDir ?? MIGRATIONS_DIR;
  const schema = await loadSchema(opts.schemaPath ?? SCHEMA_PATH);
  const migrationsList = await toMigrationList(dir, await readMigrations(dir));
  const out = await withSchemaEngine(adminUrl, schema, (engine) =>
    engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTERS }),
  );
  const h = out.history;
  return {
    pending:
      h?.diagnostic === "databaseIsBehind" || h?.diagnostic === "historiesDiverge"
        ? h.unappliedMigrationNames
        : [],
    edited: out.editedMigrationNames,
    failed: out.failedMigrationNames,
    unknown:
      h?.diagnostic === "migrationsDirectoryIsBehind" || h?.diagnostic === "historiesDiverge"
        ? h.unpersistedMigrationNames
        : [],
  };
}

export interface PrepareOptions extends MigrateOptions {
  appRole?: string;
  appPassword?: string;
}

export const DEFAULT_APP_ROLE = "weft_app";
export const DEFAULT_APP_PASSWORD = "weft_app";

/** Creates the database if needed, migrates it, and ensures the app role. */
export async function prepareDatabase(
  adminUrl: string,
  opts: PrepareOptions = {},
): Promise<{ appUrl: string; applied: string[] }> {
  await ensureDatabase(adminUrl);
  const { applied } = await applyMigrations(adminUrl, opts);
  const appUrl = await ensureAppRole(adminUrl, {
    role: opts.appRole ?? DEFAULT_APP_ROLE,
    password: opts.appPassword ?? DEFAULT_APP_PASSWORD,
  });
  return { appUrl, applied };
}

/** For messages and scripts: where migrations live. */
export function migrationsDirRelative(dir = MIGRATIONS_DIR): string {
  return path.relative(process.cwd(), dir) || ".";
}

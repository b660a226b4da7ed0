// One database per test file, cloned from a migrated template: files run in
// parallel without sharing state, and cloning (~0.1 s) is much cheaper than
// migrating each time.
import { randomBytes } from "node:crypto";
import { ensureAppRole } from "./app-role.ts";
import { historyChecksum, readMigrations } from "./migration-files.ts";
import { DEFAULT_APP_PASSWORD, DEFAULT_APP_ROLE, prepareDatabase } from "./migrate.ts";
import { MIGRATIONS_DIR } from "./paths.ts";
import { databaseUrl, quoteIdent, quoteLiteral, withAdminClient } from "./pg-admin.ts";

export const TEMPLATE_DATABASE = "weft_template";
// Advisory locks are per database: everyone takes it in `postgres`.
const TEMPLATE_LOCK = 72707371;
const STAMP_PREFIX = "weft migrations ";

export interface TestDatabase {
  /** Superuser URL of the new database (migrations, fixtures that bypass RLS). */
  adminUrl: string;
  /** App-role URL of the new database: what the product connects as. */
  appUrl: string;
  name: string;
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  appRole?: string;
  appPassword?: string;
  migrationsDir?: string;
}

export async function createTestDatabase(
  adminUrl: string,
  opts: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const migrationsDir = opts.migrationsDir ?? MIGRATIONS_DIR;
  const stamp = STAMP_PREFIX + historyChecksum(await readMigrations(migrationsDir));
  const name = `weft_test_${randomBytes(6).toString("hex")}`;
  const maintenanceUrl = databaseUrl(adminUrl, "postgres");
  const role = { role: opts.appRole ?? DEFAULT_APP_ROLE, password: opts.appPassword ?? DEFAULT_APP_PASSWORD };

  await withAdminClient(maintenanceUrl, async (c) => {
    // Session lock held across build and clone: CREATE DATABASE ... TEMPLATE
    // fails while anyone (a builder) is connected to the template.
    await c.query("SELECT pg_advisory_lock($1)", [TEMPLATE_LOCK]);
    try {
      const { rows } = await c.query<{ stamp: string | null }>(
        "SELECT shobj_description(oid, 'pg_database') AS stamp FROM pg_database WHERE datname = $1",
        [TEMPLATE_DATABASE],
      );
      if (rows[0]?.stamp !== stamp) await rebuildTemplate(c, adminUrl, stamp, { ...role, migrationsDir });
      await c.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(TEMPLATE_DATABASE)}`);
    } finally {
      await c.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK]).catch(() => undefined);
    }
  });

  const testAdminUrl = databaseUrl(adminUrl, name);
  // Roles are cluster-wide and outlive templates; re-asserting is cheap and
  // also grants CONNECT on the new database.
  const appUrl = await ensureAppRole(testAdminUrl, role);
  return {
    adminUrl: testAdminUrl,
    appUrl,
    name,
    drop: () =>
      withAdminClient(maintenanceUrl, async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      }),
  };
}

async function rebuildTemplate(
  c: import("pg").Client,
  adminUrl: string,
  stamp: string,
  opts: { role: string; password: string; migrationsDir: string },
): Promise<void> {
  const template = quoteIdent(TEMPLATE_DATABASE);
  const { rowCount } = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [TEMPLATE_DATABASE]);
  if (rowCount) {
    await c.query(`ALTER DATABASE ${template} WITH IS_TEMPLATE false ALLOW_CONNECTIONS true`);
    await c.query(`DROP DATABASE ${template} WITH (FORCE)`);
  }
  await c.query(`CREATE DATABASE ${template}`);
  await prepareDatabase(databaseUrl(adminUrl, TEMPLATE_DATABASE), {
    appRole: opts.role,
    appPassword: opts.password,
    migrationsDir: opts.migrationsDir,
  });
  // Stamp last: a build that dies half-way leaves no stamp and is redone.
  await c.query(`COMMENT ON DATABASE ${template} IS ${quoteLiteral(stamp)}`);
  // Nobody may connect by accident and block the next clone.
  await c.query(`ALTER DATABASE ${template} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
}

/** The admin URL integration tests run against (set by the vitest globalSetup). */
export function testDatabaseUrl(): string {
  const url = process.env.WEFT_TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      "WEFT_TEST_DATABASE_URL is not set: integration tests need a PostgreSQL admin URL " +
        "(the vitest globalSetup starts embedded PostgreSQL and sets it).",
    );
  }
  return url;
}

/**
 * Tables in schema public that have a "workspaceId" column but lack forced
 * RLS or any policy. Empty means every tenant table is isolated.
 */
export async function tablesMissingRls(adminUrl: string): Promise<string[]> {
  return withAdminClient(adminUrl, async (c) => {
    const { rows } = await c.query<{ relname: string }>(`
      SELECT c.relname
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public'
        AND c.relkind IN ('r', 'p')
        AND EXISTS (SELECT 1 FROM pg_attribute a
                    WHERE a.attrelid = c.oid AND a.attname = 'workspaceId' AND NOT a.attisdropped)
        AND NOT (c.relrowsecurity AND c.relforcerowsecurity
                 AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid))
      ORDER BY c.relname`);
    return rows.map((r) => r.relname);
  });
}

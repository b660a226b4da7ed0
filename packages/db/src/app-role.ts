// The role the gateway and worker connect as. It owns nothing and can never
// bypass row-level security, so a forgotten workspace scope yields no rows
// rather than every tenant's rows.
import { databaseName, databaseUrl, quoteIdent, quoteLiteral, withAdminClient } from "./pg-admin.ts";

export interface AppRoleOptions {
  role: string;
  password: string;
}

// Roles live in the shared catalog; concurrent CREATE/ALTER ROLE from parallel
// test workers fail with "tuple concurrently updated". Advisory locks are per
// database, so every caller takes this one in the `postgres` database.
const ROLE_LOCK = 72707370;

/** Creates or re-asserts the app role and its grants; returns the app URL. */
export async function ensureAppRole(adminUrl: string, opts: AppRoleOptions): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(opts.role)) {
    throw new Error(`App role name "${opts.role}" must match [a-z_][a-z0-9_]*`);
  }
  const role = quoteIdent(opts.role);
  const attributes = `LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD ${quoteLiteral(opts.password)}`;

  await withAdminClient(databaseUrl(adminUrl, "postgres"), async (c) => {
    await c.query("BEGIN");
    try {
      await c.query("SELECT pg_advisory_xact_lock($1)", [ROLE_LOCK]);
      const { rowCount } = await c.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [opts.role]);
      // ALTER on every call: an existing role with stray privileges (say,
      // BYPASSRLS granted by hand) is brought back in line.
      await c.query(rowCount ? `ALTER ROLE ${role} ${attributes}` : `CREATE ROLE ${role} ${attributes}`);
      await c.query("COMMIT");
    } catch (error) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  });

  await withAdminClient(adminUrl, async (c) => {
    const db = quoteIdent(databaseName(adminUrl));
    await c.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${role}`);
    await c.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
    await c.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    // Tables created later by the migrating (admin) role are granted too.
    await c.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
    );
    await c.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${role}`);
    // The app may read which migrations ran (health checks), never rewrite history.
    const { rowCount } = await c.query(
      "SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = '_prisma_migrations'",
    );
    if (rowCount) {
      await c.query(`REVOKE ALL ON "_prisma_migrations" FROM ${role}`);
      await c.query(`GRANT SELECT ON "_prisma_migrations" TO ${role}`);
    }
  });

  const url = new URL(adminUrl);
  url.username = encodeURIComponent(opts.role);
  url.password = encodeURIComponent(opts.password);
  return url.toString();
}

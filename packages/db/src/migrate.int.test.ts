import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, checkDrift, createMigration, migrationStatus, prepareDatabase } from "./migrate.ts";
import { readMigrations } from "./migration-files.ts";
import { MIGRATIONS_DIR, SCHEMA_PATH } from "./paths.ts";
import { databaseUrl, quoteIdent, withAdminClient } from "./pg-admin.ts";
import { testDatabaseUrl } from "./testing.ts";

let serverUrl: string;
let tmp: string;
const created: string[] = [];

// A fresh, empty database (not a template clone): these tests migrate it.
async function emptyDatabase(): Promise<string> {
  const name = `weft_migrate_${randomBytes(5).toString("hex")}`;
  await withAdminClient(serverUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
  created.push(name);
  return databaseUrl(serverUrl, name);
}

async function driftedSchema(): Promise<string> {
  const schema = await readFile(SCHEMA_PATH, "utf8");
  const drifted = schema.replace(
    /^model Workspace \{\n/m,
    'model Workspace {\n  plan      String   @default("free")\n',
  );
  expect(drifted).not.toBe(schema);
  const file = path.join(tmp, "drifted.prisma");
  await writeFile(file, drifted);
  return file;
}

beforeAll(async () => {
  serverUrl = testDatabaseUrl();
  tmp = await mkdtemp(path.join(tmpdir(), "weft-migrate-test-"));
});

afterAll(async () => {
  await withAdminClient(serverUrl, async (c) => {
    for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  });
  await rm(tmp, { recursive: true, force: true });
});

describe("applyMigrations", () => {
  it("applies every migration once, then nothing; Prisma's engine agrees the history is complete", async () => {
    const url = await emptyDatabase();
    const all = (await readMigrations(MIGRATIONS_DIR)).map((m) => m.name);
    expect(all.length).toBeGreaterThan(0);
    expect(await applyMigrations(url)).toEqual({ applied: all });
    expect(await applyMigrations(url)).toEqual({ applied: [] });

    // What `prisma migrate status` / `migrate deploy` would see.
    expect(await migrationStatus(url)).toEqual({ pending: [], edited: [], failed: [], unknown: [] });
    const rows = await withAdminClient(url, (c) =>
      c.query(`SELECT migration_name, applied_steps_count, logs, rolled_back_at, finished_at IS NOT NULL AS finished,
                      length(id) AS id_length, length(checksum) AS checksum_length FROM "_prisma_migrations"`),
    );
    expect(rows.rows).toEqual(
      all.map((name) => ({
        migration_name: name,
        applied_steps_count: 1,
        logs: null,
        rolled_back_at: null,
        finished: true,
        id_length: 36,
        checksum_length: 64,
      })),
    );
  });

  it("concurrent callers apply each migration exactly once", async () => {
    const url = await emptyDatabase();
    const results = await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)]);
    expect(results.flatMap((r) => r.applied)).toHaveLength((await readMigrations(MIGRATIONS_DIR)).length);
  });

  it("reports an applied migration whose checksum no longer matches, by name", async () => {
    const url = await emptyDatabase();
    const [first] = (await applyMigrations(url)).applied;
    await withAdminClient(url, (c) =>
      c.query(`UPDATE "_prisma_migrations" SET checksum = repeat('0', 64) WHERE migration_name = $1`, [
        first,
      ]),
    );
    await expect(applyMigrations(url)).rejects.toThrow(
      new RegExp(`Migration ${first} was modified after it was applied`),
    );
    expect((await migrationStatus(url)).edited).toEqual([first]);
  });

  it("rolls back a failing migration entirely and names it", async () => {
    const dir = path.join(tmp, "failing-migrations");
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    const bad = "29991231000000_broken";
    await writeMigrationFile(dir, bad, `CREATE TABLE "Half" (id int);\nSELEKT 1;\n`);
    const url = await emptyDatabase();
    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(
      /Migration 29991231000000_broken failed \(line 2\): syntax error at or near "SELEKT"; nothing was applied/,
    );
    const state = await withAdminClient(url, async (c) => ({
      half: (await c.query(`SELECT to_regclass('"Half"') AS t`)).rows[0].t,
      recorded: (
        await c.query(`SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE migration_name = $1`, [bad])
      ).rows[0].n,
    }));
    expect(state).toEqual({ half: null, recorded: 0 });
  });

  it("prepareDatabase creates the database, migrates it and returns an app-role URL", async () => {
    const name = `weft_prepare_${randomBytes(5).toString("hex")}`;
    created.push(name);
    const { appUrl, applied } = await prepareDatabase(databaseUrl(serverUrl, name));
    expect(applied.length).toBeGreaterThan(0);
    expect(new URL(appUrl).username).toBe("weft_app");
    const canWriteHistory = await withAdminClient(appUrl, async (c) => {
      const { rows } = await c.query(`SELECT has_table_privilege('"_prisma_migrations"', 'INSERT') AS w,
                                             has_table_privilege('"Agent"', 'INSERT') AS agent`);
      return rows[0];
    });
    expect(canWriteHistory).toEqual({ w: false, agent: true });
    expect((await prepareDatabase(databaseUrl(serverUrl, name))).applied).toEqual([]);
  });
});

describe("20261202070000_keys_follow_members", () => {
  it("revokes the keys of members who left and lowers keys above their member's role, once", async () => {
    const target = "20261202070000_keys_follow_members";
    const before = path.join(tmp, "before-keys-follow-members");
    await cp(MIGRATIONS_DIR, before, { recursive: true });
    await rm(path.join(before, target), { recursive: true });
    const url = await emptyDatabase();
    await applyMigrations(url, { migrationsDir: before });
    const ids = await withAdminClient(url, async (c) => {
      const one = async (sql: string, params: unknown[] = []) => (await c.query(sql, params)).rows[0].id;
      const ws = await one(
        `INSERT INTO "Workspace" (id, name, slug) VALUES (gen_random_uuid(), 'W', 'w') RETURNING id`,
      );
      const user = (email: string) =>
        one(`INSERT INTO "User" (id, email) VALUES (gen_random_uuid(), $1) RETURNING id`, [email]);
      const [stays, demoted, left] = [await user("s@x.test"), await user("d@x.test"), await user("l@x.test")];
      for (const [u, role] of [
        [stays, "ADMIN"],
        [demoted, "VIEWER"],
      ] as const) {
        await c.query(
          `INSERT INTO "Membership" (id, "workspaceId", "userId", role) VALUES (gen_random_uuid(), $1, $2, $3)`,
          [ws, u, role],
        );
      }
      const key = (by: string | null, role: string) =>
        one(
          `INSERT INTO "ApiKey" (id, "workspaceId", name, role, prefix, hash, "createdById")
           VALUES (gen_random_uuid(), $1, 'k', $2, 'abcdefgh', gen_random_uuid()::text, $3) RETURNING id`,
          [ws, role, by],
        );
      return {
        kept: await key(stays, "EDITOR"),
        lowered: await key(demoted, "ADMIN"),
        revoked: await key(left, "VIEWER"),
        orphan: await key(null, "OWNER"),
      };
    });
    expect(await applyMigrations(url)).toEqual({ applied: [target] });
    const rows = await withAdminClient(url, async (c) =>
      Object.fromEntries(
        (await c.query(`SELECT id, role, "revokedAt" IS NOT NULL AS revoked FROM "ApiKey"`)).rows.map((r) => [
          r.id,
          [r.role, r.revoked],
        ]),
      ),
    );
    expect(rows).toEqual({
      [ids.kept]: ["EDITOR", false],
      [ids.lowered]: ["VIEWER", false],
      [ids.revoked]: ["VIEWER", true],
      [ids.orphan]: ["OWNER", false],
    });
  });
});

describe("drift check", () => {
  it("passes for the real schema: RLS policies in the migration do not count as drift", async () => {
    expect(await checkDrift(serverUrl)).toEqual({ ok: true, diffSql: "" });
  });

  it("fails for a schema with a field no migration creates, and shows the SQL", async () => {
    const result = await checkDrift(serverUrl, { schemaPath: await driftedSchema() });
    expect(result.ok).toBe(false);
    expect(result.diffSql).toMatch(
      /ALTER TABLE "Workspace" ADD COLUMN\s+"plan" TEXT NOT NULL DEFAULT 'free'/,
    );
  });

  it("createMigration writes nothing when the schema is unchanged, and closes the drift when it is not", async () => {
    const dir = path.join(tmp, "new-migrations");
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    expect(await createMigration(serverUrl, "nothing", { migrationsDir: dir })).toBeNull();

    const schemaPath = await driftedSchema();
    const folder = await createMigration(serverUrl, "add_plan", { migrationsDir: dir, schemaPath });
    expect(folder).toMatch(/\/\d{14}_add_plan$/);
    expect(await readFile(path.join(folder!, "migration.sql"), "utf8")).toMatch(/ADD COLUMN\s+"plan"/);
    expect(await checkDrift(serverUrl, { migrationsDir: dir, schemaPath })).toEqual({
      ok: true,
      diffSql: "",
    });

    const url = await emptyDatabase();
    expect((await applyMigrations(url, { migrationsDir: dir })).applied.at(-1)).toBe(path.basename(folder!));
  });
});

async function writeMigrationFile(dir: string, name: string, sql: string) {
  const { mkdir } = await import("node:fs/promises");
  await mkdir(path.join(dir, name), { recursive: true });
  await writeFile(path.join(dir, name, "migration.sql"), sql);
}

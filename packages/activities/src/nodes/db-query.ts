import pg from "pg";
import type { DbQueryConfig } from "@weft/schema";
import { NodeFailure } from "../errors.ts";
import { resolveAllowedHost } from "./resolve-host.ts";
import type { NodeImplementation } from "./types.ts";

/**
 * One parameterised statement against the user's PostgreSQL. Read-only (the default) is enforced
 * three ways: the session starts with default_transaction_read_only, the statement runs inside
 * BEGIN READ ONLY after a snapshot was taken (so `SET TRANSACTION READ WRITE` is refused), and it
 * always goes through the extended protocol, which runs exactly one statement (no "COMMIT; ...").
 */
export const dbQuery: NodeImplementation<DbQueryConfig> = async (ctx) => {
  const c = ctx.config;
  const connectionString = await ctx.deps.secrets(ctx.workspaceId, c.connectionSecret);
  if (connectionString === undefined) {
    throw new NodeFailure(
      `secret "${c.connectionSecret}" does not exist in this workspace`,
      false,
      "MISSING_SECRET",
    );
  }
  ctx.addSecret(connectionString);
  let url: URL;
  try {
    url = new URL(connectionString);
    if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") throw new Error("scheme");
  } catch {
    throw new NodeFailure(
      `secret "${c.connectionSecret}" must be a postgres:// connection URL`,
      false,
      "INVALID_SECRET",
    );
  }
  const password = decodeURIComponent(url.password);
  if (password) ctx.addSecret(password);
  const host = url.hostname || "localhost";
  const address = await resolveAllowedHost(ctx.deps.http.addressPolicy, host, `postgres://${host}`);
  const sslmode = url.searchParams.get("sslmode");
  const client = new pg.Client({
    host: address,
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username),
    password,
    database: decodeURIComponent(url.pathname.slice(1)) || undefined,
    ssl:
      sslmode && sslmode !== "disable"
        ? { servername: host, rejectUnauthorized: sslmode === "verify-full" || sslmode === "verify-ca" }
        : false,
    connectionTimeoutMillis: 10_000,
    // Backstop in case the server never answers the cancel that statement_timeout triggers.
    query_timeout: c.statementTimeoutMs + 5_000,
    application_name: "weft",
    ...(c.readOnly ? { options: "-c default_transaction_read_only=on" } : {}),
  });
  // A connection the server ends between statements fails the next one; unheard, its 'error'
  // event would kill the worker.
  client.on("error", () => {});
  const abort = () => void client.end().catch(() => {});
  ctx.signal.addEventListener("abort", abort, { once: true });
  try {
    await client.connect();
    await client.query(c.readOnly ? "BEGIN TRANSACTION READ ONLY" : "BEGIN");
    await client.query(`SET LOCAL statement_timeout = ${Math.trunc(c.statementTimeoutMs)}`);
    if (c.readOnly) await client.query("SELECT 1");
    const started = Date.now();
    const result = await client.query({
      text: c.sql,
      values: c.params,
      queryMode: "extended",
    } as pg.QueryConfig);
    if (result.rows.length > c.maxRows) {
      throw new NodeFailure(
        `the query returned ${result.rows.length} rows, more than maxRows (${c.maxRows}); add a LIMIT or raise maxRows`,
        false,
        "TOO_MANY_ROWS",
      );
    }
    await client.query("COMMIT");
    ctx.log(
      `${result.command} → ${result.rowCount ?? result.rows.length} row(s) in ${Date.now() - started} ms`,
    );
    return { output: { rows: result.rows.map(jsonRow), rowCount: result.rowCount ?? result.rows.length } };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err instanceof NodeFailure ? err : pgFailure(err);
  } finally {
    ctx.signal.removeEventListener("abort", abort);
    await client.end().catch(() => {});
  }
};

/** bytea comes back as Buffer; everything else pg returns is already JSON-friendly (int8 as text). */
function jsonRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = Buffer.isBuffer(v) ? `\\x${v.toString("hex")}` : v;
  return out;
}

/**
 * SQLSTATE classes: 08 (connection), 40 (serialization/deadlock), 53 (resources), 57P0x (shutdown)
 * are transient; syntax, permissions, read-only violations and timeouts would fail again.
 */
function pgFailure(err: unknown): NodeFailure {
  const e = err as { message?: string; code?: string };
  const code = e.code ?? "";
  const transient =
    /^(08|40|53|57P0)/.test(code) || ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT"].includes(code);
  const label =
    code === "25006"
      ? "READ_ONLY_VIOLATION"
      : code === "57014"
        ? "STATEMENT_TIMEOUT"
        : `PG_${code || "ERROR"}`;
  return new NodeFailure(`PostgreSQL: ${e.message ?? String(err)}`, transient, label);
}

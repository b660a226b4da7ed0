// Prisma's schema engine compiled to WebAssembly, driven through adapter-pg.
// The Prisma CLI's `migrate` needs a native engine downloaded from Prisma's
// servers, which these machines cannot reach; the wasm build ships on npm and
// computes exactly the same diffs and migration scripts.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";
import { databaseUrl, quoteIdent, withAdminClient } from "./pg-admin.ts";

export type { MigrationList, SchemaEngine };

// The repo's lib setting (ES2023, no DOM) carries no WebAssembly types.
declare const WebAssembly: {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, Record<string, unknown>>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

let wasmReady: Promise<void> | undefined;

// The package's entry point imports the .wasm file as an ES module, which only
// bundlers understand; instantiate it by hand against the generated glue.
function loadWasm(): Promise<void> {
  wasmReady ??= (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, {
      "./schema_engine_bg.js": bg as unknown as Record<string, unknown>,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return wasmReady;
}

// Types the engine reads while introspecting pg_catalog that adapter-pg has no
// mapping for ("char" is pg_class.relkind & co.). pg hands them over as
// strings anyway, so reporting them as text is lossless.
const CATALOG_TEXT_OIDS = new Set([
  18, 22, 24, 28, 29, 30, 194, 1033, 2202, 2203, 2204, 2205, 2206, 3734, 3769, 4089, 4096,
]);

function relabelCatalogTypes(result: unknown): void {
  for (const r of Array.isArray(result) ? result : [result]) {
    const fields = (r as { fields?: { dataTypeID: number }[] } | undefined)?.fields;
    if (!fields) continue;
    for (const field of fields) if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = 25;
  }
}

type QueryFn = (...args: unknown[]) => unknown;

/** Patches one pooled client so every result passes through relabelCatalogTypes. */
function relabelOnClient(client: pg.PoolClient): void {
  const target = client as unknown as { query: QueryFn };
  const original = target.query.bind(client) as QueryFn;
  target.query = (...args: unknown[]) => {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      args[args.length - 1] = (err: unknown, res: unknown) => {
        if (res) relabelCatalogTypes(res);
        (last as (e: unknown, r: unknown) => void)(err, res);
      };
      return original(...args);
    }
    const out = original(...args);
    if (out && typeof (out as Promise<unknown>).then === "function") {
      return (out as Promise<unknown>).then((res) => {
        relabelCatalogTypes(res);
        return res;
      });
    }
    return out;
  };
}

async function connectAdapter(url: string, onDispose?: () => Promise<void>): Promise<SqlDriverAdapter> {
  const adapter = await new PrismaPg({ connectionString: url, max: 2 }).connect();
  const pool = (adapter as unknown as { underlyingDriver(): pg.Pool }).underlyingDriver();
  // The pool opens connections lazily, so this sees every one of them.
  pool.on("connect", relabelOnClient);
  const onError = (adapter as unknown as { onError(e: unknown): never }).onError.bind(adapter);
  // adapter-pg splits scripts on every ";", which breaks comments, quoted
  // strings and $$ bodies. Send the script whole, as the native engine does:
  // a multi-statement simple query, which PostgreSQL runs atomically.
  adapter.executeScript = async (script: string) => {
    try {
      await pool.query(script);
    } catch (error) {
      onError(error);
    }
  };
  if (onDispose) {
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await onDispose();
    };
  }
  return adapter;
}

/**
 * A throwaway database next to `adminUrl`'s. adapter-pg's own
 * connectToShadowDb keeps the connection string's database name, so it would
 * replay migrations into the main database.
 */
async function connectShadow(adminUrl: string): Promise<SqlDriverAdapter> {
  const name = `weft_shadow_${randomUUID().replaceAll("-", "")}`;
  await withAdminClient(adminUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
  return connectAdapter(databaseUrl(adminUrl, name), async () => {
    await withAdminClient(adminUrl, (c) =>
      c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
    );
  });
}

export interface EngineSchema {
  path: string;
  content: string;
}

/**
 * Runs `fn` with an engine whose main database is `mainUrl` (used only by
 * commands that inspect it) and whose shadow databases are created on the same
 * server. The engine is freed afterwards; shadow databases are dropped when the
 * engine releases them.
 */
export async function withSchemaEngine<T>(
  mainUrl: string,
  schema: EngineSchema,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  await loadWasm();
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect: () => connectAdapter(mainUrl),
    connectToShadowDb: () => connectShadow(mainUrl),
  };
  const logs: string[] = [];
  const engine = (await bg.SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    (message: unknown) => {
      logs.push(String(message));
    },
    bindMigrationAwareSqlAdapterFactory(factory),
  )) as SchemaEngine;
  try {
    return await fn(engine);
  } catch (error) {
    throw engineError(error);
  } finally {
    engine.free();
  }
}

// Engine errors arrive as plain objects or JSON strings; make them Errors
// whose message a developer can act on.
function engineError(error: unknown): Error {
  if (error instanceof Error) return error;
  const raw = typeof error === "string" ? error : JSON.stringify(error);
  try {
    const parsed = JSON.parse(raw) as { message?: string; error_code?: string; meta?: unknown };
    if (parsed.message) return new Error(`Prisma schema engine: ${parsed.message}`);
  } catch {
    // not JSON
  }
  return new Error(`Prisma schema engine: ${raw}`);
}

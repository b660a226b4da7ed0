import path from "node:path";
import { z } from "zod";

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** Every variable the local stack reads; each has a working default (see .env.example). */
const StackEnvSchema = z.object({
  WEFT_DATA_DIR: z.string().default(".data"),
  WEFT_TOOLS_DIR: z.string().default(".tools"),
  /** Owner connection (migrations). Unset = embedded PostgreSQL under WEFT_DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** Runtime connection as a role without BYPASSRLS. Unset = derived from DATABASE_URL. */
  APP_DATABASE_URL: z.string().url().optional(),
  WEFT_APP_DB_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, "lowercase SQL identifier")
    .default("weft_app"),
  WEFT_APP_DB_PASSWORD: z.string().min(8).default("weft-app-local-only"),
  WEFT_PG_PORT: port(5433),
  /** host:port of a Temporal frontend. Unset = the `temporal` CLI dev server. */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default("default"),
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  /** Dev server only: history.transferProcessorMaxPollRPS (temporal.ts, DEV_TRANSFER_POLL_RPS). */
  TEMPORAL_DEV_TRANSFER_POLL_RPS: z.coerce.number().int().min(1).max(100_000).optional(),
  GATEWAY_PORT: port(4000),
  WEB_PORT: port(3000),
  WEFT_AUTH_SECRET: z.string().min(32).optional(),
  /** Test runs only: an owner URL to use instead of a throw-away embedded server. */
  WEFT_TEST_DATABASE_URL: z.string().url().optional(),
});

export type StackEnv = z.infer<typeof StackEnvSchema> & { dataDir: string; toolsDir: string };

export function loadStackEnv(root: string, source: NodeJS.ProcessEnv = process.env): StackEnv {
  const parsed = StackEnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return {
    ...parsed.data,
    dataDir: path.resolve(root, parsed.data.WEFT_DATA_DIR),
    toolsDir: path.resolve(root, parsed.data.WEFT_TOOLS_DIR),
  };
}

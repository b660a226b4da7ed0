import { AGENT_TASK_QUEUE } from "@weft/schema";
import { z } from "zod";

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  TEMPORAL_ADDRESS: z.string().min(1).default("127.0.0.1:7233"),
  TEMPORAL_NAMESPACE: z.string().min(1).default("default"),
  /** Overridable so isolated environments (each test database) never pick up each other's runs. */
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(AGENT_TASK_QUEUE),
  WORKER_ID: z.string().min(1).optional(),
  /** Runtime connection as the RLS-bound app role; activities scope every query to a workspace. */
  APP_DATABASE_URL: z.string().url(),
  /** Encrypts workspace secrets; a public development key is used when unset outside production. */
  WEFT_MASTER_KEY: z.string().min(1).optional(),
  /**
   * Hosts, IPs or CIDR ranges HTTP nodes may reach although they are private (tests, self-hosting).
   * Everything else private, loopback or link-local is refused.
   */
  WEFT_HTTP_ALLOWLIST: z.string().default(""),
  /** Reddit connector endpoint (default https://www.reddit.com); tests point it at a local server. */
  WEFT_REDDIT_BASE_URL: z.string().url().optional(),
  /** Default endpoint of sms.send (default https://api.twilio.com); a node's baseUrl wins. */
  WEFT_TWILIO_BASE_URL: z.string().url().optional(),
  /**
   * Window of the shared LLM rate limiter: requestsPerMinute/tokensPerMinute apply per window.
   * 60000 in production; tests compress the minute.
   */
  WEFT_LLM_RATE_WINDOW_MS: z.coerce.number().int().min(100).default(60_000),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().positive().default(100),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().positive().default(40),
  /** Database connections per worker; activities beyond it queue for a connection (not fail). */
  WORKER_DB_POOL_SIZE: z.coerce.number().int().positive().default(20),
  /** How long opening a database connection waits for an unreachable PostgreSQL (a restart). */
  WORKER_DB_CONNECT_RETRY_MS: z.coerce.number().int().min(0).default(20_000),
});

export type WorkerEnv = z.infer<typeof EnvSchema>;

/** Validates the environment once at boot; a bad variable stops the process with its name. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid worker environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

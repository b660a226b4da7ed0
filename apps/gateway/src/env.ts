import { AGENT_TASK_QUEUE } from "@weft/schema";
import { z } from "zod";

// Only for local development: production refuses to boot without a real secret
// so a forgotten variable can never sign tokens with a value that is public.
const DEV_AUTH_SECRET = "weft-dev-auth-secret-not-for-production-use";

const port = z.coerce.number().int().min(0).max(65_535);

// Normalising to the origin means "http://localhost:3000/" and
// "http://localhost:3000" both match the browser's Origin header.
const origin = z.url().transform((value) => new URL(value).origin);

const ZEnv = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    GATEWAY_PORT: port.default(4000),
    GATEWAY_HOST: z.string().min(1).default("127.0.0.1"),
    // Required: the gateway keeps no state of its own. The URL must be the app
    // role (no BYPASSRLS), never the owner; `npm start` derives it.
    APP_DATABASE_URL: z.url({ error: "is required (PostgreSQL URL of the app role)" }),
    TEMPORAL_ADDRESS: z.string().min(1).default("127.0.0.1:7233"),
    TEMPORAL_NAMESPACE: z.string().min(1).default("default"),
    /** The queue runs are started on; the workers poll the same one. */
    TEMPORAL_TASK_QUEUE: z.string().min(1).default(AGENT_TASK_QUEUE),
    WEFT_AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    /** Lifetime of session tokens the gateway mints (signUp/signIn, mintSessionToken). */
    WEFT_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
    /** `v1:<base64 32 bytes>[,v2:…]`; parsed and checked by loadKeyring (@weft/db/secrets). */
    WEFT_MASTER_KEY: z.string().min(1).optional(),
    WEB_ORIGIN: origin.default("http://localhost:3000"),
    /**
     * Shared with the web server only: it authenticates server-to-server operations (oauthSignIn)
     * through the `x-weft-server-secret` header. Unset: those operations are refused.
     */
    WEFT_SERVER_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    /**
     * signUp/signIn bucket per client address, as `burst/perMinute` (default 10/20). The
     * throw-away stack of `npm test` raises it: every browser spec signs users up from 127.0.0.1.
     */
    GATEWAY_RATE_LIMIT_ANONYMOUS: z
      .string()
      .regex(/^\d+\/\d+$/, "must be burst/perMinute, e.g. 10/20")
      .transform((value) => {
        const [burst, perMinute] = value.split("/").map(Number) as [number, number];
        return { burst, perMinute };
      })
      .optional(),
    /**
     * Express "trust proxy" (e.g. `1` for one load balancer, `loopback`, a
     * CIDR list). Unset: the socket address is the client, which behind a
     * proxy would put every anonymous caller into one rate-limit bucket.
     */
    GATEWAY_TRUST_PROXY: z
      .string()
      .min(1)
      .transform((value): boolean | number | string =>
        value === "true" ? true : value === "false" ? false : /^\d+$/.test(value) ? Number(value) : value,
      )
      .optional(),
  })
  .superRefine((value, ctx) => {
    if (value.NODE_ENV === "production" && value.WEFT_AUTH_SECRET === undefined) {
      ctx.addIssue({ code: "custom", path: ["WEFT_AUTH_SECRET"], message: "is required in production" });
    }
    if (value.NODE_ENV === "production" && value.WEFT_MASTER_KEY === undefined) {
      ctx.addIssue({ code: "custom", path: ["WEFT_MASTER_KEY"], message: "is required in production" });
    }
  });

export type Env = Omit<z.infer<typeof ZEnv>, "WEFT_AUTH_SECRET"> & { WEFT_AUTH_SECRET: string };

export class EnvError extends Error {
  override readonly name = "EnvError";
}

export interface ParsedEnv {
  env: Env;
  warnings: string[];
}

/** Pure: no logging, no exiting, so tests can feed it any record. */
export function parseEnv(source: Record<string, string | undefined>): ParsedEnv {
  // Treat `FOO=` (common in .env files) as unset so the default applies.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  const result = ZEnv.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.length > 0 ? issue.path.join(".") : "(environment)";
      return `  ${name}: ${issue.message}`;
    });
    throw new EnvError(`invalid gateway environment:\n${lines.join("\n")}`);
  }
  const warnings: string[] = [];
  const { WEFT_AUTH_SECRET, ...rest } = result.data;
  if (WEFT_AUTH_SECRET === undefined) {
    warnings.push("WEFT_AUTH_SECRET is not set; using the development default (never do this in production)");
  }
  return { env: { ...rest, WEFT_AUTH_SECRET: WEFT_AUTH_SECRET ?? DEV_AUTH_SECRET }, warnings };
}

/** Boot-time entry: prints what is wrong and exits instead of starting half-configured. */
export function loadEnvOrExit(source: Record<string, string | undefined> = process.env): Env {
  try {
    const { env, warnings } = parseEnv(source);
    for (const warning of warnings) console.warn(`warning: ${warning}`);
    return env;
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

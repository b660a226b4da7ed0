import type { Db } from "@weft/db";
import type { SafeHttpClient } from "./http/safe-fetch.ts";

/** Decrypts a workspace secret by name; undefined when the workspace has no such secret. */
export type SecretSource = (workspaceId: string, name: string) => Promise<string | undefined>;

/** What activity implementations need from the process that hosts them. */
export interface ActivityDeps {
  /** Identifies the worker in probe answers and logs. */
  workerId: string;
  /** Prisma on the RLS-bound app role; every query runs inside `withWorkspace`. */
  prisma: Db;
  /** SSRF-safe client every node that calls out uses. */
  http: SafeHttpClient;
  secrets: SecretSource;
  /** Where connectors call by default; overridable so tests (and proxies) can stand in. */
  endpoints?: {
    /** Default https://www.reddit.com. */
    reddit?: string;
    /** Default https://api.twilio.com (sms.send's own baseUrl wins). */
    twilio?: string;
  };
  llm?: {
    /**
     * Length of the rate limiter's window; requestsPerMinute/tokensPerMinute are allowed per
     * window. 60 000 in production; tests compress the minute.
     */
    rateLimitWindowMs?: number;
  };
}

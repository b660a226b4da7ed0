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
}

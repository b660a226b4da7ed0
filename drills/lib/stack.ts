import { randomBytes, randomUUID } from "node:crypto";
import { generateMasterKeyEntry } from "@weft/db/secrets";
import { loadEnv } from "../../apps/temporal-worker/src/env.ts";
import { startWorker, type RunningWorker } from "../../apps/temporal-worker/src/worker.ts";
import type { GatewayProcessEnv, WorkerProcessEnv } from "./processes.ts";

/**
 * The settings one drill's gateway and workers share: their own database (app-role URL), their own
 * task queue (no other suite's worker picks their runs up), one master key and one signing secret.
 */
export interface DrillStack {
  appUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  masterKey: string;
  authSecret: string;
}

export function drillStack(opts: {
  appUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
}): DrillStack {
  return {
    ...opts,
    taskQueue: `weft-drill-${randomUUID()}`,
    masterKey: generateMasterKeyEntry(1),
    authSecret: randomBytes(32).toString("hex"),
  };
}

export function workerEnv(s: DrillStack, extra: Record<string, string | number> = {}): WorkerProcessEnv {
  return {
    TEMPORAL_ADDRESS: s.temporalAddress,
    TEMPORAL_NAMESPACE: s.temporalNamespace,
    APP_DATABASE_URL: s.appUrl,
    TEMPORAL_TASK_QUEUE: s.taskQueue,
    WEFT_MASTER_KEY: s.masterKey,
    WEFT_HTTP_ALLOWLIST: "127.0.0.1",
    NODE_ENV: "test",
    ...extra,
  };
}

export function gatewayEnv(s: DrillStack): GatewayProcessEnv {
  return {
    APP_DATABASE_URL: s.appUrl,
    TEMPORAL_ADDRESS: s.temporalAddress,
    TEMPORAL_NAMESPACE: s.temporalNamespace,
    TEMPORAL_TASK_QUEUE: s.taskQueue,
    WEFT_AUTH_SECRET: s.authSecret,
    WEFT_MASTER_KEY: s.masterKey,
  };
}

/** A worker inside this process (when the drill is not about the worker). */
export function inProcessWorker(s: DrillStack): Promise<RunningWorker> {
  const env = workerEnv(s);
  return startWorker(loadEnv(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]))));
}

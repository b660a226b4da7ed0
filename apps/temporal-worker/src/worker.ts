import os from "node:os";
import { fileURLToPath } from "node:url";
import {
  NativeConnection,
  Worker,
  bundleWorkflowCode,
  type WorkflowBundleWithSourceMap,
} from "@temporalio/worker";
import { AddressPolicy, SafeHttpClient, createActivities, type SecretSource } from "@weft/activities";
import { createPrisma, withWorkspace, type Db } from "@weft/db";
import { decryptSecret, loadKeyring } from "@weft/db/secrets";
import type { WorkerEnv } from "./env.ts";

const workflowsPath = fileURLToPath(new URL("./workflows/index.ts", import.meta.url));

let bundle: Promise<WorkflowBundleWithSourceMap> | null = null;
/** Bundling takes ~2 s; tests that start several workers share one bundle. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
  return bundle;
}

const quietBundlerLogger = {
  trace() {},
  debug() {},
  info() {},
  warn(message: string, meta?: unknown) {
    console.warn(message, meta ?? "");
  },
  error(message: string, meta?: unknown) {
    console.error(message, meta ?? "");
  },
  log() {},
};

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has stopped polling and drained. */
  run: Promise<void>;
  shutdown(): Promise<void>;
}

/** Secrets are decrypted only here, inside activities, and only when a node references them. */
function secretSource(prisma: Db, env: WorkerEnv): SecretSource {
  const keyring = loadKeyring(env);
  return async (workspaceId, name) => {
    const row = await withWorkspace(prisma, workspaceId, (tx) =>
      tx.secret.findUnique({ where: { workspaceId_name: { workspaceId, name } } }),
    );
    return row ? decryptSecret(row, keyring) : undefined;
  };
}

/** Says once per outage (at most every 10 s) that work is waiting for PostgreSQL, and why. */
function waitingForDatabase(retryMs: number): (error: Error) => void {
  let saidAt = 0;
  return (error) => {
    if (Date.now() - saidAt < 10_000) return;
    saidAt = Date.now();
    const reason = (error as { code?: string }).code ?? error.message;
    console.warn(`PostgreSQL is unreachable (${reason}); database work waits up to ${retryMs} ms for it`);
  };
}

export async function startWorker(env: WorkerEnv): Promise<RunningWorker> {
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const workerId = env.WORKER_ID ?? `${os.hostname()}:${process.pid}`;
  // A burst of activities (a 100-way fan-out) waits for pooled connections instead of failing
  // after Prisma's default 2 s (measured with bench/overhead.ts).
  const prisma = createPrisma(env.APP_DATABASE_URL, {
    poolMax: env.WORKER_DB_POOL_SIZE,
    transactionMaxWaitMs: 60_000,
    transactionTimeoutMs: 30_000,
    // A database restart or failover is waited out (drills/postgres-restart.ts) instead of failing
    // activities, which would use up the retries of whatever nodes were running; a node attempt
    // heartbeats throughout (executeNode), so Temporal does not take the wait for a dead worker.
    connectRetryMs: env.WORKER_DB_CONNECT_RETRY_MS,
    onConnectRetry: waitingForDatabase(env.WORKER_DB_CONNECT_RETRY_MS),
  });
  const http = new SafeHttpClient(AddressPolicy.fromSetting(env.WEFT_HTTP_ALLOWLIST));
  const worker = await Worker.create({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities: createActivities({
      workerId,
      prisma,
      http,
      secrets: secretSource(prisma, env),
      endpoints: {
        ...(env.WEFT_REDDIT_BASE_URL ? { reddit: env.WEFT_REDDIT_BASE_URL } : {}),
        ...(env.WEFT_TWILIO_BASE_URL ? { twilio: env.WEFT_TWILIO_BASE_URL } : {}),
      },
      llm: { rateLimitWindowMs: env.WEFT_LLM_RATE_WINDOW_MS },
    }),
    identity: workerId,
    maxConcurrentActivityTaskExecutions: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
  });
  const run = worker.run().finally(async () => {
    await connection.close();
    await http.close();
    await prisma.$disconnect();
  });
  return {
    worker,
    run,
    async shutdown() {
      if (worker.getState() === "RUNNING") worker.shutdown();
      await run;
    },
  };
}

import os from "node:os";
import { fileURLToPath } from "node:url";
import {
  NativeConnection,
  Worker,
  bundleWorkflowCode,
  type WorkflowBundleWithSourceMap,
} from "@temporalio/worker";
import { createActivities } from "@weft/activities";
import { AGENT_TASK_QUEUE } from "@weft/schema";
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

export async function startWorker(env: WorkerEnv): Promise<RunningWorker> {
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const workerId = env.WORKER_ID ?? `${os.hostname()}:${process.pid}`;
  const worker = await Worker.create({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: AGENT_TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities: createActivities({ workerId }),
    identity: workerId,
    maxConcurrentActivityTaskExecutions: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
  });
  const run = worker.run().finally(() => connection.close());
  return {
    worker,
    run,
    async shutdown() {
      if (worker.getState() === "RUNNING") worker.shutdown();
      await run;
    },
  };
}

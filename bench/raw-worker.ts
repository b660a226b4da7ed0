// The raw-Temporal baseline's worker as a process of its own, like the Weft worker it is compared
// with (apps/temporal-worker/src/main.ts): same server, same concurrency limits (passed in by
// bench/lib/context.ts), same log filter. Prints one line once it polls.
import path from "node:path";
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString } from "@temporalio/worker";
import { rawActivities } from "./raw-activities.ts";

const need = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`raw worker: ${name} is required`);
  return value;
};

Runtime.install({
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: "WARN" }), forward: {} } },
});
const taskQueue = need("RAW_TASK_QUEUE");
const connection = await NativeConnection.connect({ address: need("TEMPORAL_ADDRESS") });
const worker = await Worker.create({
  connection,
  namespace: process.env.TEMPORAL_NAMESPACE ?? "default",
  taskQueue,
  workflowsPath: path.join(import.meta.dirname, "raw-workflows.ts"),
  activities: rawActivities,
  maxConcurrentActivityTaskExecutions: Number(need("WORKER_MAX_CONCURRENT_ACTIVITIES")),
  maxConcurrentWorkflowTaskExecutions: Number(need("WORKER_MAX_CONCURRENT_WORKFLOW_TASKS")),
});
console.log(`raw worker polling task queue "${taskQueue}"`);
// Temporal's Runtime shuts the worker down gracefully on SIGINT/SIGTERM.
await worker.run();
await connection.close();

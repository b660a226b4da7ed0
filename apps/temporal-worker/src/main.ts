import { Runtime, makeTelemetryFilterString } from "@temporalio/worker";
import { loadEnv } from "./env.ts";
import { startWorker } from "./worker.ts";

let env;
try {
  env = loadEnv();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}

Runtime.install({
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: "WARN" }), forward: {} } },
});

try {
  const running = await startWorker(env);
  console.log(
    `worker polling task queue "${env.TEMPORAL_TASK_QUEUE}" on ${env.TEMPORAL_ADDRESS} (namespace ${env.TEMPORAL_NAMESPACE})`,
  );
  // Temporal's Runtime already shuts workers down gracefully on SIGINT/SIGTERM.
  await running.run;
} catch (err) {
  console.error(`worker failed: ${(err as Error).message}`);
  process.exit(1);
}

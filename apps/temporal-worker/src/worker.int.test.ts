import { Client, Connection } from "@temporalio/client";
import { createTestDatabase } from "@weft/db/testing";
import { WORKFLOW_TYPES } from "@weft/schema";
import { afterAll, beforeAll, expect, test } from "vitest";
import { loadEnv } from "./env.ts";
import { startWorker, type RunningWorker } from "./worker.ts";

const address = process.env.TEMPORAL_ADDRESS!;
let worker: RunningWorker;
let client: Client;

let dropDb: () => Promise<void>;
const queue = `weft-test-ping-${process.pid}`;

beforeAll(async () => {
  const db = await createTestDatabase(process.env.WEFT_TEST_DATABASE_URL!);
  dropDb = db.drop;
  worker = await startWorker(
    loadEnv({
      TEMPORAL_ADDRESS: address,
      APP_DATABASE_URL: db.appUrl,
      WORKER_ID: "int-test-worker",
      TEMPORAL_TASK_QUEUE: queue,
    }),
  );
  client = new Client({ connection: await Connection.connect({ address }) });
});

afterAll(async () => {
  await worker?.shutdown();
  await client?.connection.close();
  await dropDb?.();
});

test("the worker polls its task queue: a workflow started through the client completes", async () => {
  const result = await client.workflow.execute(WORKFLOW_TYPES.ping, {
    taskQueue: queue,
    workflowId: `ping-${Date.now()}`,
    args: ["hello"],
    workflowExecutionTimeout: "30 seconds",
  });
  expect(result).toEqual({ echo: "hello", workerId: "int-test-worker" });
});

test("a bad environment names the variable", () => {
  expect(() =>
    loadEnv({ APP_DATABASE_URL: "postgres://x@localhost/x", WORKER_MAX_CONCURRENT_ACTIVITIES: "-3" }),
  ).toThrow(/WORKER_MAX_CONCURRENT_ACTIVITIES/);
});

// npm run bench: Weft against raw Temporal on the same server, worker settings and machine.
// Prints a table; never part of npm test. Usage: npx tsx bench/overhead.ts [iterations]
import os from "node:os";
import path from "node:path";
import { Client, Connection } from "@temporalio/client";
import { NativeConnection, Worker } from "@temporalio/worker";
import { loadStackEnv } from "@weft/devstack/env";
import { startInfra } from "@weft/devstack/stack";
import { runWorkflowId } from "@weft/schema";

const root = path.resolve(import.meta.dirname, "..");
const iterations = Number(process.argv[2] ?? 5);
const infra = await startInfra({ env: loadStackEnv(root), ephemeral: true, log: () => {} });
process.env.WEFT_TEST_DATABASE_URL = infra.adminUrl;
process.env.TEMPORAL_ADDRESS = infra.temporalAddress;
const { createHarness } = await import("../apps/temporal-worker/src/testing/harness.ts");
const h = await createHarness();

const rawQueue = "bench-raw";
const rawConnection = await NativeConnection.connect({ address: infra.temporalAddress });
const rawWorker = await Worker.create({
  connection: rawConnection,
  taskQueue: rawQueue,
  workflowsPath: path.join(import.meta.dirname, "raw-workflows.ts"),
  activities: { noop: async (i: number) => i },
  maxConcurrentActivityTaskExecutions: h.workerEnv.WORKER_MAX_CONCURRENT_ACTIVITIES,
  maxConcurrentWorkflowTaskExecutions: h.workerEnv.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
});
const rawRun = rawWorker.run();
const client = new Client({ connection: await Connection.connect({ address: infra.temporalAddress }) });

const chain = (n: number) => ({
  version: 1,
  inputs: {},
  nodes: Array.from({ length: n }, (_, i) => ({
    id: `n${i}`,
    type: "transform",
    config: { expression: `${i}` },
  })),
  edges: Array.from({ length: n - 1 }, (_, i) => ({ from: `n${i}`, to: `n${i + 1}` })),
});
const fanOut = (n: number) => ({
  version: 1,
  inputs: {},
  nodes: [
    ...Array.from({ length: n }, (_, i) => ({
      id: `b${i}`,
      type: "transform",
      config: { expression: `${i}` },
    })),
    { id: "join", type: "transform", config: { expression: "1" } },
  ],
  edges: Array.from({ length: n }, (_, i) => ({ from: `b${i}`, to: "join" })),
});

async function timeWeft(graph: unknown): Promise<number> {
  const agent = await h.createAgent(graph);
  const t0 = performance.now();
  const runId = await h.startRun(agent);
  await client.workflow.getHandle(runWorkflowId(runId)).result();
  return performance.now() - t0;
}

async function timeRaw(type: string, n: number): Promise<number> {
  const t0 = performance.now();
  await client.workflow.execute(type, {
    taskQueue: rawQueue,
    workflowId: `raw-${type}-${Math.random()}`,
    args: [n],
  });
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const rows: Array<[string, number, number]> = [];
for (const [label, graph, rawType, n] of [
  ["40-node chain", chain(40), "rawChain", 40],
  ["fan-out 1→100→join", fanOut(100), "rawFanOut", 100],
] as const) {
  // One warm-up each, then the measured iterations, interleaved so drift hits both alike.
  await timeWeft(graph);
  await timeRaw(rawType, n);
  const weft: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < iterations; i++) {
    weft.push(await timeWeft(graph));
    raw.push(await timeRaw(rawType, n));
  }
  rows.push([label, median(weft), median(raw)]);
}

console.log(
  `\nWeft vs raw Temporal — ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
);
console.log(`same dev server (in-memory), same worker limits, ${iterations} iterations, medians\n`);
console.log("scenario                 weft ms    raw ms    ratio   per-node overhead");
for (const [label, weft, raw] of rows) {
  const n = label.startsWith("40") ? 40 : 101;
  console.log(
    `${label.padEnd(24)} ${weft.toFixed(0).padStart(7)} ${raw.toFixed(0).padStart(9)} ${(weft / raw).toFixed(2).padStart(7)}x ${((weft - raw) / n).toFixed(1).padStart(10)} ms`,
  );
}

rawWorker.shutdown();
await rawRun;
await h.close();
await client.connection.close();
await infra.stop();

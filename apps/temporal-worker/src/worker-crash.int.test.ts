import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createHarness, type Harness } from "./testing/harness.ts";
import { Sink } from "./testing/sink.ts";

const root = path.resolve(import.meta.dirname, "../../..");
let h: Harness;
let sink: Sink;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  [h, sink] = await Promise.all([createHarness({ worker: false }), new Sink().start()]);
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill("SIGKILL");
  await h?.close();
  await sink?.stop();
});

/** A real worker process (the thing that crashes in production), ready once it polls. */
async function startWorkerProcess(name: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(root, "apps/temporal-worker/src/main.ts")],
    {
      cwd: root,
      env: {
        ...process.env,
        ...Object.fromEntries(Object.entries(h.workerEnv).map(([k, v]) => [k, String(v)])),
        WORKER_ID: name,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  workers.push(child);
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("worker polling task queue")) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`worker ${name} exited with ${code}:\n${output}`)));
  });
  return child;
}

test("kill -9 the worker twice during 3 concurrent runs: every run completes, every side effect applied once", async () => {
  const RUNS = 3;
  const STEPS = 4;
  const nodes = Array.from({ length: STEPS }, (_, i) => ({
    id: `step${i + 1}`,
    type: "http.request",
    // Slow side effects, so the kills land while requests are in flight.
    config: { url: sink.url("/effect?ms=800"), method: "POST", body: { step: i + 1 } },
    retry: { maxAttempts: 2, initialIntervalMs: 200, backoff: 1 },
    timeoutMs: 20_000,
  }));
  const edges = nodes.slice(1).map((n, i) => ({ from: nodes[i]!.id, to: n.id }));
  const agent = await h.createAgent({ version: 1, inputs: {}, nodes, edges });

  let worker = await startWorkerProcess("crash-1");
  const runIds = await Promise.all(Array.from({ length: RUNS }, () => h.startRun(agent)));

  for (const next of ["crash-2", "crash-3"]) {
    // Wait until side effects are being delivered, then kill without any chance to clean up.
    const before = sink.count("/effect");
    for (let i = 0; i < 100 && sink.count("/effect") <= before; i++)
      await new Promise((r) => setTimeout(r, 50));
    worker.kill("SIGKILL");
    await new Promise((r) => worker.once("exit", r));
    worker = await startWorkerProcess(next);
  }

  const finished = await Promise.all(runIds.map((id) => h.finish(id)));
  for (const { run, nodes: recorded } of finished) {
    expect(run.status, run.error ?? "").toBe("SUCCEEDED");
    expect(Object.values(recorded).map((n) => n.status)).toEqual(Array(STEPS).fill("SUCCEEDED"));
    // A lost attempt is not one of the node's own retries.
    for (const n of Object.values(recorded)) expect(n.failedAttempts).toBe(0);
  }
  const expectedKeys = runIds.flatMap((runId) => nodes.map((n) => `${runId}:${n.id}`)).sort();
  expect([...sink.effects.keys()].sort()).toEqual(expectedKeys);
  const deliveries = [...sink.effects.values()].reduce((a, b) => a + b, 0);
  console.log(
    `${RUNS} runs × ${STEPS} side effects, 2 worker kills: ${expectedKeys.length} effects applied once each, ${deliveries} deliveries (${deliveries - expectedKeys.length} duplicates dropped by idempotency key)`,
  );
}, 180_000);

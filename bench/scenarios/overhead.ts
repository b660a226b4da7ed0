// Scenarios 1 and 2: end-to-end time of a 40-node chain and of a 1 → 100 → join fan-out of no-op
// nodes, against raw Temporal workflows running the same number of no-op activities. Both workers
// run inside this process (Weft's through the worker test harness), on the same server, with the
// same concurrency limits; iterations are interleaved so that drift hits both alike.
import path from "node:path";
import { NativeConnection, Worker } from "@temporalio/worker";
import { runWorkflowId } from "@weft/schema";
import type { BenchContext } from "../lib/context.ts";
import type { Scenario } from "../lib/report.ts";
import { median, sum } from "../lib/stats.ts";
import { rawActivities } from "../raw-activities.ts";
import { transformChain } from "../lib/seed.ts";
import { cpuBound, cpuText, withCpu, type CpuClass } from "../lib/cpu.ts";

type Harness = Awaited<
  ReturnType<typeof import("../../apps/temporal-worker/src/testing/harness.ts").createHarness>
>;

/** Weft's worker harness and a raw worker, both in this process, shared by scenarios 1, 2 and 8. */
export function inProcessWorkers(ctx: BenchContext) {
  return ctx.shared("in-process-workers", async () => {
    process.env.WEFT_TEST_DATABASE_URL = ctx.infra.adminUrl;
    process.env.TEMPORAL_ADDRESS = ctx.infra.temporalAddress;
    const { createHarness } = await import("../../apps/temporal-worker/src/testing/harness.ts");
    const harness: Harness = await createHarness();
    ctx.onClose(() => harness.close());
    const rawQueue = "bench-raw-in-process";
    const connection = await NativeConnection.connect({ address: ctx.infra.temporalAddress });
    const worker = await Worker.create({
      connection,
      taskQueue: rawQueue,
      workflowsPath: path.join(import.meta.dirname, "../raw-workflows.ts"),
      activities: rawActivities,
      maxConcurrentActivityTaskExecutions: harness.workerEnv.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTaskExecutions: harness.workerEnv.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    });
    const running = worker.run();
    ctx.onClose(async () => {
      worker.shutdown();
      await running;
      await connection.close();
    });
    return { harness, rawQueue };
  });
}

export const fanOut = (n: number) => ({
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

async function compare(
  ctx: BenchContext,
  graph: unknown,
  rawType: string,
  rawArg: number,
  /** A second raw workflow, timed interleaved with the others (a diagnostic baseline). */
  rawAlso?: string,
): Promise<{
  weft: number;
  raw: number;
  weftAll: number[];
  rawAll: number[];
  also: number[];
  cpu: string[];
  /** The all-processes CPU line of `cpu` (cpuBound), on its own for a diagnostic's single note. */
  cpuBound: string;
}> {
  const { harness, rawQueue } = await inProcessWorkers(ctx);
  const client = await ctx.temporal();
  const agent = await harness.createAgent(graph);
  // Each run's outcome is checked after the measured runs, so the check's reads (Prisma, in this
  // process) are not in a run's CPU.
  const ran: string[] = [];
  const timeWeft = async () => {
    const t0 = performance.now();
    const runId = await harness.startRun(agent);
    await client.workflow.getHandle(runWorkflowId(runId)).result();
    ran.push(runId);
    return performance.now() - t0;
  };
  const checkWeft = async () => {
    const ids = ran.splice(0);
    const runs = await harness.admin.run.findMany({
      where: { id: { in: ids } },
      select: { id: true, status: true, error: true },
    });
    if (runs.length !== ids.length) throw new Error(`${ids.length - runs.length} weft runs have no row`);
    for (const run of runs)
      if (run.status !== "SUCCEEDED") throw new Error(`weft run ${run.id} ended ${run.status}: ${run.error}`);
  };
  const timeRaw = async (type = rawType) => {
    const t0 = performance.now();
    await client.workflow.execute(type, {
      taskQueue: rawQueue,
      workflowId: `raw-${type}-${crypto.randomUUID()}`,
      args: [rawArg],
    });
    return performance.now() - t0;
  };
  // One warm-up each, then the measured iterations, interleaved.
  await timeWeft();
  await checkWeft();
  await timeRaw();
  if (rawAlso) await timeRaw(rawAlso);
  const weftAll: number[] = [];
  const rawAll: number[] = [];
  const also: number[] = [];
  // CPU per run by process class ("bench" holds both workers, which run in this process).
  const cpu = { weft: new Map<CpuClass, number>(), raw: new Map<CpuClass, number>() };
  const alsoCpu = new Map<CpuClass, number>();
  for (let i = 0; i < ctx.options.iterations; i++) {
    weftAll.push(await withCpu(cpu.weft, timeWeft));
    rawAll.push(await withCpu(cpu.raw, () => timeRaw()));
    if (rawAlso) also.push(await withCpu(alsoCpu, () => timeRaw(rawAlso)));
  }
  await checkWeft();
  const n = ctx.options.iterations;
  const bound = cpuBound(cpu, { weft: sum(weftAll) / 1000, raw: sum(rawAll) / 1000 }, n, "run");
  return {
    weft: median(weftAll),
    raw: median(rawAll),
    weftAll,
    rawAll,
    also,
    cpu: [
      `CPU per run, weft: ${cpuText(cpu.weft, n, "ms")} (both workers run in "bench")`,
      `CPU per run, raw: ${cpuText(cpu.raw, n, "ms")}`,
      ...(rawAlso ? [`CPU per run, ${rawAlso}: ${cpuText(alsoCpu, n, "ms")}`] : []),
      bound,
    ],
    cpuBound: bound,
  };
}

const round = (xs: number[]) => xs.map((x) => Math.round(x)).join(", ");

export const chainScenario: Scenario<BenchContext> = {
  id: 1,
  title: "per-node overhead: 40-node chain of no-op nodes",
  async run(ctx) {
    const n = 40;
    const r = await compare(ctx, transformChain(n), "rawChain", n);
    return {
      baseline: "raw Temporal TypeScript workflow running 40 no-op activities one after another",
      method:
        "agent + version written to the database, run started as the gateway does (QUEUED row, then workflow start); both workers in the bench process",
      rows: [
        {
          metric: `run time (median of ${ctx.options.iterations})`,
          unit: "ms",
          weft: r.weft,
          baseline: r.raw,
          target: { on: "ratio", op: "<=", value: 1.15 },
        },
        { metric: "overhead per node", unit: "ms", weft: (r.weft - r.raw) / n, baseline: null },
      ],
      notes: [`weft runs: ${round(r.weftAll)} ms; raw runs: ${round(r.rawAll)} ms`, ...r.cpu],
    };
  },
};

export const fanOutScenario: Scenario<BenchContext> = {
  id: 2,
  title: "fan-out 1 → 100 → join",
  async run(ctx) {
    const n = 100;
    const r = await compare(ctx, fanOut(n), "rawFanOut", n, "rawFanOutAsWeft");
    // The same shape ten nodes wide: the two cores are not saturated, so it shows what a fan-out
    // costs Weft when its extra CPU has cores to run on (a diagnostic, no target).
    const narrow = await compare(ctx, fanOut(10), "rawFanOut", 10);
    return {
      baseline: "raw Temporal workflow: Promise.all of 100 no-op activities, then one more",
      method: "as scenario 1: 100 parallel no-op transform nodes joined by one",
      rows: [
        {
          metric: `run time (median of ${ctx.options.iterations})`,
          unit: "ms",
          weft: r.weft,
          baseline: r.raw,
          target: { on: "ratio", op: "<=", value: 1.1 },
        },
        { metric: "overhead per node", unit: "ms", weft: (r.weft - r.raw) / (n + 1), baseline: null },
        {
          // What Temporal itself charges for the activity options Weft chooses (heartbeat timeout,
          // retry policy, node-sized payloads), apart from anything Weft's own code does.
          metric: "vs raw with Weft's activity options",
          unit: "ms",
          weft: r.weft,
          baseline: median(r.also),
        },
        { metric: "1 → 10 → join, run time", unit: "ms", weft: narrow.weft, baseline: narrow.raw },
      ],
      notes: [
        `weft runs: ${round(r.weftAll)} ms; raw runs: ${round(r.rawAll)} ms; raw with Weft's activity options: ${round(r.also)} ms`,
        ...r.cpu,
        `1 → 10 → join: weft runs ${round(narrow.weftAll)} ms; raw runs ${round(narrow.rawAll)} ms`,
        `1 → 10 → join: ${narrow.cpuBound}`,
      ],
    };
  },
};

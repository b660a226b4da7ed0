// Scenario 8: the workflow side alone. One run of each shape of scenarios 1–2 is recorded (Weft's
// 40-node chain and 1 → 100 → join, the raw chain and Promise.all), then each history is replayed
// over and over in one replay worker (Worker.runReplayHistories) while this process's CPU is read:
// workflow code, the SDK's promise hook and Core's state machines, with no server, database or
// activity in it. On a shared box it is the least noisy figure for what the interpreter itself costs
// per node, and it moves with nothing but workflow code.
import path from "node:path";
import type { WorkflowHandle } from "@temporalio/client";
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from "@temporalio/worker";
import { runWorkflowId } from "@weft/schema";
import { workflowBundle } from "../../apps/temporal-worker/src/worker.ts";
import type { BenchContext } from "../lib/context.ts";
import type { Scenario } from "../lib/report.ts";
import { transformChain } from "../lib/seed.ts";
import { median } from "../lib/stats.ts";
import { fanOut, inProcessWorkers } from "./overhead.ts";

type History = Awaited<ReturnType<WorkflowHandle["fetchHistory"]>>;

/** Replays per measurement; the first pays for the replay worker's start and is not counted. */
const REPLAYS = 11;

/** CPU of this process per replayed run, over all but the first of REPLAYS replays. */
async function replayCpuMs(bundle: WorkflowBundleWithSourceMap, history: History, tag: string) {
  async function* copies() {
    for (let i = 0; i < REPLAYS; i++) yield { workflowId: `${tag}-${i}`, history };
  }
  let first: NodeJS.CpuUsage | null = null;
  let done = 0;
  for await (const r of Worker.runReplayHistories({ workflowBundle: bundle, replayName: tag }, copies())) {
    if (r.error) throw r.error;
    done++;
    if (done === 1) first = process.cpuUsage();
    if (done === REPLAYS) {
      const d = process.cpuUsage(first!);
      return (d.user + d.system) / 1000 / (REPLAYS - 1);
    }
  }
  throw new Error(`${tag}: ${done} of ${REPLAYS} replays answered`);
}

export const workflowCpuScenario: Scenario<BenchContext> = {
  id: 8,
  title: "workflow CPU per run, replayed (no server, database or activities)",
  async run(ctx) {
    const { harness, rawQueue } = await inProcessWorkers(ctx);
    const client = await ctx.temporal();
    const weftHistory = async (graph: unknown) => {
      const runId = await harness.startRun(await harness.createAgent(graph));
      const handle = client.workflow.getHandle(runWorkflowId(runId));
      await handle.result();
      return handle.fetchHistory();
    };
    const rawHistory = async (type: string, n: number) => {
      const handle = await client.workflow.start(type, {
        taskQueue: rawQueue,
        workflowId: `raw-replay-${type}-${crypto.randomUUID()}`,
        args: [n],
      });
      await handle.result();
      return handle.fetchHistory();
    };
    const shapes = [
      {
        name: "40-node chain",
        nodes: 40,
        weft: await weftHistory(transformChain(40)),
        raw: await rawHistory("rawChain", 40),
      },
      {
        name: "fan-out 1 → 100 → join",
        nodes: 101,
        weft: await weftHistory(fanOut(100)),
        raw: await rawHistory("rawFanOut", 100),
      },
    ];
    const weftBundle = await workflowBundle();
    const rawBundle = await bundleWorkflowCode({
      workflowsPath: path.join(import.meta.dirname, "../raw-workflows.ts"),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
    });
    const rows = [];
    const notes = [];
    for (const shape of shapes) {
      const weft: number[] = [];
      const raw: number[] = [];
      for (let i = 0; i < ctx.options.iterations; i++) {
        weft.push(await replayCpuMs(weftBundle, shape.weft, `weft-${i}`));
        raw.push(await replayCpuMs(rawBundle, shape.raw, `raw-${i}`));
      }
      rows.push({
        metric: `${shape.name}, CPU per run (median of ${ctx.options.iterations})`,
        unit: "ms",
        weft: median(weft),
        baseline: median(raw),
      });
      rows.push({
        metric: `${shape.name}, extra CPU per node`,
        unit: "ms",
        weft: (median(weft) - median(raw)) / shape.nodes,
        baseline: null,
      });
      notes.push(
        `${shape.name}: ${shape.weft.events?.length} / ${shape.raw.events?.length} history events; weft ${weft.map((x) => x.toFixed(1)).join(", ")} ms; raw ${raw.map((x) => x.toFixed(1)).join(", ")} ms`,
      );
    }
    return {
      baseline:
        "the raw workflows of scenarios 1–2 (rawChain, rawFanOut), recorded and replayed the same way",
      method: `one run of each recorded through scenarios 1–2's workers, then replayed ${REPLAYS} times per measurement in one replay worker; this process's CPU over the last ${REPLAYS - 1}`,
      rows,
      notes,
    };
  },
};

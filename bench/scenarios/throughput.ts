// Scenario 3: throughput at 200 concurrent runs of a 3-node agent (transform → transform →
// transform), started through the gateway process's `startRun` mutation over HTTP (the real path:
// auth, RLS transaction, QUEUED row + event + audit, workflow start), executed by the worker
// process. Baseline: 200 raw Temporal workflows of 3 no-op activities started with the Temporal
// client, executed by a raw worker process with the same limits. Both: all 200 fired at once;
// throughput = runs finished ÷ (first request → last run finished); start calls that fail are
// counted and reported, not retried.
import { runWorkflowId } from "@weft/schema";
import type { BenchContext } from "../lib/context.ts";
import { gql } from "../lib/graphql.ts";
import type { Scenario } from "../lib/report.ts";
import { seedAgent, seedTenant, transformChain, type SeededAgent, type Tenant } from "../lib/seed.ts";
import { median, sum, wallNow } from "../lib/stats.ts";
import { cpuBound, cpuText, withCpu, type CpuClass } from "../lib/cpu.ts";

const RUNS = 200;
/** startRun is rate-limited per workspace (burst 60): the 200 runs come from 4 tenants of 50. */
const PER_WORKSPACE = 50;
const START = `mutation($agentId: ID!) { startRun(agentId: $agentId) { id status } }`;

interface Round {
  seconds: number;
  ackSeconds: number;
  /** Runs that finished (start calls that failed do not count). */
  finished: number;
  failedStarts: number;
  firstError?: string;
}

export const throughputScenario: Scenario<BenchContext> = {
  id: 3,
  title: `throughput: ${RUNS} concurrent runs of a 3-node agent`,
  async run(ctx) {
    const stack = await ctx.appStack();
    const rawQueue = await ctx.rawWorker();
    const client = await ctx.temporal();
    const rounds = ctx.options.iterations >= 3 ? 2 : 1;

    const tenants = async (runs: number) => {
      const out: Array<{ tenant: Tenant; agent: SeededAgent; runs: number }> = [];
      for (let left = runs; left > 0; left -= PER_WORKSPACE) {
        const tenant = await seedTenant(stack.admin, stack.authSecret, "throughput");
        out.push({
          tenant,
          agent: await seedAgent(stack.admin, tenant, transformChain(3)),
          runs: Math.min(left, PER_WORKSPACE),
        });
      }
      return out;
    };

    const weftRound = async (runs: number): Promise<Round> => {
      const plan = await tenants(runs);
      const t0 = wallNow();
      const starts = await Promise.allSettled(
        plan.flatMap(({ tenant, agent, runs: n }) =>
          Array.from({ length: n }, () =>
            gql<{ startRun: { id: string } }>(
              stack.gatewayUrl,
              START,
              { agentId: agent.agentId },
              tenant.token,
            ).then((d) => d.startRun.id),
          ),
        ),
      );
      const acked = wallNow();
      const ids = starts.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
      const failed = starts.flatMap((s) => (s.status === "rejected" ? [(s.reason as Error).message] : []));
      if (failed.length) ctx.log(`  ${failed.length} of ${runs} startRun calls failed: ${failed[0]}`);
      if (ids.length < runs / 2)
        throw new Error(`${failed.length} of ${runs} startRun calls failed: ${failed[0]}`);
      await Promise.all(ids.map((id) => client.workflow.getHandle(runWorkflowId(id)).result()));
      const done = wallNow();
      const succeeded = await stack.admin.run.count({ where: { id: { in: ids }, status: "SUCCEEDED" } });
      if (succeeded !== ids.length)
        throw new Error(`only ${succeeded} of ${ids.length} started weft runs succeeded`);
      return {
        seconds: (done - t0) / 1000,
        ackSeconds: (acked - t0) / 1000,
        finished: ids.length,
        failedStarts: failed.length,
        ...(failed[0] ? { firstError: failed[0] } : {}),
      };
    };

    const rawRound = async (runs: number): Promise<Round> => {
      const t0 = wallNow();
      const handles = await Promise.all(
        Array.from({ length: runs }, () =>
          client.workflow.start("rawChain", {
            taskQueue: rawQueue,
            workflowId: `raw-tp-${crypto.randomUUID()}`,
            args: [3],
          }),
        ),
      );
      const acked = wallNow();
      const results = await Promise.all(handles.map((h) => h.result() as Promise<number>));
      const done = wallNow();
      if (results.some((r) => r !== 2)) throw new Error("a raw run returned the wrong result");
      return {
        seconds: (done - t0) / 1000,
        ackSeconds: (acked - t0) / 1000,
        finished: runs,
        failedStarts: 0,
      };
    };

    // Warm-up: both paths once at a small scale (JIT, connection pools, workflow caches).
    await weftRound(20);
    await rawRound(20);
    const weft: Round[] = [];
    const raw: Round[] = [];
    // CPU seconds per process class over the measured rounds, to say where a gap comes from.
    const cpu = { weft: new Map<CpuClass, number>(), raw: new Map<CpuClass, number>() };
    for (let i = 0; i < rounds; i++) {
      weft.push(await withCpu(cpu.weft, () => weftRound(RUNS)));
      raw.push(await withCpu(cpu.raw, () => rawRound(RUNS)));
    }
    const cpuPerRun = (m: Map<CpuClass, number>) => cpuText(m, RUNS * rounds, "ms");
    const rate = (r: Round[]) => median(r.map((x) => x.finished / x.seconds));
    const ackRate = (r: Round[]) => median(r.map((x) => x.finished / x.ackSeconds));
    const failures = (r: Round[]) => r.reduce((n, x) => n + x.failedStarts, 0);
    const firstError = weft.find((r) => r.firstError)?.firstError;
    return {
      baseline: `${RUNS} raw Temporal workflows of 3 no-op activities (client.workflow.start), raw worker process`,
      method: `gateway process, startRun over HTTP (4 workspaces × ${PER_WORKSPACE}: the per-workspace mutation rate limit allows a burst of 60), worker process`,
      rows: [
        {
          metric: `runs finished per second (median of ${rounds})`,
          unit: "runs/s",
          weft: rate(weft),
          baseline: rate(raw),
          target: { on: "ratio", op: ">=", value: 0.9 },
        },
        {
          metric: "runs accepted per second (start calls)",
          unit: "runs/s",
          weft: ackRate(weft),
          baseline: ackRate(raw),
        },
        {
          metric: `start calls that failed (of ${RUNS * rounds})`,
          unit: "",
          weft: failures(weft),
          baseline: failures(raw),
          target: { on: "weft", op: "<=", value: 0 },
        },
      ],
      notes: [
        ...(firstError ? [`first failed startRun: ${firstError}`] : []),
        `weft rounds: ${weft.map((r) => `${r.seconds.toFixed(1)} s (all acked after ${r.ackSeconds.toFixed(1)} s)`).join("; ")}`,
        `raw rounds: ${raw.map((r) => `${r.seconds.toFixed(1)} s (all acked after ${r.ackSeconds.toFixed(1)} s)`).join("; ")}`,
        `CPU per run, weft: ${cpuPerRun(cpu.weft)}`,
        `CPU per run, raw: ${cpuPerRun(cpu.raw)}`,
        cpuBound(
          cpu,
          { weft: sum(weft.map((r) => r.seconds)), raw: sum(raw.map((r) => r.seconds)) },
          RUNS * rounds,
          "run",
        ),
      ],
    };
  },
};

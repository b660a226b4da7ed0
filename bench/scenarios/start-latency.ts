// Scenario 4: how fast a run is acknowledged and seen running. Weft: the HTTP round trip of the
// `startRun` mutation to the gateway process, and the time from sending it until a graphql-ws
// subscriber (subscribed to `workspaceRuns` beforehand) receives the run with status RUNNING.
// Baseline: the raw `client.workflow.start` acknowledgement, and the time until the workflow's
// first activity starts (the activity stamps the wall clock). One run at a time, interleaved.
// CPU by process is read in a pass of its own: a /proc snapshot holds this process's event loop
// for 1.4–2.9 ms (80 processes), which inside a timed start would land in Weft's acknowledgement
// and not in raw's (bench/RESULTS.md, twentieth measurement).
import { runWorkflowId } from "@weft/schema";
import type { BenchContext } from "../lib/context.ts";
import { cpuText, withCpu, type CpuClass } from "../lib/cpu.ts";
import { gql, wsClient } from "../lib/graphql.ts";
import type { Scenario } from "../lib/report.ts";
import { seedAgent, seedTenant, transformChain } from "../lib/seed.ts";
import { summarize, wallNow } from "../lib/stats.ts";

const START = `mutation($agentId: ID!) { startRun(agentId: $agentId) { id status } }`;
/** Starts whose CPU is read, after the timed ones. */
const CPU_RUNS = 10;

export const startLatencyScenario: Scenario<BenchContext> = {
  id: 4,
  title: "startRun acknowledgement and first RUNNING event",
  async run(ctx) {
    const stack = await ctx.appStack();
    const rawQueue = await ctx.rawWorker();
    const client = await ctx.temporal();
    // startRun's per-workspace rate limit is a burst of 60, then 5 per second: up to 5 warm-ups,
    // n timed runs and CPU_RUNS stay within the burst.
    const n = Math.min(40, Math.max(10, ctx.options.iterations * 8));
    const tenant = await seedTenant(stack.admin, stack.authSecret, "latency");
    const agent = await seedAgent(stack.admin, tenant, transformChain(3));

    const ws = await wsClient(stack.wsUrl, tenant.token);
    const running = new Map<string, number>();
    const waiters = new Map<string, (t: number) => void>();
    const unsubscribe = ws.subscribe<{ workspaceRuns: { id: string; status: string } }>(
      {
        query: `subscription($ws: ID!) { workspaceRuns(workspaceId: $ws) { id status } }`,
        variables: { ws: tenant.workspaceId },
      },
      {
        next: ({ data }) => {
          const t = wallNow();
          const run = data?.workspaceRuns;
          if (run?.status !== "RUNNING" || running.has(run.id)) return;
          running.set(run.id, t);
          waiters.get(run.id)?.(t);
        },
        error: (e) => ctx.log(`workspaceRuns subscription failed: ${JSON.stringify(e)}`),
        complete: () => {},
      },
    );
    const runningAt = (id: string, timeoutMs: number) =>
      new Promise<number>((resolve, reject) => {
        const seen = running.get(id);
        if (seen !== undefined) return resolve(seen);
        const timer = setTimeout(
          () => reject(new Error(`run ${id} was not seen RUNNING within ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
        waiters.set(id, (t) => {
          clearTimeout(timer);
          resolve(t);
        });
      });

    const start = () =>
      gql<{ startRun: { id: string } }>(stack.gatewayUrl, START, { agentId: agent.agentId }, tenant.token);
    const finished = (runId: string) => client.workflow.getHandle(runWorkflowId(runId)).result();
    const weftOnce = async (timeoutMs = 60_000) => {
      const t0 = wallNow();
      const { startRun } = await start();
      const ack = wallNow() - t0;
      const first = (await runningAt(startRun.id, timeoutMs)) - t0;
      await finished(startRun.id);
      return { ack, first };
    };
    const rawOnce = async () => {
      const t0 = wallNow();
      const handle = await client.workflow.start("rawFirstStart", {
        taskQueue: rawQueue,
        workflowId: `raw-latency-${crypto.randomUUID()}`,
        args: [3],
      });
      const ack = wallNow() - t0;
      const firstActivityAt = (await handle.result()) as number;
      return { ack, first: firstActivityAt - t0 };
    };

    try {
      // Warm-up (not counted): the subscription's first wake-up, pools, JIT. graphql-ws does not
      // acknowledge a subscribe, and a run that turns RUNNING before the gateway's stream listens
      // is never seen on it: warm up until one is.
      for (let attempt = 1; ; attempt++) {
        try {
          await weftOnce(5_000);
          break;
        } catch (error) {
          if (attempt === 5) throw error;
        }
      }
      await rawOnce();
      const weft: Array<{ ack: number; first: number }> = [];
      const raw: Array<{ ack: number; first: number }> = [];
      for (let i = 0; i < n; i++) {
        weft.push(await weftOnce());
        raw.push(await rawOnce());
      }
      // CPU by process while a start call is in flight (weft only), summed over CPU_RUNS untimed runs.
      const ackCpu = new Map<CpuClass, number>();
      for (let i = 0; i < CPU_RUNS; i++) {
        const { startRun } = await withCpu(ackCpu, start);
        await finished(startRun.id);
      }
      const wAck = summarize(weft.map((x) => x.ack));
      const rAck = summarize(raw.map((x) => x.ack));
      const wFirst = summarize(weft.map((x) => x.first));
      const rFirst = summarize(raw.map((x) => x.first));
      return {
        baseline:
          "raw client.workflow.start acknowledgement; time until the workflow's first activity starts",
        method: `startRun mutation over HTTP to the gateway process; RUNNING seen on a workspaceRuns graphql-ws subscription; ${n} runs one after another`,
        rows: [
          { metric: "start acknowledged, p50", unit: "ms", weft: wAck.p50, baseline: rAck.p50 },
          { metric: "start acknowledged, p95", unit: "ms", weft: wAck.p95, baseline: rAck.p95 },
          {
            metric: "RUNNING seen / first activity, p50",
            unit: "ms",
            weft: wFirst.p50,
            baseline: rFirst.p50,
          },
          {
            metric: "RUNNING seen / first activity, p95",
            unit: "ms",
            weft: wFirst.p95,
            baseline: rFirst.p95,
          },
        ],
        notes: [
          `CPU per startRun while it was in flight (${CPU_RUNS} more runs, untimed): ${cpuText(ackCpu, CPU_RUNS, "ms")}`,
          `${n} runs each; max ack ${wAck.max.toFixed(0)} / ${rAck.max.toFixed(0)} ms, max first ${wFirst.max.toFixed(0)} / ${rFirst.max.toFixed(0)} ms (weft / raw)`,
        ],
      };
    } finally {
      unsubscribe();
      await ws.dispose();
    }
  },
};

// Scenario 5: event delivery to 1, 100 and 1,000 graphql-ws subscribers of one run's `runEvents`.
// A run of an approval gate followed by 10 transform nodes is started and left waiting; the
// subscribers connect (one socket each, all in this process) and catch up; then the gate is
// approved and every live event after it (node.succeeded/started of each node, run.succeeded) is
// timed from the moment its NOTIFY reached a reference LISTEN connection in this process to the
// moment each subscriber received it.
// Baseline: a bare graphql-ws server (bench/bare-server.ts, its own process like the gateway) that
// pushes each NOTIFY payload of the run to its subscribers without reading anything back: the cost
// of the transport alone. Same runs (started and approved through the gateway), same clock.
import { RUN_EVENTS_CHANNEL, type RunEventNotice } from "@weft/schema";
import type { Client } from "graphql-ws";
import pg from "pg";
import type { BenchContext } from "../lib/context.ts";
import { cpuText, withCpu, type CpuClass } from "../lib/cpu.ts";
import { gql, wsClients } from "../lib/graphql.ts";
import type { Row, Scenario } from "../lib/report.ts";
import { seedAgent, seedTenant } from "../lib/seed.ts";
import { sleep, summarize, wallNow } from "../lib/stats.ts";

const TRANSFORMS = 10;
const COUNTS = [1, 100, 1000] as const;
/** Runs per side and subscriber count: more for one subscriber, to get enough samples. */
const RUNS_FOR: Record<number, number> = { 1: 3, 100: 1, 1000: 1 };
const SUBSCRIPTION = `subscription($runId: ID!) { runEvents(runId: $runId) { seq type at } }`;

const gatedGraph = {
  version: 1,
  inputs: {},
  nodes: [
    { id: "gate", type: "approval", config: { message: "Go?" }, position: { x: 0, y: 0 } },
    ...Array.from({ length: TRANSFORMS }, (_, i) => ({
      id: `t${i}`,
      type: "transform",
      config: { expression: `${i}` },
      position: { x: (i + 1) * 260, y: 0 },
    })),
  ],
  edges: [
    { from: "gate", to: "t0" },
    ...Array.from({ length: TRANSFORMS - 1 }, (_, i) => ({ from: `t${i}`, to: `t${i + 1}` })),
  ],
};

interface Received {
  seq: number;
  type: string;
  t: number;
  wall: number;
  at: string;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 25) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(stepMs);
  }
}

export const eventDeliveryScenario: Scenario<BenchContext> = {
  id: 5,
  title: "event delivery: node completion → subscriber receipt",
  async run(ctx) {
    const stack = await ctx.appStack();
    const bare = await ctx.bareServer();
    const tenant = await seedTenant(stack.admin, stack.authSecret, "events");
    const agent = await seedAgent(stack.admin, tenant, gatedGraph);

    // Reference: when each NOTIFY reached a plain LISTEN connection in this process.
    const notified = new Map<string, number>();
    const reference = new pg.Client({ connectionString: stack.apps.db.adminUrl });
    reference.on("notification", (msg) => {
      const t = performance.now();
      if (msg.channel !== RUN_EVENTS_CHANNEL || !msg.payload) return;
      const n = JSON.parse(msg.payload) as RunEventNotice;
      notified.set(`${n.runId}:${n.seq}`, t);
    });
    await reference.connect();
    await reference.query(`LISTEN ${RUN_EVENTS_CHANNEL}`);

    const oneRun = async (side: "weft" | "bare", subscribers: number, cpu?: Map<CpuClass, number>) => {
      const { startRun } = await gql<{ startRun: { id: string } }>(
        stack.gatewayUrl,
        `mutation($a: ID!) { startRun(agentId: $a) { id } }`,
        { a: agent.agentId },
        tenant.token,
      );
      const runId = startRun.id;
      let waitingSeq = 0;
      await until(
        "the approval gate to wait",
        async () => {
          const e = await stack.admin.runEvent.findFirst({ where: { runId, type: "node.waiting" } });
          waitingSeq = e?.seq ?? 0;
          return e !== null;
        },
        60_000,
      );

      const url = side === "weft" ? stack.wsUrl : bare.wsUrl;
      const clients: Client[] = await wsClients(url, subscribers, side === "weft" ? tenant.token : undefined);
      const received: Received[][] = clients.map(() => []);
      const failures: unknown[] = [];
      clients.forEach((client, i) =>
        client.subscribe<{ runEvents: { seq: number; type: string; at: string } }>(
          { query: SUBSCRIPTION, variables: { runId } },
          {
            next: ({ data }) => {
              const t = performance.now();
              const e = data?.runEvents;
              if (e) received[i]!.push({ seq: e.seq, type: e.type, t, wall: wallNow(), at: e.at });
            },
            error: (e) => failures.push(e),
            complete: () => {},
          },
        ),
      );
      try {
        // Live? Weft's subscribers replay the stored events, so receiving node.waiting proves it;
        // the bare server replays nothing, so probe it with a NOTIFY of our own (seq −1).
        if (side === "weft") {
          await until(
            "every subscriber to catch up",
            () => received.every((r) => r.some((e) => e.seq === waitingSeq)),
            120_000,
            50,
          );
        } else {
          await until(
            "every bare subscriber to be live",
            async () => {
              if (received.every((r) => r.some((e) => e.seq === -1))) return true;
              await reference.query(`SELECT pg_notify($1, $2)`, [
                RUN_EVENTS_CHANNEL,
                JSON.stringify({ workspaceId: tenant.workspaceId, runId, seq: -1, type: "bench.probe" }),
              ]);
              return false;
            },
            120_000,
            250,
          );
        }
        if (failures.length) throw new Error(`subscription failed: ${JSON.stringify(failures[0])}`);

        // CPU from the approval to the last receipt: the live part, by process.
        await withCpu(cpu ?? new Map(), async () => {
          await gql(
            stack.gatewayUrl,
            `mutation($r: ID!) { approveNode(runId: $r, nodeId: "gate", approved: true) { status } }`,
            { r: runId },
            tenant.token,
          );
          await until(
            "every subscriber to receive run.succeeded",
            () => failures.length > 0 || received.every((r) => r.some((e) => e.type === "run.succeeded")),
            180_000,
            50,
          );
        });
        if (failures.length) throw new Error(`subscription failed: ${JSON.stringify(failures[0])}`);

        const latency: number[] = [];
        const fromStored: number[] = [];
        let missingReference = 0;
        for (const events of received) {
          for (const e of events) {
            if (e.seq <= waitingSeq) continue;
            const sent = notified.get(`${runId}:${e.seq}`);
            if (sent === undefined) missingReference++;
            else latency.push(e.t - sent);
            if (side === "weft") fromStored.push(e.wall - Date.parse(e.at));
          }
        }
        const perSubscriber = received[0]!.filter((e) => e.seq > waitingSeq).length;
        return { latency, fromStored, missingReference, perSubscriber };
      } finally {
        for (let i = 0; i < clients.length; i += 100)
          await Promise.all(clients.slice(i, i + 100).map((c) => c.dispose()));
      }
    };

    const deliveries = async (count: number) => {
      const result = {
        weft: [] as number[],
        bare: [] as number[],
        stored: [] as number[],
        events: 0,
        missing: 0,
        cpu: { weft: new Map<CpuClass, number>(), bare: new Map<CpuClass, number>() },
      };
      for (let r = 0; r < RUNS_FOR[count]!; r++) {
        for (const side of ["weft", "bare"] as const) {
          ctx.log(`  ${count} subscriber(s), ${side}, run ${r + 1}/${RUNS_FOR[count]}`);
          const o = await oneRun(side, count, result.cpu[side]);
          result[side].push(...o.latency);
          result.missing += o.missingReference;
          if (side === "weft") {
            result.stored.push(...o.fromStored);
            result.events += o.perSubscriber;
          }
        }
      }
      return {
        weft: summarize(result.weft),
        bare: summarize(result.bare),
        stored: summarize(result.stored),
        events: result.events / RUNS_FOR[count]!,
        missing: result.missing,
        cpu: {
          weft: cpuText(result.cpu.weft, RUNS_FOR[count]!, "ms"),
          bare: cpuText(result.cpu.bare, RUNS_FOR[count]!, "ms"),
        },
      };
    };

    const rows: Row[] = [];
    const notes: string[] = [];
    try {
      await oneRun("weft", 1); // warm-up
      await oneRun("bare", 1);
      for (const count of COUNTS) {
        const label = `${count} subscriber${count === 1 ? "" : "s"}`;
        try {
          const r = await deliveries(count);
          rows.push(
            { metric: `${label}: p50`, unit: "ms", weft: r.weft.p50, baseline: r.bare.p50 },
            {
              metric: `${label}: p95`,
              unit: "ms",
              weft: r.weft.p95,
              baseline: r.bare.p95,
              ...(count === 100 ? { target: { on: "weft" as const, op: "<=" as const, value: 50 } } : {}),
            },
            { metric: `${label}: max`, unit: "ms", weft: r.weft.max, baseline: r.bare.max },
          );
          notes.push(
            `${label}: ${r.weft.n} weft samples (${r.events} live events per subscriber per run), ${r.bare.n} bare; ` +
              `stored event time → receipt p50 ${r.stored.p50.toFixed(1)} / p95 ${r.stored.p95.toFixed(1)} ms` +
              (r.missing ? `; ${r.missing} receipts without a reference NOTIFY` : ""),
            `${label}: CPU per run from approval to the last receipt, weft: ${r.cpu.weft}; bare: ${r.cpu.bare}`,
          );
        } catch (err) {
          ctx.log(`  ${label} failed: ${(err as Error).message}`);
          ctx.dumpServices(["gateway"]);
          notes.push(`${label}: FAILED — ${(err as Error).message}`);
        }
      }
    } finally {
      await reference.end();
    }
    return {
      baseline:
        "bare graphql-ws server (own process) pushing each NOTIFY payload to its subscribers, no read-back",
      method: `startRun + approveNode through the gateway; runEvents subscribers on one socket each, all in the bench process; latency = NOTIFY at a reference LISTEN connection → receipt`,
      rows,
      notes,
    };
  },
};

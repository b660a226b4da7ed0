// Scenario 6: requests per second the gateway process serves (autocannon, 10 connections, 12 s in
// three 4 s slices alternating with the baseline's, after a 3 s warm-up of each), against a bare @apollo/server process on the same HTTP integration
// (bench/bare-server.ts): `{ __typename }` anonymously, and a workspace's newest 20 runs
// (workspace seeded with 500 runs) with a session token, bare and as the web app's runs page asks
// for them (each run's agent and version too). Every response is checked against the
// first one (autocannon's expectBody), so errors cannot pass for speed.
import autocannon from "autocannon";
import { availableParallelism } from "node:os";
import { cpuOfStack, cpuText, withCpu, type CpuClass } from "../lib/cpu.ts";
import type { BenchContext } from "../lib/context.ts";
import type { Row, Scenario } from "../lib/report.ts";
import { median } from "../lib/stats.ts";
import { seedAgent, seedRuns, seedTenant, transformChain } from "../lib/seed.ts";

const DURATION_S = 12;
/** The measured time is cut into this many slices, alternating Weft and baseline. */
const SLICES = 3;
const WARMUP_S = 3;
const CONNECTIONS = 10;
const RUNS_QUERY = `query($ws: ID!) { runs(workspaceId: $ws, first: 20) { edges { cursor node { id status startedAt } } pageInfo { hasNextPage endCursor } } }`;
/** The runs page as the web app asks for it: each run's agent and version too. */
const RUNS_PAGE_QUERY = `query($ws: ID!) { runs(workspaceId: $ws, first: 20) { edges { cursor node { id status startedAt agent { id name } version { id number } } } pageInfo { hasNextPage endCursor } } }`;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  seconds: number;
  /** CPU seconds by process during the measured slices. */
  cpu: Map<CpuClass, number>;
}

interface Target {
  url: string;
  body: string;
  token?: string;
}

/** Checks one answer, then returns a shooter whose every response must equal it. */
async function prepare(t: Target) {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    ...(t.token ? { authorization: `Bearer ${t.token}` } : {}),
  };
  const first = await fetch(t.url, { method: "POST", headers, body: t.body });
  const expected = await first.text();
  const parsed = JSON.parse(expected) as { data?: unknown; errors?: unknown };
  if (first.status !== 200 || parsed.errors || !parsed.data)
    throw new Error(`${t.url} answered ${first.status}: ${expected.slice(0, 300)}`);
  return async (duration: number) => {
    const r = await autocannon({
      url: t.url,
      method: "POST",
      headers,
      body: t.body,
      connections: CONNECTIONS,
      duration,
      expectBody: expected,
    });
    if (r.errors || r.non2xx || r.mismatches || r.timeouts) {
      throw new Error(
        `${t.url}: ${r.errors} errors, ${r.non2xx} non-2xx, ${r.mismatches} wrong bodies, ${r.timeouts} timeouts`,
      );
    }
    return r;
  };
}

/**
 * CPU per request by process, and how CPU-bound the comparison was: while the box is saturated,
 * bare ÷ weft CPU per request is the most the req/s ratio can reach without cutting CPU.
 */
function cpuPerRequest(name: string, weft: Load, base: Load): string {
  const total = (l: Load) => cpuOfStack(l.cpu) / l.requests;
  const busy = (l: Load) => (cpuOfStack(l.cpu) / l.seconds).toFixed(2);
  return (
    `${name}, CPU per request: ${cpuText(weft.cpu, weft.requests, "µs")} (weft) vs ` +
    `${cpuText(base.cpu, base.requests, "µs")} (bare); ${busy(weft)} vs ${busy(base)} of ` +
    `${availableParallelism()} cores busy; bare ÷ weft CPU = ${(total(base) / total(weft)).toFixed(2)}×`
  );
}

/** Warm-up of both, then SLICES alternating slices each, so that drift in load hits both alike. */
async function compare(a: Target, b: Target): Promise<[Load, Load]> {
  const shoot = [await prepare(a), await prepare(b)] as const;
  await shoot[0](WARMUP_S);
  await shoot[1](WARMUP_S);
  const results: [autocannon.Result[], autocannon.Result[]] = [[], []];
  const cpu: [Map<CpuClass, number>, Map<CpuClass, number>] = [new Map(), new Map()];
  for (let i = 0; i < SLICES; i++) {
    for (const side of [0, 1] as const)
      results[side].push(await withCpu(cpu[side], () => shoot[side](DURATION_S / SLICES)));
  }
  const summary = (rs: autocannon.Result[], cpu: Map<CpuClass, number>): Load => {
    const requests = rs.reduce((n, r) => n + r.requests.total, 0);
    const seconds = rs.reduce((n, r) => n + r.duration, 0);
    return {
      rps: requests / seconds,
      p50: median(rs.map((r) => r.latency.p50)),
      p99: Math.max(...rs.map((r) => r.latency.p99)),
      requests,
      seconds,
      cpu,
    };
  };
  return [summary(results[0], cpu[0]), summary(results[1], cpu[1])];
}

export const gatewayRpsScenario: Scenario<BenchContext> = {
  id: 6,
  title: "gateway requests per second",
  async run(ctx) {
    const stack = await ctx.appStack();
    const bare = await ctx.bareServer();
    const tenant = await seedTenant(stack.admin, stack.authSecret, "rps");
    await seedRuns(stack.admin, tenant, await seedAgent(stack.admin, tenant, transformChain(3)), 500);

    const trivial = JSON.stringify({ query: "{ __typename }" });
    const runs = JSON.stringify({ query: RUNS_QUERY, variables: { ws: tenant.workspaceId } });
    const [gwTrivial, bareTrivial] = await compare(
      { url: stack.gatewayUrl, body: trivial },
      { url: bare.url, body: trivial },
    );
    const [gwRuns, bareRuns] = await compare(
      { url: stack.gatewayUrl, body: runs, token: tenant.token },
      { url: bare.url, body: runs },
    );
    const page = JSON.stringify({ query: RUNS_PAGE_QUERY, variables: { ws: tenant.workspaceId } });
    const [gwPage, barePage] = await compare(
      { url: stack.gatewayUrl, body: page, token: tenant.token },
      { url: bare.url, body: page },
    );

    const rows: Row[] = [
      { metric: "{ __typename }: req/s", unit: "req/s", weft: gwTrivial.rps, baseline: bareTrivial.rps },
      { metric: "{ __typename }: latency p50", unit: "ms", weft: gwTrivial.p50, baseline: bareTrivial.p50 },
      {
        metric: "runs(workspaceId, first: 20): req/s",
        unit: "req/s",
        weft: gwRuns.rps,
        baseline: bareRuns.rps,
      },
      {
        metric: "runs(workspaceId, first: 20): latency p50",
        unit: "ms",
        weft: gwRuns.p50,
        baseline: bareRuns.p50,
      },
      {
        metric: "runs page with agent + version: req/s",
        unit: "req/s",
        weft: gwPage.rps,
        baseline: barePage.rps,
      },
      {
        metric: "runs page with agent + version: p50",
        unit: "ms",
        weft: gwPage.p50,
        baseline: barePage.p50,
      },
    ];
    return {
      baseline:
        "bare @apollo/server 5 on express 5 (own process): no auth, no RLS, runs via one SQL query on a pg pool as the owner (with agent and version: one join)",
      method: `autocannon ${CONNECTIONS} connections, ${DURATION_S} s per figure in ${SLICES} slices alternating with the baseline (after ${WARMUP_S} s warm-up) against the gateway process; runs as the workspace owner (session token), 500 runs seeded`,
      rows,
      notes: [
        `latency p99 (worst slice): __typename ${gwTrivial.p99} / ${bareTrivial.p99} ms, runs ${gwRuns.p99} / ${bareRuns.p99} ms (gateway / bare)`,
        `requests served: ${[gwTrivial, bareTrivial, gwRuns, bareRuns, gwPage, barePage].map((l) => l.requests).join(" / ")}`,
        ...[
          ["__typename", gwTrivial, bareTrivial],
          ["runs", gwRuns, bareRuns],
          ["runs page with agent + version", gwPage, barePage],
        ].map(([name, weft, base]) => cpuPerRequest(String(name), weft as Load, base as Load)),
      ],
    };
  },
};

// Scenario 6: requests per second the gateway process serves (autocannon, 10 connections, 10 s,
// after a 3 s warm-up), against a bare @apollo/server process on the same HTTP integration
// (bench/bare-server.ts): `{ __typename }` anonymously, and a workspace's newest 20 runs
// (workspace seeded with 500 runs) with a session token. Every response is checked against the
// first one (autocannon's expectBody), so errors cannot pass for speed.
import autocannon from "autocannon";
import type { BenchContext } from "../lib/context.ts";
import type { Row, Scenario } from "../lib/report.ts";
import { seedAgent, seedRuns, seedTenant, transformChain } from "../lib/seed.ts";

const DURATION_S = 10;
const WARMUP_S = 3;
const CONNECTIONS = 10;
const RUNS_QUERY = `query($ws: ID!) { runs(workspaceId: $ws, first: 20) { edges { cursor node { id status startedAt } } pageInfo { hasNextPage endCursor } } }`;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
}

async function load(url: string, body: string, token?: string): Promise<Load> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
  const first = await fetch(url, { method: "POST", headers, body });
  const expected = await first.text();
  const parsed = JSON.parse(expected) as { data?: unknown; errors?: unknown };
  if (first.status !== 200 || parsed.errors || !parsed.data)
    throw new Error(`${url} answered ${first.status}: ${expected.slice(0, 300)}`);
  const shoot = (duration: number) =>
    autocannon({
      url,
      method: "POST",
      headers,
      body,
      connections: CONNECTIONS,
      duration,
      expectBody: expected,
    });
  await shoot(WARMUP_S);
  const r = await shoot(DURATION_S);
  if (r.errors || r.non2xx || r.mismatches || r.timeouts) {
    throw new Error(
      `${url}: ${r.errors} errors, ${r.non2xx} non-2xx, ${r.mismatches} wrong bodies, ${r.timeouts} timeouts`,
    );
  }
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, requests: r.requests.total };
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
    const gwTrivial = await load(stack.gatewayUrl, trivial);
    const bareTrivial = await load(bare.url, trivial);
    const gwRuns = await load(stack.gatewayUrl, runs, tenant.token);
    const bareRuns = await load(bare.url, runs);

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
    ];
    return {
      baseline:
        "bare @apollo/server 5 on express 5 (own process): no auth, no RLS, runs via one SQL query on a pg pool as the owner",
      method: `autocannon ${CONNECTIONS} connections × ${DURATION_S} s per figure (after ${WARMUP_S} s warm-up) against the gateway process; runs as the workspace owner (session token), 500 runs seeded`,
      rows,
      notes: [
        `latency p99: __typename ${gwTrivial.p99} / ${bareTrivial.p99} ms, runs ${gwRuns.p99} / ${bareRuns.p99} ms (gateway / bare)`,
        `requests served: ${[gwTrivial, bareTrivial, gwRuns, bareRuns].map((l) => l.requests).join(" / ")}`,
      ],
    };
  },
};

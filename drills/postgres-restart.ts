import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createPrisma, type Db } from "@weft/db";
import { prepareDatabase } from "@weft/db/migrate";
import { databaseUrl, withAdminClient } from "@weft/db/pg-admin";
import { freePort } from "@weft/devstack/ports";
import { startPostgres, type RunningPostgres } from "@weft/devstack/postgres";
import { Sink } from "../apps/temporal-worker/src/testing/sink.ts";
import { Api, publishedAgent, signUpWithWorkspace, startRun } from "./lib/api.ts";
import { compareSeqs, followRunEvents, type Followed } from "./lib/follow-run.ts";
import { drillInfra } from "./lib/infra.ts";
import {
  checkAlive,
  checkWarnings,
  startGatewayProcess,
  startWorkerProcess,
  type AppProcess,
} from "./lib/processes.ts";
import { Report, sleep, waitFor, withTimeout, type DrillDefinition, type DrillResult } from "./lib/report.ts";
import { auditRuns, storedSeqs, waitForRuns } from "./lib/runs.ts";
import { drillStack, gatewayEnv, workerEnv } from "./lib/stack.ts";

export interface PostgresRestartParams {
  /** Runs started (staggered) before the outage. */
  runs: number;
  /** Stages per run: a side effect, a chain of transforms, a timer. */
  stages: number;
  /**
   * Transforms per stage. They keep activities starting while the database goes away; a transform
   * gets the default retry policy (one attempt, plus three for a lost worker, a second apart).
   */
  transforms: number;
  /**
   * maxAttempts of each transform. Temporal retries about a second apart (its floor), with three
   * extra attempts for lost workers: an outage longer than maxAttempts + 3 seconds outlasts them.
   */
  transformAttempts: number;
  /** 1: attempts counted as failed because of the outage do not fail the drill (see the check). */
  tolerateCounted: number;
  /** How long PostgreSQL stays down. */
  downMs: number;
  /** Time between run starts. */
  staggerMs: number;
  /** Durable timer per stage, so runs are mid-way when the database goes away. */
  delayMs: number;
}

export const postgresRestart = {
  name: "postgres-restart",
  drill: {
    runs: 20,
    stages: 3,
    transforms: 8,
    transformAttempts: 1,
    tolerateCounted: 0,
    downMs: 5_000,
    staggerMs: 100,
    delayMs: 1_000,
  },
  short: {
    runs: 4,
    stages: 2,
    transforms: 6,
    transformAttempts: 2,
    tolerateCounted: 0,
    downMs: 5_500,
    staggerMs: 100,
    delayMs: 500,
  },
  run: postgresRestartDrill,
} satisfies DrillDefinition<PostgresRestartParams>;

/**
 * A PostgreSQL cluster of the drill's own (the shared test cluster is never stopped): worker and
 * gateway processes on it, R runs in flight with clients following their events, then a fast
 * shutdown of PostgreSQL for a few seconds and a start on the same data directory and port. Every
 * run must complete SUCCEEDED with every node recorded once, every side effect applied once, and
 * every client must still receive every event exactly once.
 */
export async function postgresRestartDrill(p: PostgresRestartParams): Promise<DrillResult> {
  const report = new Report(postgresRestart.name, {
    R: p.runs,
    stages: p.stages,
    transforms: p.transforms,
    attempts: p.transformAttempts,
    downMs: p.downMs,
  });
  const infra = drillInfra();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "weft-drill-pg-"));
  const port = await freePort();
  let pg: RunningPostgres | null = await startPostgres({ dataDir, port, persistent: true, durable: false });
  const processes: AppProcess[] = [];
  const sink = await new Sink().start();
  let admin: Db | null = null;
  try {
    report.phase("postgres started");
    const ownerUrl = databaseUrl(pg.adminUrl, "weft_drill");
    const { appUrl } = await prepareDatabase(ownerUrl);
    report.phase("migrated");
    const stack = drillStack({ ...infra, appUrl });
    const [worker, gateway] = await Promise.all([
      startWorkerProcess("pg-drill-worker", workerEnv(stack)),
      startGatewayProcess("pg-drill-gateway", gatewayEnv(stack)),
    ]);
    processes.push(worker, gateway);
    report.phase("worker and gateway started");

    const api = new Api(gateway.url);
    const { workspaceId } = await signUpWithWorkspace(api, "pg");
    const retry = { maxAttempts: 3, initialIntervalMs: 500, backoff: 2 };
    const nodes: Array<{ id: string; type: string; config: unknown; retry?: unknown }> = [];
    for (let i = 1; i <= p.stages; i++) {
      nodes.push(
        {
          id: `effect${i}`,
          type: "http.request",
          config: { url: sink.url("/effect?ms=50"), method: "POST", body: { stage: i } },
          retry,
        },
        ...Array.from({ length: p.transforms }, (_, t) => ({
          id: `shape${i}_${t + 1}`,
          type: "transform",
          config: { expression: `{ "stage": ${i}, "step": ${t + 1} }` },
          retry: { maxAttempts: p.transformAttempts, initialIntervalMs: 250, backoff: 1 },
        })),
        { id: `wait${i}`, type: "delay", config: { ms: p.delayMs } },
      );
    }
    nodes.push({ id: "done", type: "log", config: { message: "all stages done" } });
    const edges = nodes.slice(1).map((n, i) => ({ from: nodes[i]!.id, to: n.id }));
    const agentId = await publishedAgent(api, workspaceId, { version: 1, inputs: {}, nodes, edges });

    report.phase("agent published");
    const runIds: string[] = [];
    const followers: Promise<Followed>[] = [];
    for (let r = 0; r < p.runs; r++) {
      const runId = await startRun(api, agentId);
      runIds.push(runId);
      followers.push(followRunEvents({ wsUrl: gateway.wsUrl, token: api.token!, runId }));
      await sleep(p.staggerMs);
    }

    // Mid-run: half the runs have delivered their first side effect, and a transform is running
    // right now, so its chain starts the next activities while the database is away.
    await waitFor(
      "half the runs' first side effect",
      () => (sink.effects.size >= Math.ceil(p.runs / 2) ? true : undefined),
      60_000,
    );
    await withAdminClient(ownerUrl, (c) =>
      waitFor(
        "a transform running",
        async () => {
          const { rows } = await c.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM "NodeRun" WHERE "nodeId" LIKE 'shape%' AND status = 'RUNNING'`,
          );
          return rows[0]!.n > 0 ? true : undefined;
        },
        60_000,
        10,
      ),
    );
    report.phase("runs mid-way");
    const effectsBefore = sink.effects.size;
    const down = Date.now();
    await pg.stop();
    pg = null;
    await sleep(p.downMs);
    pg = await startPostgres({ dataDir, port, persistent: true, durable: false });
    const outageMs = Date.now() - down;
    report.phase("postgres restarted");
    report.fact(
      "outageMs",
      outageMs,
      `database down ${(outageMs / 1000).toFixed(1)} s with ${effectsBefore}/${p.runs * p.stages} side effects done`,
    );

    admin = createPrisma(ownerUrl, { poolMax: 2 });
    // A worker that dies with the database would leave the runs open until the deadline.
    const finished = await Promise.race([
      waitForRuns(admin, runIds, 180_000),
      worker.service.exited.then(() => false),
    ]);
    checkAlive(report, processes);
    report.check(finished, "runs did not finish within 180 s of the restart");
    report.phase("runs finished");
    const audit = await auditRuns(
      admin,
      runIds,
      nodes.map((n) => n.id),
    );
    report.fact("completed", audit.succeeded, `runs completed ${audit.succeeded}/${p.runs}`);
    report.check(audit.succeeded === p.runs, `runs not SUCCEEDED: ${audit.notSucceeded.join("; ")}`);
    report.fact(
      "nodesNotSucceeded",
      audit.nodesNotSucceeded,
      `nodes not SUCCEEDED ${audit.nodesNotSucceeded}`,
    );
    report.check(audit.nodesNotSucceeded === 0, `${audit.nodesNotSucceeded} nodes not SUCCEEDED`);
    report.fact(
      "duplicateNodeEvents",
      audit.duplicateNodeEvents,
      `nodes recorded twice ${audit.duplicateNodeEvents}`,
    );
    report.check(audit.duplicateNodeEvents === 0, `${audit.duplicateNodeEvents} nodes recorded twice`);
    report.check(audit.nodesWithoutEvent === 0, `${audit.nodesWithoutEvent} nodes without node.succeeded`);
    report.check(audit.seqGaps === 0, `${audit.seqGaps} gaps in event sequence numbers`);
    report.fact(
      "failedAttempts",
      audit.failedAttempts,
      `node attempts counted as failed ${audit.failedAttempts}`,
    );
    // An outage is not the node's fault (docs/execution.md counts node errors and timeouts only).
    // Once an open bug (fixed in packages/activities/src/execute-node.ts, RECORDING_FAILED): a
    // transaction cut by the shutdown while recording a node's success was counted as a failed
    // attempt of that node. Both versions now require 0; tolerateCounted stays for investigations.
    report.check(
      p.tolerateCounted > 0 || audit.failedAttempts === 0,
      `the outage was counted against nodes: ${audit.counted.slice(0, 3).join("; ")}`,
    );

    const expectedKeys = new Set(
      runIds.flatMap((runId) =>
        nodes.filter((n) => n.type === "http.request").map((n) => `${runId}:${n.id}`),
      ),
    );
    const lost = [...expectedKeys].filter((k) => !sink.effects.has(k)).length;
    const unexpected = [...sink.effects.keys()].filter((k) => !expectedKeys.has(k)).length;
    report.fact("effectsLost", lost, `side effects lost ${lost}`);
    report.fact("duplicateEffects", unexpected, `applied twice ${unexpected}`);
    report.check(lost === 0, `${lost} side effects never reached the sink`);
    report.check(unexpected === 0, `${unexpected} side effects under unexpected idempotency keys`);

    const results = await withTimeout(
      Promise.all(followers),
      60_000,
      "clients to reach the end of their runs",
    ).catch((error: Error) => {
      report.fail(error.message);
      return [] as Followed[];
    });
    const stored = await storedSeqs(admin, runIds);
    let missed = 0;
    let duplicates = 0;
    let resumes = 0;
    results.forEach((result, i) => {
      const cmp = compareSeqs(
        result.events.map((e) => e.seq),
        stored.get(runIds[i]!)!,
      );
      missed += cmp.missed;
      duplicates += cmp.duplicates + cmp.outOfOrder + cmp.unknown;
      resumes += result.resumes;
      if (result.error) report.fail(`client of run ${i} stopped: ${result.error}`);
      if (!result.ended) report.fail(`client of run ${i} never saw the run end`);
    });
    report.fact("eventsMissed", missed, `client events missed ${missed}`);
    report.fact("eventsDuplicated", duplicates, `duplicated/out of order ${duplicates}`);
    report.fact("resumes", resumes, `resubscriptions ${resumes}`);
    report.check(missed === 0, `${missed} events missed by clients`);
    report.check(duplicates === 0, `${duplicates} events duplicated or out of order`);
    // Proof the outage hit work in progress: activity attempts that failed for want of a database,
    // or database work that waited for it (the worker says so once per outage). Waiting is the
    // better outcome, so a run where nothing failed still proves something.
    const failedActivities = (worker.log().match(/Activity failed/g) ?? []).length;
    const waited = /PostgreSQL is unreachable/.test(worker.log());
    report.fact(
      "failedActivities",
      failedActivities,
      `activity attempts failed by the outage ${failedActivities}; worker waited for the database: ${waited ? "yes" : "no"}`,
    );
    report.check(
      failedActivities > 0 || waited,
      "no activity failed or waited during the outage: the drill proved nothing",
    );
    checkWarnings(report, processes);
    return report.finish();
  } finally {
    for (const proc of processes) await proc.kill("SIGKILL");
    await admin?.$disconnect();
    await sink.stop();
    await pg?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

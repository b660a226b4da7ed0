import { createHarness } from "../apps/temporal-worker/src/testing/harness.ts";
import { Sink } from "../apps/temporal-worker/src/testing/sink.ts";
import { checkAlive, checkWarnings, startWorkerProcess, type AppProcess } from "./lib/processes.ts";
import { Report, sleep, waitFor, withTimeout, type DrillDefinition, type DrillResult } from "./lib/report.ts";
import { auditRuns } from "./lib/runs.ts";

export interface WorkerKillParams {
  /** SIGKILLs of the worker process, each followed by a fresh worker. */
  kills: number;
  /** Concurrent runs. */
  runs: number;
  /** Side-effect nodes per run (a chain of POSTs to an idempotent sink). */
  steps: number;
  /** How long the sink takes to answer, so kills land while requests are in flight. */
  effectMs: number;
  /** Deadline for every run to finish after the last kill. */
  timeoutMs: number;
}

export const workerKill = {
  name: "worker-kill",
  drill: { kills: 6, runs: 20, steps: 8, effectMs: 600, timeoutMs: 240_000 },
  short: { kills: 2, runs: 3, steps: 4, effectMs: 800, timeoutMs: 120_000 },
  run: workerKillDrill,
} satisfies DrillDefinition<WorkerKillParams>;

/**
 * Kill -9 the worker process K times while R runs execute chains of side effects: every run must
 * complete, every side effect must reach the sink under its idempotency key (applied once), no
 * node may be recorded twice, and an attempt lost with its worker must not count as a failure.
 */
export async function workerKillDrill(p: WorkerKillParams): Promise<DrillResult> {
  const report = new Report(workerKill.name, { K: p.kills, R: p.runs, steps: p.steps, effectMs: p.effectMs });
  const [h, sink] = await Promise.all([createHarness({ worker: false }), new Sink().start()]);
  const workers: AppProcess[] = [];
  const startWorker = async (n: number) => {
    const w = await startWorkerProcess(`drill-worker-${n}`, {
      TEMPORAL_ADDRESS: h.workerEnv.TEMPORAL_ADDRESS,
      TEMPORAL_NAMESPACE: h.workerEnv.TEMPORAL_NAMESPACE,
      APP_DATABASE_URL: h.workerEnv.APP_DATABASE_URL,
      TEMPORAL_TASK_QUEUE: h.workerEnv.TEMPORAL_TASK_QUEUE,
      WEFT_HTTP_ALLOWLIST: h.workerEnv.WEFT_HTTP_ALLOWLIST,
    });
    workers.push(w);
    return w;
  };
  try {
    const nodes = Array.from({ length: p.steps }, (_, i) => ({
      id: `step${i + 1}`,
      type: "http.request",
      config: { url: sink.url(`/effect?ms=${p.effectMs}`), method: "POST", body: { step: i + 1 } },
      retry: { maxAttempts: 2, initialIntervalMs: 200, backoff: 1 },
      timeoutMs: 20_000,
    }));
    const edges = nodes.slice(1).map((n, i) => ({ from: nodes[i]!.id, to: n.id }));
    const agent = await h.createAgent({ version: 1, inputs: {}, nodes, edges });

    let worker = await startWorker(1);
    const runIds = await Promise.all(Array.from({ length: p.runs }, () => h.startRun(agent)));

    // Each kill waits for progress since the previous one (half the runs applied a new side
    // effect), so the kills spread over the runs' lifetime. A node survives up to three attempts
    // lost with their worker (docs/execution.md): K kills aimed at one step would test that cap.
    const inFlight = () =>
      sink.requests.some((r) => r.path.startsWith("/effect") && Date.now() - r.at < p.effectMs);
    let whileOpen = 0;
    let withRequestsInFlight = 0;
    for (let k = 1; k <= p.kills; k++) {
      const target = sink.effects.size + Math.ceil(p.runs / 2);
      await waitFor(
        `progress before kill ${k}`,
        () => (sink.effects.size >= target ? true : undefined),
        120_000,
      );
      for (let i = 0; i < 100 && !inFlight(); i++) await sleep(20);
      if (inFlight()) withRequestsInFlight++;
      const open = await h.admin.run.count({
        where: { id: { in: runIds }, status: { in: ["QUEUED", "RUNNING"] } },
      });
      if (open > 0) whileOpen++;
      await worker.kill("SIGKILL");
      worker = await startWorker(k + 1);
    }
    report.fact(
      "kills",
      p.kills,
      `${p.kills} SIGKILLs (${whileOpen} while runs were open, ${withRequestsInFlight} with requests in flight)`,
    );
    report.check(whileOpen === p.kills, `only ${whileOpen}/${p.kills} kills landed while runs were open`);

    await withTimeout(
      Promise.all(runIds.map((id) => h.finish(id))),
      p.timeoutMs,
      "runs to finish after the last kill",
    ).catch((err: Error) => report.fail(err.message));

    const audit = await auditRuns(
      h.admin,
      runIds,
      nodes.map((n) => n.id),
    );
    report.fact("completed", audit.succeeded, `runs completed ${audit.succeeded}/${p.runs}`);
    report.check(audit.succeeded === p.runs, `runs not SUCCEEDED: ${audit.notSucceeded.join("; ")}`);
    report.check(audit.nodesNotSucceeded === 0, `${audit.nodesNotSucceeded} nodes not SUCCEEDED`);
    report.fact(
      "duplicateNodeEvents",
      audit.duplicateNodeEvents,
      `node.succeeded recorded twice: ${audit.duplicateNodeEvents}`,
    );
    report.check(audit.duplicateNodeEvents === 0, `${audit.duplicateNodeEvents} nodes recorded twice`);
    report.check(audit.nodesWithoutEvent === 0, `${audit.nodesWithoutEvent} nodes without node.succeeded`);
    report.check(audit.seqGaps === 0, `${audit.seqGaps} gaps in event sequence numbers`);
    report.fact(
      "failedAttempts",
      audit.failedAttempts,
      `lost attempts counted as failures: ${audit.failedAttempts}`,
    );
    report.check(
      audit.failedAttempts === 0,
      `${audit.failedAttempts} attempts lost with a worker were counted`,
    );

    // The sink applies an effect once per Idempotency-Key; a key it never saw is a lost effect, a key
    // it did not expect (or an empty one) is an effect that could be applied twice.
    const expected = new Set(runIds.flatMap((runId) => nodes.map((n) => `${runId}:${n.id}`)));
    const applied = [...sink.effects.keys()];
    const lost = [...expected].filter((k) => !sink.effects.has(k)).length;
    const unexpected = applied.filter((k) => !expected.has(k)).length;
    const deliveries = [...sink.effects.values()].reduce((a, b) => a + b, 0);
    report.fact(
      "effectsApplied",
      applied.length - unexpected,
      `side effects applied ${applied.length - unexpected}/${expected.size}`,
    );
    report.fact("effectsLost", lost, `lost ${lost}`);
    report.fact("duplicateEffects", unexpected, `applied twice ${unexpected}`);
    report.fact(
      "redeliveries",
      deliveries - applied.length,
      `redeliveries dropped by idempotency key ${deliveries - applied.length}`,
    );
    report.check(lost === 0, `${lost} side effects never reached the sink`);
    report.check(
      unexpected === 0,
      `${unexpected} side effects under unexpected idempotency keys: ${applied
        .filter((k) => !expected.has(k))
        .slice(0, 3)
        .join(", ")}`,
    );
    checkWarnings(report, workers);
    checkAlive(report, [worker]);
    return report.finish();
  } finally {
    for (const w of workers) await w.kill("SIGKILL");
    await h.close();
    await sink.stop();
  }
}

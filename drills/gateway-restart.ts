import { createPrisma } from "@weft/db";
import { createTestDatabase } from "@weft/db/testing";
import { Api, OPS, publishedAgent, signUpWithWorkspace, startRun } from "./lib/api.ts";
import { compareSeqs, followRunEvents, type Followed, type StreamedEvent } from "./lib/follow-run.ts";
import { drillInfra } from "./lib/infra.ts";
import { checkAlive, checkWarnings, startGatewayProcess, type GatewayProcess } from "./lib/processes.ts";
import { Report, sleep, waitFor, withTimeout, type DrillDefinition, type DrillResult } from "./lib/report.ts";
import { auditRuns, storedSeqs, waitForRuns } from "./lib/runs.ts";
import { drillStack, gatewayEnv, inProcessWorker } from "./lib/stack.ts";

export interface GatewayRestartParams {
  /** Concurrent runs. */
  runs: number;
  /** Subscribers, spread over the runs (several per run). */
  clients: number;
  /** Gateway restarts while the runs are in flight (alternately SIGKILL and SIGTERM). */
  restarts: number;
  /** How long the gateway stays down; the runs keep writing events meanwhile. */
  downMs: number;
  /** Durable timer in each stage, so events are written while the gateway is down. */
  delayMs: number;
}

export const gatewayRestart = {
  name: "gateway-restart",
  drill: { runs: 10, clients: 50, restarts: 4, downMs: 1_500, delayMs: 300 },
  short: { runs: 2, clients: 4, restarts: 2, downMs: 500, delayMs: 200 },
  run: gatewayRestartDrill,
} satisfies DrillDefinition<GatewayRestartParams>;

/**
 * Runs advance in stages gated by approvals, so each restart lands mid-run on purpose: approve
 * stage i, wait until every client saw it, stop the gateway, let the run write the stage's timer
 * and log events while nobody can receive them, start the gateway again on the same port. Each
 * client resumes with afterSeq = the last sequence number it saw; at the end its sequence list must
 * equal the run's stored events: nothing missed, nothing twice, strictly increasing.
 */
export async function gatewayRestartDrill(p: GatewayRestartParams): Promise<DrillResult> {
  const report = new Report(gatewayRestart.name, {
    R: p.runs,
    clients: p.clients,
    restarts: p.restarts,
    downMs: p.downMs,
  });
  const infra = drillInfra();
  const db = await createTestDatabase(infra.adminUrl);
  const admin = createPrisma(db.adminUrl, { poolMax: 2 });
  const stack = drillStack({ ...infra, appUrl: db.appUrl });
  const worker = await inProcessWorker(stack);
  let gateway: GatewayProcess | null = null;
  const gateways: GatewayProcess[] = [];
  try {
    gateway = await startGatewayProcess("gateway-1", gatewayEnv(stack));
    gateways.push(gateway);
    const { port, url, wsUrl } = gateway;
    const api = new Api(url);
    const { workspaceId } = await signUpWithWorkspace(api, "restart");
    const stages = p.restarts + 1;
    const nodes: unknown[] = [];
    const edges: { from: string; to: string }[] = [];
    for (let i = 1; i <= stages; i++) {
      nodes.push(
        { id: `approve${i}`, type: "approval", config: { message: `stage ${i}?` } },
        { id: `wait${i}`, type: "delay", config: { ms: p.delayMs } },
        { id: `log${i}`, type: "log", config: { message: `stage ${i} done` } },
      );
      edges.push({ from: `approve${i}`, to: `wait${i}` }, { from: `wait${i}`, to: `log${i}` });
      if (i > 1) edges.push({ from: `log${i - 1}`, to: `approve${i}` });
    }
    const agentId = await publishedAgent(api, workspaceId, { version: 1, inputs: {}, nodes, edges });
    const runIds: string[] = [];
    for (let r = 0; r < p.runs; r++) runIds.push(await startRun(api, agentId));

    const seen: StreamedEvent[][] = [];
    const followers: Promise<Followed>[] = [];
    for (let c = 0; c < p.clients; c++) {
      const events: StreamedEvent[] = [];
      seen.push(events);
      followers.push(
        followRunEvents({
          wsUrl,
          token: api.token!,
          runId: runIds[c % p.runs]!,
          onEvent: (e) => events.push(e),
        }),
      );
    }
    const approveAll = async (stage: number) => {
      await waitFor(
        `approve${stage} waiting in every run`,
        async () =>
          (await admin.nodeRun.count({
            where: { runId: { in: runIds }, nodeId: `approve${stage}`, status: "RUNNING" },
          })) === p.runs || undefined,
        60_000,
        100,
      );
      for (const runId of runIds) await api.ok(OPS.approveNode, { r: runId, n: `approve${stage}` });
    };

    const outages: Array<{ from: Date; to: Date }> = [];
    for (let stage = 1; stage <= p.restarts; stage++) {
      await approveAll(stage);
      await waitFor(
        `every client to see approve${stage} succeed`,
        () =>
          seen.every((events) =>
            events.some((e) => e.nodeId === `approve${stage}` && e.type === "node.succeeded"),
          ) || undefined,
        60_000,
      );
      const signal = stage % 2 === 1 ? "SIGKILL" : "SIGTERM";
      const from = new Date();
      await gateway.kill(signal);
      await sleep(p.downMs);
      gateway = await startGatewayProcess(`gateway-${stage + 1}`, gatewayEnv(stack), { port });
      gateways.push(gateway);
      outages.push({ from, to: new Date() });
    }
    await approveAll(stages);

    const finished = await waitForRuns(admin, runIds, 120_000);
    report.check(finished, "runs did not finish within 120 s");
    const results = await withTimeout(
      Promise.all(followers),
      120_000,
      "clients to reach the end of their runs",
    ).catch((error: Error) => {
      report.fail(error.message);
      return [] as Followed[];
    });

    const audit = await auditRuns(admin, runIds, []);
    report.fact("completed", audit.succeeded, `runs completed ${audit.succeeded}/${p.runs}`);
    report.check(audit.succeeded === p.runs, `runs not SUCCEEDED: ${audit.notSucceeded.join("; ")}`);

    const stored = await storedSeqs(admin, runIds);
    let expected = 0;
    let received = 0;
    let missed = 0;
    let duplicates = 0;
    let outOfOrder = 0;
    let resumes = 0;
    let ended = 0;
    results.forEach((result, c) => {
      const seqs = stored.get(runIds[c % p.runs]!)!;
      const cmp = compareSeqs(
        result.events.map((e) => e.seq),
        seqs,
      );
      expected += seqs.length;
      received += result.events.length;
      missed += cmp.missed;
      duplicates += cmp.duplicates;
      outOfOrder += cmp.outOfOrder + cmp.unknown;
      resumes += result.resumes;
      if (result.ended) ended++;
      if (result.error) report.fail(`client ${c} stopped: ${result.error}`);
    });
    const duringOutages = await admin.runEvent.count({
      where: { runId: { in: runIds }, OR: outages.map((o) => ({ at: { gte: o.from, lte: o.to } })) },
    });
    report.fact("clientsEnded", ended, `clients reached the end ${ended}/${p.clients}`);
    report.fact("expected", expected, `events expected ${expected}`);
    report.fact("received", received, `received ${received}`);
    report.fact("missed", missed, `missed ${missed}`);
    report.fact("duplicates", duplicates, `duplicates ${duplicates}`);
    report.fact("outOfOrder", outOfOrder, `out of order ${outOfOrder}`);
    report.fact("resumes", resumes, `resubscriptions ${resumes}`);
    report.fact(
      "writtenWhileDown",
      duringOutages,
      `events written while the gateway was down ${duringOutages}`,
    );
    report.check(ended === p.clients, `${p.clients - ended} clients never saw their run end`);
    report.check(missed === 0, `${missed} events missed`);
    report.check(duplicates === 0, `${duplicates} events received twice`);
    report.check(outOfOrder === 0, `${outOfOrder} events out of order or unknown`);
    report.check(
      resumes >= p.clients * p.restarts,
      `only ${resumes} resubscriptions for ${p.restarts} restarts`,
    );
    report.check(
      duringOutages > 0,
      "no event was written while the gateway was down: the drill proved nothing",
    );
    checkWarnings(report, gateways);
    checkAlive(report, [gateway]);
    return report.finish();
  } finally {
    await gateway?.kill("SIGKILL");
    await worker.shutdown();
    await admin.$disconnect();
    await db.drop();
  }
}

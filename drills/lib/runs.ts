import type { Db } from "@weft/db";

export interface RunAudit {
  runs: number;
  succeeded: number;
  /** Runs not SUCCEEDED, with their status and error. */
  notSucceeded: string[];
  /** Nodes (over all runs) whose NodeRun is not SUCCEEDED. */
  nodesNotSucceeded: number;
  /** node.succeeded events beyond one per node (bookkeeping recorded twice). */
  duplicateNodeEvents: number;
  /** Nodes without a node.succeeded event. */
  nodesWithoutEvent: number;
  /** Failed attempts recorded against nodes (a lost worker or database must not count). */
  failedAttempts: number;
  /** The nodes with failed attempts, with the error recorded ("node: error"). */
  counted: string[];
  /** Gaps or repeats in a run's event sequence numbers. */
  seqGaps: number;
}

/** What the database says about `runIds` of a graph with `nodeIds`: did each run, and each node, finish once? */
export async function auditRuns(admin: Db, runIds: string[], nodeIds: string[]): Promise<RunAudit> {
  const runs = await admin.run.findMany({ where: { id: { in: runIds } } });
  const nodeRuns = await admin.nodeRun.findMany({ where: { runId: { in: runIds } } });
  const events = await admin.runEvent.findMany({
    where: { runId: { in: runIds } },
    select: { runId: true, seq: true, type: true, nodeId: true, data: true },
    orderBy: [{ runId: "asc" }, { seq: "asc" }],
  });
  const audit: RunAudit = {
    runs: runIds.length,
    succeeded: 0,
    notSucceeded: [],
    nodesNotSucceeded: 0,
    duplicateNodeEvents: 0,
    nodesWithoutEvent: 0,
    failedAttempts: 0,
    counted: [],
    seqGaps: 0,
  };
  for (const runId of runIds) {
    const run = runs.find((r) => r.id === runId);
    if (run?.status === "SUCCEEDED") audit.succeeded++;
    else
      audit.notSucceeded.push(`${runId}: ${run?.status ?? "missing"}${run?.error ? ` (${run.error})` : ""}`);
    const own = nodeRuns.filter((n) => n.runId === runId);
    const runEvents = events.filter((e) => e.runId === runId);
    runEvents.forEach((e, i) => {
      if (e.seq !== i + 1) audit.seqGaps++;
    });
    for (const nodeId of nodeIds) {
      const row = own.find((n) => n.nodeId === nodeId);
      if (row?.status !== "SUCCEEDED") audit.nodesNotSucceeded++;
      audit.failedAttempts += row?.failedAttempts ?? 0;
      if (row?.failedAttempts) {
        // The error of the counted attempt lives on in the node.retrying event that followed it.
        const retried = runEvents.find((e) => e.nodeId === nodeId && e.type === "node.retrying");
        const previous = (retried?.data as { previousError?: unknown } | null)?.previousError;
        audit.counted.push(
          `${nodeId} ×${row.failedAttempts}: ${String(row.error ?? previous ?? "(no error kept)")}`,
        );
      }
      const succeeded = runEvents.filter((e) => e.nodeId === nodeId && e.type === "node.succeeded").length;
      if (succeeded === 0) audit.nodesWithoutEvent++;
      else audit.duplicateNodeEvents += succeeded - 1;
    }
  }
  return audit;
}

/** The stored sequence numbers of each run's events. */
export async function storedSeqs(admin: Db, runIds: string[]): Promise<Map<string, number[]>> {
  const rows = await admin.runEvent.findMany({
    where: { runId: { in: runIds } },
    select: { runId: true, seq: true },
    orderBy: [{ runId: "asc" }, { seq: "asc" }],
  });
  const byRun = new Map<string, number[]>(runIds.map((id) => [id, []]));
  for (const row of rows) byRun.get(row.runId)?.push(row.seq);
  return byRun;
}

/** Waits until every run has a terminal status in the database (or the deadline passes). */
export async function waitForRuns(admin: Db, runIds: string[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await admin.run.count({
      where: { id: { in: runIds }, status: { in: ["QUEUED", "RUNNING"] } },
    });
    if (open === 0) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}

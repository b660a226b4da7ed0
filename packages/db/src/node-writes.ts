import type pg from "pg";

/**
 * Sends node attempt starts and successes as batches (`weft_node_writes`): at most
 * MAX_IN_FLIGHT statements are out at a time, and at most one per run. Whatever accumulates
 * meanwhile goes out as one batch as soon as a statement returns. Alone, a write goes out at once
 * (no timer, no added wait); under a burst (a 100-way fan-out) a few transactions carry many
 * writes, so the run's row lock, the commits and the round trips are shared (bench/RESULTS.md).
 *
 * One statement per run: every write appends an event, which takes the run's row lock until its
 * transaction commits, so a second statement for the same run could only wait for the first in
 * PostgreSQL, holding a connection, and would then carry its writes alone. Held back here, the
 * run's next writes go out together instead (a 100-way fan-out: 156 statements per run became 76,
 * and PostgreSQL's CPU per run fell by a third; thirteenth measurement). Other runs' writes do
 * not wait for it: they go out in the other statements.
 *
 * Each write keeps its own outcome: a failing one rejects only its caller's promise. A batch is one
 * transaction with no savepoint per write (a savepoint each made every write a subtransaction,
 * whose row locks PostgreSQL had to track as multixacts; bench/RESULTS.md, sixteenth measurement),
 * so when a write fails the whole batch rolls back and each of its writes is sent again on its
 * own: the failing one then fails alone, the others succeed. Failures are rare (a run deleted
 * under its nodes), and so is the second round trip. This is group commit done in the client; no
 * library does it for pg, and it is one queue.
 */
const MAX_IN_FLIGHT = 4;
/** Writes per statement, and the JSON size past which a batch is cut (outputs can be 256 KB). */
const MAX_BATCH = 64;
const MAX_BATCH_BYTES = 4 * 1024 * 1024;

export type NodeWrite = { kind: "begin" | "succeed"; runId: string; nodeId: string } & Record<
  string,
  unknown
>;

interface Pending {
  runId: string;
  json: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** A write the database refused (its op ran and failed; the others in its batch are unaffected). */
export class NodeWriteError extends Error {
  constructor(
    message: string,
    readonly sqlstate: string,
  ) {
    super(message);
  }
}

export class NodeWriteBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;
  /** Runs with a statement out. */
  private readonly busy = new Set<string>();
  /** Statements sent, for tests and diagnostics. */
  statements = 0;

  constructor(private readonly pool: pg.Pool) {}

  /** `op`, or its JSON text with its run: callers that already hold an output's JSON splice it in rather than encode it twice. */
  write(op: NodeWrite): Promise<unknown>;
  write(op: string, runId: string): Promise<unknown>;
  write(op: NodeWrite | string, runId?: string): Promise<unknown> {
    const pending =
      typeof op === "string" ? { runId: runId!, json: op } : { runId: op.runId, json: JSON.stringify(op) };
    return new Promise((resolve, reject) => {
      this.queue.push({ ...pending, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT) {
      // In arrival order, the writes of runs with no statement out, until the batch is full.
      const batch: Pending[] = [];
      const runs = new Set<string>();
      const left: Pending[] = [];
      let bytes = 0;
      let full = false;
      for (const next of this.queue) {
        full ||=
          batch.length === MAX_BATCH || (batch.length > 0 && bytes + next.json.length > MAX_BATCH_BYTES);
        if (full || this.busy.has(next.runId)) {
          left.push(next);
          continue;
        }
        bytes += next.json.length;
        batch.push(next);
        runs.add(next.runId);
      }
      if (batch.length === 0) return;
      this.queue = left;
      for (const run of runs) this.busy.add(run);
      this.inFlight += 1;
      void this.send(batch).finally(() => {
        this.inFlight -= 1;
        for (const run of runs) this.busy.delete(run);
        this.pump();
      });
    }
  }

  private async send(batch: Pending[]): Promise<void> {
    this.statements += 1;
    let results: unknown[];
    try {
      const { rows } = await this.pool.query<{ r: unknown[] }>("SELECT weft_node_writes($1::jsonb) AS r", [
        `[${batch.map((p) => p.json).join(",")}]`,
      ]);
      results = rows[0]!.r;
    } catch (error) {
      const sqlstate = refusedWrite(error);
      if (sqlstate === null) {
        // Not a write's own fault (connection lost, server shutting down): every caller retries.
        for (const p of batch) p.reject(error as Error);
      } else if (batch.length === 1) {
        batch[0]!.reject(new NodeWriteError((error as Error).message, sqlstate));
      } else {
        // One write failed and rolled the batch back: each again alone (in order, on this batch's
        // connection slot and run claims), so only that one fails.
        for (const p of batch) await this.send([p]);
      }
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]));
  }
}

/**
 * The SQLSTATE of an error the database raised while running the writes (a write it refused),
 * or null for one that says nothing about them: no SQLSTATE (a socket error), or connection,
 * resource, shutdown and system classes (08, 53, 57, 58).
 */
function refusedWrite(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code)) return null;
  return /^(08|53|57|58)/.test(code) ? null : code;
}

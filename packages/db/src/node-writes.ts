import type pg from "pg";

/**
 * Sends node attempt starts and successes as batches (`weft_node_writes`): at most
 * MAX_IN_FLIGHT statements are out at a time, and whatever accumulates meanwhile goes out as one
 * batch as soon as one returns. Alone, a write goes out at once (no timer, no added wait); under a
 * burst (a 100-way fan-out) a few transactions carry many writes, so the run's row lock, the
 * commits and the round trips are shared (bench/RESULTS.md). Each write keeps its own outcome: a
 * failing one rejects only its caller's promise. This is group commit done in the client; no
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
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  /** Statements sent, for tests and diagnostics. */
  statements = 0;

  constructor(private readonly pool: pg.Pool) {}

  /** `op` as JSON text: callers that already hold an output's JSON splice it in rather than encode it twice. */
  write(op: NodeWrite | string): Promise<unknown> {
    const json = typeof op === "string" ? op : JSON.stringify(op);
    return new Promise((resolve, reject) => {
      this.queue.push({ json, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch: Pending[] = [];
      let bytes = 0;
      while (this.queue.length > 0 && batch.length < MAX_BATCH) {
        const next = this.queue[0]!;
        if (batch.length > 0 && bytes + next.json.length > MAX_BATCH_BYTES) break;
        bytes += next.json.length;
        batch.push(this.queue.shift()!);
      }
      this.inFlight += 1;
      void this.send(batch).finally(() => {
        this.inFlight -= 1;
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
      for (const p of batch) p.reject(error as Error);
      return;
    }
    batch.forEach((p, i) => {
      const result = results[i] as { error?: string; sqlstate?: string } | undefined;
      if (result?.error !== undefined) p.reject(new NodeWriteError(result.error, result.sqlstate ?? ""));
      else p.resolve(result);
    });
  }
}

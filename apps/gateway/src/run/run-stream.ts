import { withWorkspace, type Db, type RunEvent as RunEventRow, type Run as RunRow } from "@weft/db";
import type { RunEventListener } from "@weft/db/run-event-listener";
import { isRunEventType, isTerminalRunStatus, type RunStatus } from "@weft/schema";

const PAGE = 500;

/**
 * A wake-up flag fed by LISTEN notices: subscribers never trust a notice's content, they re-read
 * the rows (RLS-scoped) after their last sequence number, so nothing is missed or reordered, and
 * a reconnect of the listener just means "read again".
 */
export class Waker {
  private pending = true;
  private wake: (() => void) | null = null;
  signal = () => {
    this.pending = true;
    this.wake?.();
  };
  async wait(stop: AbortSignal): Promise<void> {
    if (!this.pending && !stop.aborted) {
      await new Promise<void>((resolve) => {
        // Removed again on a normal wake-up: one listener per wait would pile up on the signal for
        // as long as the subscription lives (Node warns after 10: found by the Postgres drill).
        const onAbort = () => resolve();
        stop.addEventListener("abort", onAbort, { once: true });
        this.wake = () => {
          stop.removeEventListener("abort", onAbort);
          resolve();
        };
      });
    }
    this.wake = null;
    this.pending = false;
  }
}

/**
 * `runEvents(runId, afterSeq)`: the stored events after `afterSeq`, then live ones, in sequence
 * order, ending after the run's terminal event. Works behind any number of gateway instances:
 * each listens to Postgres, not to its own memory.
 */
export async function* runEventStream(
  prisma: Db,
  listener: RunEventListener,
  workspaceId: string,
  runId: string,
  afterSeq: number,
): AsyncGenerator<RunEventRow> {
  const waker = new Waker();
  const stop = new AbortController();
  const unsubscribe = listener.subscribe((n) => n.runId === runId && waker.signal(), waker.signal);
  try {
    await listener.start();
    let last = afterSeq;
    for (;;) {
      await waker.wait(stop.signal);
      for (;;) {
        const rows = await withWorkspace(prisma, workspaceId, (tx) =>
          tx.runEvent.findMany({ where: { runId, seq: { gt: last } }, orderBy: { seq: "asc" }, take: PAGE }),
        );
        for (const row of rows) {
          last = row.seq;
          yield row;
          if (
            row.type.startsWith("run.") &&
            isRunEventType(row.type) &&
            row.status &&
            isTerminalRunStatus(row.status as RunStatus)
          ) {
            return;
          }
        }
        if (rows.length < PAGE) break;
      }
    }
  } finally {
    stop.abort();
    unsubscribe();
  }
}

/** `workspaceRuns(workspaceId)`: a run each time one of the workspace's runs changes status. */
export async function* workspaceRunStream(
  prisma: Db,
  listener: RunEventListener,
  workspaceId: string,
): AsyncGenerator<RunRow> {
  const queue: string[] = [];
  const waker = new Waker();
  const stop = new AbortController();
  const unsubscribe = listener.subscribe((n) => {
    if (n.workspaceId === workspaceId && n.runStatus) {
      queue.push(n.runId);
      waker.signal();
    }
  });
  try {
    await listener.start();
    for (;;) {
      await waker.wait(stop.signal);
      while (queue.length) {
        const ids = [...new Set(queue.splice(0))];
        const rows = await withWorkspace(prisma, workspaceId, (tx) =>
          tx.run.findMany({ where: { id: { in: ids } } }),
        );
        for (const row of rows) yield row;
      }
    }
  } finally {
    stop.abort();
    unsubscribe();
  }
}

import { type Db, type RunEvent as RunEventRow, type Run as RunRow } from "@weft/db";
import type { RunEventListener } from "@weft/db/run-event-listener";
import { readEventsAfterSeq } from "@weft/db/run-events";
import { readRunsById } from "@weft/db/run-statements";
import { isRunEventType, isTerminalRunStatus, type RunStatus } from "@weft/schema";

const PAGE = 500;

/**
 * Orders wake-ups and reads within this process (see readEventsAfter). Strictly increasing and
 * only touched synchronously, so "a read that started after this wake-up" is a comparison.
 */
let clock = 0;

/** A new point on that clock: a wake-up (or the start of a read). */
export const markWakeUp = (): number => ++clock;

/**
 * A wake-up flag fed by LISTEN notices: subscribers never trust a notice's content, they re-read
 * the rows (RLS-scoped) after their last sequence number, so nothing is missed or reordered, and
 * a reconnect of the listener just means "read again".
 */
export class Waker {
  private pending = true;
  private wake: (() => void) | null = null;
  /** When (on `clock`) the latest reason to read arrived; creation counts as one. */
  signalledAt = markWakeUp();
  signal = () => {
    this.pending = true;
    this.signalledAt = markWakeUp();
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

interface Read {
  startedAt: number;
  rows: Promise<RunEventRow[]>;
}

/** Reads in flight, per Prisma client (one per gateway; tests run several in one process). */
const readsInFlight = new WeakMap<Db, Map<string, Read>>();

/**
 * One page of a run's events after `afterSeq`, shared by every subscriber of that run asking for
 * the same page at the same time: a NOTIFY wakes all of a run's subscribers at once, and without
 * sharing, 1,000 subscribers meant 1,000 identical transactions per event (measured: p95 2.3 s at
 * 100 subscribers, pool timeouts at 1,000; bench/RESULTS.md, scenario 5).
 *
 * A subscriber only joins a read that started after its latest wake-up (`notBefore`): the NOTIFY
 * that woke it was sent at commit, so such a read sees that row; an older read might not. Rows
 * are read with the subscriber's workspace scope, which is part of the key, so RLS is unchanged.
 */
export function readEventsAfter(
  prisma: Db,
  workspaceId: string,
  runId: string,
  afterSeq: number,
  notBefore: number,
): Promise<RunEventRow[]> {
  let reads = readsInFlight.get(prisma);
  if (!reads) {
    reads = new Map();
    readsInFlight.set(prisma, reads);
  }
  const key = `${workspaceId}:${runId}:${afterSeq}`;
  const current = reads.get(key);
  if (current && current.startedAt > notBefore) return current.rows;
  const read: Read = {
    startedAt: markWakeUp(),
    rows: readEventsAfterSeq(prisma, { workspaceId, runId, afterSeq, limit: PAGE }),
  };
  reads.set(key, read);
  const done = () => {
    if (reads.get(key) === read) reads.delete(key);
  };
  read.rows.then(done, done);
  return read.rows;
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
  /** Aborted when the subscriber goes away: the stream stops, even while waiting for an event. */
  ended: AbortSignal = new AbortController().signal,
): AsyncGenerator<RunEventRow> {
  const waker = new Waker();
  const unsubscribe = listener.subscribe((n) => n.runId === runId && waker.signal(), waker.signal);
  try {
    await listener.start();
    let last = afterSeq;
    for (;;) {
      await waker.wait(ended);
      if (ended.aborted) return;
      const notBefore = waker.signalledAt;
      for (;;) {
        const rows = await readEventsAfter(prisma, workspaceId, runId, last, notBefore);
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
    unsubscribe();
  }
}

/** `workspaceRuns(workspaceId)`: a run each time one of the workspace's runs changes status. */
export async function* workspaceRunStream(
  prisma: Db,
  listener: RunEventListener,
  workspaceId: string,
  /** Aborted when the subscriber goes away: the stream stops, even while waiting. */
  ended: AbortSignal = new AbortController().signal,
): AsyncGenerator<RunRow> {
  const queue: string[] = [];
  const waker = new Waker();
  const unsubscribe = listener.subscribe((n) => {
    if (n.workspaceId === workspaceId && n.runStatus) {
      queue.push(n.runId);
      waker.signal();
    }
  });
  try {
    await listener.start();
    for (;;) {
      await waker.wait(ended);
      if (ended.aborted) return;
      while (queue.length) {
        const ids = [...new Set(queue.splice(0))];
        const rows = await readRunsById(prisma, workspaceId, ids);
        for (const row of rows) yield row;
      }
    }
  } finally {
    unsubscribe();
  }
}

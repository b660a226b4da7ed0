"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { useQuery, type CombinedError } from "urql";
import { RUN, type RunData } from "@/lib/graphql";
import { RUN_EVENT_STREAM, type RunEventItem, type RunEventStreamData } from "@/lib/graphql/runs";
import { useStream } from "./use-stream";
import { applyEvent, emptyLiveRun, isFinalRun, loadLiveRun, saveLiveRun, type LiveRun } from "./run-state";

/** Bursts of events (parallel branches) become one refetch of the run's details. */
const REFETCH_MS = 200;
/** Events arriving within this window are applied together. */
const BATCH_MS = 16;
/** Writing the folded state to sessionStorage at most this often (and on page hide). */
const SAVE_MS = 250;

export interface LiveRunResult {
  data: RunData | undefined;
  error: CombinedError | undefined;
  live: LiveRun;
  /** The subscription failed (the run query may still be fine). */
  streamError: CombinedError | undefined;
  /** False until the stored state (if any) is restored and the stream is requested. */
  streaming: boolean;
  refetch: () => void;
}

/**
 * One run, live. The `runEvents` subscription is folded into a `LiveRun` (statuses, attempts,
 * approvals, streamed output) that is kept in sessionStorage; after a reload the subscription
 * resumes with `afterSeq` = the last applied event, so nothing is replayed into the picture twice
 * (and `applyEvent` ignores any event at or below it anyway). Events also trigger a debounced
 * refetch of the run for the details the events do not carry (inputs, outputs, logs, cost).
 */
export function useLiveRun(runId: string): LiveRunResult {
  const [{ data, error }, reexecute] = useQuery<RunData>({
    query: RUN,
    variables: { id: runId },
    requestPolicy: "network-only",
  });
  const [live, setLive] = useState<LiveRun>(emptyLiveRun);
  // Read after mount (sessionStorage does not exist during server rendering).
  const [afterSeq, setAfterSeq] = useState<number | null>(null);
  useEffect(() => {
    const stored = loadLiveRun(runId);
    setLive(stored ?? emptyLiveRun());
    setAfterSeq(stored?.lastSeq ?? 0);
  }, [runId]);

  const refetch = useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]);
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(refetchTimer.current), []);

  // A stored state that already saw the final event needs no stream: nothing more will happen.
  const storedFinal = afterSeq !== null && isFinalRun(live.status) && live.lastSeq === afterSeq;
  // Events are applied in batches (a replay delivers hundreds at once): one render per batch.
  const queue = useRef<RunEventItem[]>([]);
  const flushTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(flushTimer.current), []);
  const onEvent = useCallback(
    ({ runEvents: e }: RunEventStreamData) => {
      queue.current.push(e);
      if (!flushTimer.current)
        flushTimer.current = setTimeout(() => {
          flushTimer.current = undefined;
          const batch = queue.current.splice(0);
          setLive((s) => batch.reduce(applyEvent, s));
        }, BATCH_MS);
      // Logs and partial output change no status; details are refetched for status changes only.
      if (e.status) {
        clearTimeout(refetchTimer.current);
        refetchTimer.current = setTimeout(refetch, REFETCH_MS);
      }
    },
    [refetch],
  );
  const streamError = useStream(
    RUN_EVENT_STREAM,
    { runId, afterSeq: afterSeq ?? 0 },
    afterSeq === null || storedFinal,
    onEvent,
  );

  // Persist the folded state (throttled, flushed on page hide) so a reload can resume.
  const latest = useRef(live);
  const saveTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    latest.current = live;
    if (afterSeq === null || live.lastSeq === 0) return;
    if (!saveTimer.current)
      saveTimer.current = setTimeout(() => {
        saveTimer.current = undefined;
        saveLiveRun(runId, latest.current);
      }, SAVE_MS);
  }, [live, runId, afterSeq]);
  useEffect(() => {
    const flush = () => {
      if (latest.current.lastSeq > 0) saveLiveRun(runId, latest.current);
    };
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      clearTimeout(saveTimer.current);
      saveTimer.current = undefined;
      flush();
    };
  }, [runId]);

  return { data, error, live, streamError, streaming: afterSeq !== null, refetch };
}

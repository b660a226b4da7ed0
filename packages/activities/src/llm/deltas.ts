import { withWorkspace } from "@weft/db";
import { appendEvent } from "@weft/db/run-events";
import type { NodeContext } from "../nodes/types.ts";

/** Partial output reaches the run view at most this often: one RunEvent (a row + NOTIFY) each. */
export const DELTA_INTERVAL_MS = 250;

export interface DeltaStream {
  push(text: string): void;
  /** Writes what is left and waits for every write; call before the node returns. */
  close(): Promise<void>;
}

/**
 * Turns a token stream into throttled `node.output.delta` events. One write at a time, and the
 * next starts no sooner than DELTA_INTERVAL_MS after the previous one *finished*, so a slow
 * database never lets events bunch up. Text is redacted before it is written (a prompt may carry
 * a secret the model repeats), and the last few characters are held back until the end, so a
 * secret split across two chunks is never written half-way.
 */
export function deltaStream(ctx: NodeContext<unknown>, holdBack = 64): DeltaStream {
  let full = "";
  let emitted = 0;
  let lastWrite = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  const schedule = () => {
    if (timer || inFlight) return;
    timer = setTimeout(() => write(false), Math.max(0, lastWrite + DELTA_INTERVAL_MS - Date.now()));
  };

  const write = (final: boolean) => {
    timer = undefined;
    const safe = ctx.redact(full);
    const upto = final ? safe.length : Math.max(emitted, safe.length - holdBack);
    if (upto <= emitted) return;
    const data = { delta: safe.slice(emitted, upto), offset: emitted };
    emitted = upto;
    inFlight = withWorkspace(ctx.deps.prisma, ctx.workspaceId, (tx) =>
      appendEvent(tx, {
        workspaceId: ctx.workspaceId,
        runId: ctx.runId,
        nodeId: ctx.nodeId,
        type: "node.output.delta",
        data,
      }),
    )
      // Progress display is best effort: a lost delta must not fail the node.
      .catch(() => undefined)
      .then(() => {
        lastWrite = Date.now();
        inFlight = undefined;
        if (!final) schedule();
      });
  };

  return {
    push(text) {
      full += text;
      schedule();
    },
    async close() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
      if (timer) clearTimeout(timer);
      write(true);
      await inFlight;
    },
  };
}

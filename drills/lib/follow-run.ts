import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { sleep } from "./report.ts";

export interface StreamedEvent {
  seq: number;
  runId: string;
  type: string;
  nodeId: string | null;
  status: string | null;
  data: unknown;
}

export const RUN_EVENTS = `subscription ($r: ID!, $after: Int) {
  runEvents(runId: $r, afterSeq: $after) { seq runId type nodeId status at data } }`;

const TERMINAL = new Set(["run.succeeded", "run.failed", "run.cancelled"]);
/** Refusals that another attempt cannot fix. */
const FATAL_CODES = new Set(["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT"]);
const FATAL_CLOSE = new Set([4401, 4403]);

export interface FollowOptions {
  wsUrl: string;
  token: string;
  runId: string;
  /** Start after this sequence number (default: replay the run from its first event). */
  afterSeq?: number;
  /** First wait before resubscribing; doubles up to maxRetryDelayMs, resets on progress. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Give up when no new event arrived for this long (default 120 s). */
  stallMs?: number;
  onEvent?: (event: StreamedEvent) => void;
}

export interface Followed {
  /** Every event received, in arrival order (duplicates included, so they can be counted). */
  events: StreamedEvent[];
  /** Subscriptions re-opened after the previous one broke. */
  resumes: number;
  /** The run's terminal event was received. */
  ended: boolean;
  /** Why it stopped early (fatal refusal, or no progress). */
  error?: string;
}

/**
 * `runEvents` that survives gateway restarts and dropped sockets: when a subscription breaks, it
 * subscribes again with `afterSeq` = the last sequence number it saw, so nothing is replayed twice
 * and nothing written in between is missed (the gateway reads events from Postgres by sequence).
 * This is the loop a long-lived client (the studio's run view, a CLI tail) needs; graphql-ws' own
 * retry would resubscribe with the original variables and replay the run from the start.
 */
export async function followRunEvents(opts: FollowOptions): Promise<Followed> {
  const initialDelay = opts.retryDelayMs ?? 200;
  const maxDelay = opts.maxRetryDelayMs ?? 2_000;
  const stallMs = opts.stallMs ?? 120_000;
  const events: StreamedEvent[] = [];
  let last = opts.afterSeq;
  let ended = false;
  let resumes = 0;
  let delay = initialDelay;
  let progressAt = Date.now();

  for (;;) {
    const outcome = await subscribeOnce(opts, last, (event) => {
      events.push(event);
      if (last === undefined || event.seq > last) {
        last = event.seq;
        progressAt = Date.now();
        delay = initialDelay;
      }
      if (TERMINAL.has(event.type)) ended = true;
      opts.onEvent?.(event);
    });
    if (ended) return { events, resumes, ended };
    if (outcome.fatal) return { events, resumes, ended, error: outcome.fatal };
    if (Date.now() - progressAt > stallMs) {
      return { events, resumes, ended, error: `no new event for ${stallMs} ms (last: ${outcome.why})` };
    }
    resumes += 1;
    await sleep(delay);
    delay = Math.min(delay * 2, maxDelay);
  }
}

/** One subscription until it completes or breaks; says whether trying again can help. */
function subscribeOnce(
  opts: FollowOptions,
  afterSeq: number | undefined,
  onEvent: (event: StreamedEvent) => void,
): Promise<{ fatal?: string; why: string }> {
  const client = createClient({
    url: opts.wsUrl,
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${opts.token}` },
  });
  return new Promise<{ fatal?: string; why: string }>((resolve) => {
    client.subscribe<{ runEvents: StreamedEvent }>(
      {
        query: RUN_EVENTS,
        variables: { r: opts.runId, ...(afterSeq !== undefined ? { after: afterSeq } : {}) },
      },
      {
        next: (value) => {
          if (value.errors?.length) {
            const codes = value.errors.map((e) => String(e.extensions?.["code"] ?? ""));
            const message = value.errors.map((e) => e.message).join("; ");
            resolve(
              codes.some((c) => FATAL_CODES.has(c)) ? { fatal: message, why: message } : { why: message },
            );
            return;
          }
          if (value.data?.runEvents) onEvent(value.data.runEvents);
        },
        error: (error) => {
          if (Array.isArray(error)) {
            const errors = error as { message?: string; extensions?: { code?: unknown } }[];
            const message = errors.map((e) => e.message).join("; ");
            const fatal = errors.some((e) => FATAL_CODES.has(String(e.extensions?.code ?? "")));
            resolve(fatal ? { fatal: message, why: message } : { why: message });
          } else if (
            error &&
            typeof error === "object" &&
            "code" in error &&
            typeof error.code === "number"
          ) {
            const why = `socket closed ${error.code}${"reason" in error && error.reason ? ` ${String(error.reason)}` : ""}`;
            resolve(FATAL_CLOSE.has(error.code) ? { fatal: why, why } : { why });
          } else {
            resolve({ why: error instanceof Error ? error.message : String(error) });
          }
        },
        complete: () => resolve({ why: "completed" }),
      },
    );
  }).finally(() => void client.dispose());
}

/**
 * How a client's received sequence numbers compare with the run's stored events: what it missed,
 * what it got twice, and whether it ever went backwards.
 */
export function compareSeqs(received: number[], stored: number[]) {
  const got = new Set(received);
  const missed = stored.filter((s) => !got.has(s)).length;
  const duplicates = received.length - got.size;
  let outOfOrder = 0;
  for (let i = 1; i < received.length; i++) if (received[i]! <= received[i - 1]!) outOfOrder++;
  const unknown = received.filter((s) => !stored.includes(s)).length;
  return { missed, duplicates, outOfOrder, unknown };
}

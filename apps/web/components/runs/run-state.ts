/**
 * The run view's picture of a run, folded from its `runEvents` stream. Pure functions: every
 * event is applied at most once (by its per-run `seq`), so a replay after a reconnect or a
 * reload, which may repeat events already seen, changes nothing.
 */
import {
  TERMINAL_NODE_RUN_STATUSES,
  TERMINAL_RUN_STATUSES,
  type NodeRunStatus,
  type RunStatus,
} from "@weft/schema";
import type { RunEventItem } from "@/lib/graphql/runs";

export interface AttemptMark {
  attempt: number;
  /** When the attempt started (the event's time). */
  at: string;
  /** The error of the attempt before this one, for retries. */
  previousError?: string;
}

export interface ApprovalRequest {
  message: string;
  approvers: string[] | null;
  timeoutMs: number | null;
  at: string;
}

export interface LiveNode {
  status?: NodeRunStatus;
  startedAt?: string;
  finishedAt?: string;
  attempts: AttemptMark[];
  maxAttempts?: number;
  error?: string;
  approval?: ApprovalRequest;
  reusedFromRunId?: string;
  /** Streamed partial output (node.output.delta), assembled by offset. */
  partial?: string;
}

export interface LiveRun {
  /** The highest event sequence number applied. */
  lastSeq: number;
  status?: RunStatus;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
  nodes: Record<string, LiveNode>;
}

export function emptyLiveRun(): LiveRun {
  return { lastSeq: 0, nodes: {} };
}

/** Streamed text kept for display; beyond this the final output (from the run query) is shown. */
const MAX_PARTIAL = 64_000;

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function applyNodeEvent(node: LiveNode, e: RunEventItem): LiveNode {
  const data = record(e.data);
  const next: LiveNode = { ...node };
  switch (e.type) {
    case "node.started":
    case "node.retrying":
    case "node.waiting": {
      const attempt = num(data["attempt"]) ?? (e.type === "node.retrying" ? node.attempts.length + 1 : 1);
      // One mark per attempt number: a recorded event is never counted twice.
      if (!node.attempts.some((a) => a.attempt === attempt)) {
        const previousError = str(data["previousError"]);
        next.attempts = [
          ...node.attempts,
          { attempt, at: e.at, ...(previousError ? { previousError } : {}) },
        ].sort((a, b) => a.attempt - b.attempt);
      }
      next.maxAttempts = num(data["maxAttempts"]) ?? node.maxAttempts;
      next.startedAt = node.startedAt ?? e.at;
      if (e.type === "node.waiting") {
        next.approval = {
          message: str(data["message"]) ?? "",
          approvers: Array.isArray(data["approvers"])
            ? (data["approvers"] as unknown[]).filter((a): a is string => typeof a === "string")
            : null,
          timeoutMs: num(data["timeoutMs"]) ?? null,
          at: e.at,
        };
      }
      break;
    }
    case "node.output.delta": {
      const delta = str(data["delta"]);
      const offset = num(data["offset"]);
      if (delta === undefined || offset === undefined) break;
      // Placed by offset, so a repeated or overlapping delta rewrites the same characters.
      const before = (node.partial ?? "").padEnd(offset, " ").slice(0, offset);
      const assembled = before + delta;
      next.partial = assembled.length > MAX_PARTIAL ? assembled.slice(0, MAX_PARTIAL) : assembled;
      break;
    }
    default:
      break;
  }
  const status = e.status as NodeRunStatus | null;
  if (status) {
    next.status = status;
    if (TERMINAL_NODE_RUN_STATUSES.has(status)) {
      next.finishedAt = e.at;
      next.startedAt = next.startedAt ?? e.at;
    }
  }
  const error = str(data["error"]);
  if (error) next.error = error;
  const reused = str(data["reusedFromRunId"]);
  if (reused) next.reusedFromRunId = reused;
  return next;
}

/** Applies one event; events at or below `lastSeq` are ignored (already applied). */
export function applyEvent(state: LiveRun, e: RunEventItem): LiveRun {
  if (e.seq <= state.lastSeq) return state;
  if (e.nodeId) {
    const node = state.nodes[e.nodeId] ?? { attempts: [] };
    return { ...state, lastSeq: e.seq, nodes: { ...state.nodes, [e.nodeId]: applyNodeEvent(node, e) } };
  }
  const next: LiveRun = { ...state, lastSeq: e.seq };
  const status = e.status as RunStatus | null;
  if (status) {
    next.status = status;
    if (status === "RUNNING") next.startedAt = state.startedAt ?? e.at;
    if (TERMINAL_RUN_STATUSES.has(status)) next.finishedAt = e.at;
  }
  const error = str(record(e.data)["error"]);
  if (error) next.error = error;
  return next;
}

export function isFinalRun(status: RunStatus | undefined): boolean {
  return !!status && TERMINAL_RUN_STATUSES.has(status);
}

/**
 * The newer of two statuses for one run: the event stream is newer than a fetched row unless
 * the row is already final and the stream has not caught up (a reload resumes mid-history).
 */
export function mergeRunStatus(fetched: RunStatus, live: RunStatus | undefined): RunStatus {
  if (!live) return fetched;
  if (TERMINAL_RUN_STATUSES.has(fetched) && !TERMINAL_RUN_STATUSES.has(live)) return fetched;
  return live;
}

export function mergeNodeStatus(
  fetched: NodeRunStatus | undefined,
  live: NodeRunStatus | undefined,
): NodeRunStatus {
  if (!live) return fetched ?? "PENDING";
  if (fetched && TERMINAL_NODE_RUN_STATUSES.has(fetched) && !TERMINAL_NODE_RUN_STATUSES.has(live))
    return fetched;
  return live;
}

// ---------- persistence across reloads ----------

const STORAGE_PREFIX = "weft:run-events:v1:";

/** The folded state of a run as this tab last saw it; a reload resumes after its `lastSeq`. */
export function loadLiveRun(runId: string): LiveRun | null {
  try {
    const raw = window.sessionStorage.getItem(STORAGE_PREFIX + runId);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<LiveRun>;
    if (typeof parsed.lastSeq !== "number" || !parsed.nodes || typeof parsed.nodes !== "object") return null;
    return { ...emptyLiveRun(), ...parsed } as LiveRun;
  } catch {
    return null;
  }
}

/** State and `lastSeq` are written together, so what is restored is always consistent. */
export function saveLiveRun(runId: string, state: LiveRun): void {
  try {
    window.sessionStorage.setItem(STORAGE_PREFIX + runId, JSON.stringify(state));
  } catch {
    // Storage full or disabled: a reload then replays from the start, which is also correct.
  }
}

/**
 * What the run view shows for each node: the version's graph, the fetched node runs (details)
 * and the live event state (statuses, attempts, approvals) merged into one row per node.
 */
import { topologicalOrder } from "@weft/schema";
import { normaliseGraph, type DraftGraph } from "@/lib/editor/draft-store";
import type { NodeRunDetail, RunDetail, RunStatus } from "@/lib/graphql";
import { mergeNodeStatus, mergeRunStatus, type AttemptMark, type LiveNode, type LiveRun } from "./run-state";

export type DisplayStatus =
  "pending" | "running" | "waiting" | "succeeded" | "failed" | "skipped" | "cancelled";

export const STATUS_LABELS: Record<DisplayStatus, string> = {
  pending: "Pending",
  running: "Running",
  waiting: "Waiting for approval",
  succeeded: "Succeeded",
  failed: "Failed",
  skipped: "Skipped",
  cancelled: "Cancelled",
};

export const DISPLAY_STATUSES = Object.keys(STATUS_LABELS) as DisplayStatus[];

export interface NodeRow {
  id: string;
  type: string;
  label: string;
  status: DisplayStatus;
  /** The status in words ("Not run" for a step a finished run never reached). */
  statusText: string;
  nodeRun: NodeRunDetail | undefined;
  live: LiveNode | undefined;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: AttemptMark[];
  maxAttempts: number | undefined;
  /** Outcome copied from an earlier run by retry-from-failed (that run's id, when known). */
  reused: boolean;
  reusedFromRunId: string | null;
  error: string | null;
  /** For approval nodes: who may decide (from the node's config), and the rendered question. */
  approval: { message: string; approvers: string[] | null } | null;
}

export interface RunModel {
  status: RunStatus;
  final: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  graph: DraftGraph;
  rows: NodeRow[];
}

const FINAL: ReadonlySet<RunStatus> = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

function before(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && new Date(a).getTime() < new Date(b).getTime();
}

export function buildRunModel(run: RunDetail, live: LiveRun): RunModel {
  const graph = normaliseGraph(run.version.graph);
  let order: string[];
  try {
    order = topologicalOrder({ nodes: graph.nodes, edges: graph.edges });
  } catch {
    order = graph.nodes.map((n) => n.id);
  }
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const nodeRuns = new Map(run.nodeRuns.map((nr) => [nr.nodeId, nr]));
  const status = mergeRunStatus(run.status, live.status);
  const runStartedAt = run.startedAt ?? live.startedAt ?? null;

  const final = FINAL.has(status);
  const rows = order.flatMap((id): NodeRow[] => {
    const def = byId.get(id);
    if (!def) return [];
    const nr = nodeRuns.get(id);
    const ln = live.nodes[id];
    const merged = mergeNodeStatus(nr?.status, ln?.status);
    const isApproval = def.type === "approval";
    const display: DisplayStatus =
      merged === "RUNNING" && isApproval ? "waiting" : (merged.toLowerCase() as DisplayStatus);
    const startedAt = nr?.startedAt ?? ln?.startedAt ?? null;
    const reusedFromRunId = ln?.reusedFromRunId ?? null;
    // Reused rows keep the earlier run's timings, which start before this run did.
    const reused = !!reusedFromRunId || (nr?.status === "SUCCEEDED" && before(startedAt, runStartedAt));
    const config = def.config as { message?: unknown; approvers?: unknown };
    return [
      {
        id,
        type: def.type,
        label: typeof def.name === "string" && def.name ? def.name : id,
        status: display,
        statusText: final && display === "pending" ? "Not run" : STATUS_LABELS[display],
        nodeRun: nr,
        live: ln,
        startedAt,
        finishedAt: nr?.finishedAt ?? ln?.finishedAt ?? null,
        attempts: ln?.attempts ?? [],
        maxAttempts: ln?.maxAttempts,
        reused,
        reusedFromRunId,
        error: nr?.error ?? ln?.error ?? null,
        approval: isApproval
          ? {
              message: ln?.approval?.message || (typeof config.message === "string" ? config.message : ""),
              approvers: Array.isArray(config.approvers)
                ? config.approvers.filter((a): a is string => typeof a === "string")
                : (ln?.approval?.approvers ?? null),
            }
          : null,
      },
    ];
  });

  return {
    status,
    final,
    startedAt: runStartedAt,
    finishedAt: run.finishedAt ?? live.finishedAt ?? null,
    graph,
    rows,
  };
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${seconds} s`;
}

/** Milliseconds between two instants, the second defaulting to `now` (still running). */
export function elapsed(from: string | null, to: string | null, now: number): number | null {
  if (!from) return null;
  return Math.max(0, (to ? new Date(to).getTime() : now) - new Date(from).getTime());
}

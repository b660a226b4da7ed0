/**
 * Run and node-run statuses and run-event types shared by the worker (which records events),
 * the gateway (which streams them) and the browser (which renders them). The status unions
 * mirror API.md's GraphQL enums exactly.
 */

export const RUN_STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const NODE_RUN_STATUSES = [
  "PENDING",
  "RUNNING",
  "SUCCEEDED",
  "FAILED",
  "SKIPPED",
  "CANCELLED",
] as const;
export type NodeRunStatus = (typeof NODE_RUN_STATUSES)[number];

export const RUN_TRIGGERS = ["MANUAL", "SCHEDULE", "API"] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
export const TERMINAL_NODE_RUN_STATUSES: ReadonlySet<NodeRunStatus> = new Set([
  "SUCCEEDED",
  "FAILED",
  "SKIPPED",
  "CANCELLED",
]);

export function isTerminalRunStatus(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.has(status);
}

export function isTerminalNodeRunStatus(status: NodeRunStatus): boolean {
  return TERMINAL_NODE_RUN_STATUSES.has(status);
}

export const RUN_EVENT_TYPES = [
  "run.queued",
  "run.started",
  "run.succeeded",
  "run.failed",
  "run.cancelled",
  "node.started",
  "node.retrying",
  "node.succeeded",
  "node.failed",
  "node.skipped",
  /** The run was cancelled (or failed elsewhere) while this node was running or waiting. */
  "node.cancelled",
  "node.log",
  /** An approval node is waiting for a decision (see WORKFLOW_SIGNALS.approval). */
  "node.waiting",
  /** Partial LLM output of a streaming node, throttled: `data.delta` is the text at `data.offset`. */
  "node.output.delta",
] as const;
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];

export type RunEventTypeOf<P extends "run" | "node"> = Extract<RunEventType, `${P}.${string}`>;

/** Status a run or node run has after an event of this type; events without one (log) map to undefined. */
export const RUN_EVENT_STATUS: Readonly<Record<RunEventType, RunStatus | NodeRunStatus | undefined>> = {
  "run.queued": "QUEUED",
  "run.started": "RUNNING",
  "run.succeeded": "SUCCEEDED",
  "run.failed": "FAILED",
  "run.cancelled": "CANCELLED",
  "node.started": "RUNNING",
  "node.retrying": "RUNNING",
  "node.succeeded": "SUCCEEDED",
  "node.failed": "FAILED",
  "node.skipped": "SKIPPED",
  "node.cancelled": "CANCELLED",
  "node.log": undefined,
  "node.waiting": "RUNNING",
  "node.output.delta": undefined,
};

export function isRunEventType(value: string): value is RunEventType {
  return (RUN_EVENT_TYPES as readonly string[]).includes(value);
}

/** Payload of the approval signal; the gateway sends it after checking the approver's role. */
export interface ApprovalSignal {
  nodeId: string;
  approved: boolean;
  /** User id of the member who decided. */
  decidedBy: string;
  comment?: string;
}

/** Temporal task queue every Weft worker polls; the gateway starts workflows on it. */
export const AGENT_TASK_QUEUE = "weft-agents";

/** Workflow type names, shared by the worker (which registers them) and clients (which start them). */
export const WORKFLOW_TYPES = {
  /** Liveness probe: proves a worker polls the queue and can run an activity. */
  ping: "ping",
  /** Interprets one agent version's graph: `runAgent({ runId, workspaceId, versionId, graph, input })`. */
  runAgent: "runAgent",
} as const;

export type WorkflowType = (typeof WORKFLOW_TYPES)[keyof typeof WORKFLOW_TYPES];

/**
 * Signal names. There is no cancel signal: runs are cancelled with Temporal's own workflow
 * cancellation, which also cancels in-flight activities and timers.
 */
export const WORKFLOW_SIGNALS = {
  /** Carries an `ApprovalSignal` (see run-events.ts) to a waiting approval node. */
  approval: "approval",
} as const;

export type WorkflowSignal = (typeof WORKFLOW_SIGNALS)[keyof typeof WORKFLOW_SIGNALS];

/** Query names, for reading a live run's in-memory state without touching history. */
export const WORKFLOW_QUERIES = {
  /** Node statuses as the workflow currently sees them. */
  nodeStatuses: "nodeStatuses",
} as const;

export type WorkflowQuery = (typeof WORKFLOW_QUERIES)[keyof typeof WORKFLOW_QUERIES];

/**
 * Node outputs above this size are stored in Postgres and passed by reference: Temporal caps
 * payloads (2 MB by default) and every output is copied into history.
 */
export const LARGE_OUTPUT_THRESHOLD_BYTES = 256 * 1024;

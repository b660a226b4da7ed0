/** Temporal task queue every Weft worker polls; the gateway starts workflows on it. */
export const AGENT_TASK_QUEUE = "weft-agents";

/** Workflow type names, shared by the worker (which registers them) and clients (which start them). */
export const WORKFLOW_TYPES = {
  /** Liveness probe: proves a worker polls the queue and can run an activity. */
  ping: "ping",
  /** Interprets one agent version's graph: `runAgent({ runId, workspaceId, versionId, graph, input })`. */
  runAgent: "runAgent",
  /** What a Temporal Schedule starts: resolves the agent's live version at fire time, then runs it. */
  scheduledRun: "scheduledRun",
  /** English → AgentSpec through the workspace's LLM provider (the call and its key stay in an activity). */
  generateSpec: "generateSpec",
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

/**
 * Postgres NOTIFY channel for run progress. Activities insert a RunEvent row and, in the same
 * transaction, `pg_notify(RUN_EVENTS_CHANNEL, JSON.stringify(RunEventNotice))`; NOTIFY is
 * delivered at commit, so a listener never hears of a row it cannot read yet. Every gateway
 * instance LISTENs and reads the rows by (runId, seq > last seen). The SQL function
 * `weft_append_event` (prisma/migrations/*_node_hot_path) names this channel too; the
 * cross-process runEvents tests fail if the two ever disagree.
 */
export const RUN_EVENTS_CHANNEL = "weft_run_events";

export interface RunEventNotice {
  workspaceId: string;
  runId: string;
  seq: number;
  type: string;
  /** Present on run.* events: the run's new status. */
  runStatus?: string;
}

/**
 * Input of the `runAgent` workflow. The caller (gateway, schedule, parent run) has already
 * created the Run row (status QUEUED) and validated `input` against the graph's inputs. The graph
 * snapshot travels in the input, so editing or publishing never changes a run in flight.
 */
export interface RunAgentInput {
  runId: string;
  workspaceId: string;
  agentId: string;
  versionId: string;
  graph: import("./graph.ts").Graph;
  input: Record<string, unknown>;
  /** Sub-agent nesting depth (0 for a top-level run). */
  depth?: number;
  /** Retry-from-failed: reuse the recorded outputs of nodes that succeeded in this run. */
  reuseFromRunId?: string;
}

/** Temporal workflow id of a run: one workflow per Run row, so starting twice is refused. */
export function runWorkflowId(runId: string): string {
  return `run-${runId}`;
}

/** Temporal Schedule id of a Weft schedule row. */
export function temporalScheduleId(scheduleId: string): string {
  return `schedule-${scheduleId}`;
}

export interface ScheduledRunInput {
  scheduleId: string;
  workspaceId: string;
}

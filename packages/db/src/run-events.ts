import { Prisma, type Run, type RunEvent } from "./generated/prisma/client.ts";
import { sqlPool, type Db, type Tx } from "./client.ts";
import { NodeWriteBatcher, type NodeWrite } from "./node-writes.ts";
import type { RunEventType, RunTrigger } from "@weft/schema";

export interface EventInput {
  workspaceId: string;
  runId: string;
  type: RunEventType;
  nodeId?: string;
  status?: string;
  data?: Record<string, unknown>;
}

/**
 * Appends a RunEvent with the run's next sequence number and NOTIFYs listeners, inside the
 * caller's transaction (SQL function `weft_append_event`, the one home of this rule). Bumping
 * Run.lastEventSeq row-locks the run, so events of parallel nodes get gap-free, strictly increasing
 * numbers; NOTIFY is delivered only at commit.
 */
export async function appendEvent(tx: Tx | Db, e: EventInput): Promise<number> {
  const rows = await tx.$queryRaw<Array<{ seq: number }>>`
    SELECT weft_append_event(${e.workspaceId}::uuid, ${e.runId}::uuid, ${e.type}, ${e.nodeId ?? null},
      ${e.status ?? null}, ${jsonText(e.data)}::jsonb) AS seq`;
  const seq = rows[0]?.seq;
  if (seq === undefined) throw new Error(`run ${e.runId} is not visible in workspace ${e.workspaceId}`);
  return seq;
}

/** A value as jsonb parameter text; `undefined`/`null` become SQL NULL. */
function jsonText(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** jsonb comes back parsed from the pg driver; be tolerant of text. */
function parsed<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

/**
 * Up to `limit` of a run's events after `afterSeq`, in order, in one statement
 * (`weft_run_events_after`, workspace-scoped): what a subscriber reads on every NOTIFY.
 */
export async function readEventsAfterSeq(
  db: Db,
  a: { workspaceId: string; runId: string; afterSeq: number; limit: number },
): Promise<RunEvent[]> {
  const { rows } = await sqlPool(db).query<RunEvent>(
    "SELECT * FROM weft_run_events_after($1::uuid, $2::uuid, $3::int, $4::int)",
    [a.workspaceId, a.runId, a.afterSeq, a.limit],
  );
  return rows;
}

export interface NodeScopeRecord {
  input: Record<string, unknown>;
  nodes: Record<string, { output?: unknown; error?: { message: string } }>;
}

/** The run input and every finished node's outcome (`weft_run_scope`); null if not visible. */
export async function readRunScope(tx: Tx | Db, runId: string): Promise<NodeScopeRecord | null> {
  const rows = await tx.$queryRaw<Array<{ scope: unknown }>>`SELECT weft_run_scope(${runId}::uuid) AS scope`;
  return rows[0]?.scope == null ? null : parsed<NodeScopeRecord>(rows[0].scope);
}

export interface NodeBegin {
  /** The run is not visible in this workspace. */
  missing?: true;
  scope: NodeScopeRecord;
  /** An earlier attempt succeeded but its completion was lost: answer, don't run again. */
  done: boolean;
  /** Set when no attempt is left: the previous attempt's error. */
  exhausted?: string;
  /** A later attempt holds the node (Temporal gave up on this one): do nothing. */
  superseded?: true;
  failedAttempts: number;
}

/**
 * Start of a node attempt (`weft_node_begin`): scope (the run input and the outcomes of the nodes
 * in `reads`), settling of the previous attempt, NodeRun RUNNING and its event. Outside any
 * interactive transaction on purpose: it goes out in a batch of node writes (node-writes.ts),
 * each scoped to its own workspace.
 */
export async function beginNodeAttempt(
  db: Db,
  a: {
    workspaceId: string;
    runId: string;
    nodeId: string;
    attempt: number;
    maxAttempts: number;
    item: boolean;
    /** The nodes whose outcomes go into the scope (the ones the node can read); null: all. */
    reads: readonly string[] | null;
    /**
     * Set for a run's first nodes: the run moves QUEUED → RUNNING (run.started, once) in the same
     * write, before the node's start, instead of in a write of its own.
     */
    runStart?: { workflowId: string; temporalRunId: string };
  },
): Promise<NodeBegin> {
  return (await nodeWrites(db).write({ kind: "begin", ...a })) as NodeBegin;
}

/**
 * Success of a node attempt (`weft_node_succeed`, batched like the start): output (large ones
 * into LargeOutput), input, logs, usage, node.log and node.succeeded events.
 */
export async function succeedNodeAttempt(
  db: Db,
  a: {
    workspaceId: string;
    runId: string;
    nodeId: string;
    attempt: number;
    input: unknown;
    output: unknown;
    /** Outputs larger than this many bytes go to LargeOutput and are stored by reference. */
    largeThresholdBytes: number;
    logs: string[];
    tokensIn: number;
    tokensOut: number;
    costUsd: number;
    durationMs: number;
  },
): Promise<void> {
  // The output is encoded once: its size decides LargeOutput, and the same text goes in the op.
  const output = jsonText(a.output) ?? "null";
  const size = Buffer.byteLength(output);
  const op: NodeWrite = {
    kind: "succeed",
    workspaceId: a.workspaceId,
    runId: a.runId,
    nodeId: a.nodeId,
    attempt: a.attempt,
    input: a.input ?? null,
    largeSize: a.output != null && size > a.largeThresholdBytes ? size : null,
    logs: a.logs,
    tokensIn: a.tokensIn,
    tokensOut: a.tokensOut,
    costUsd: String(a.costUsd),
    durationMs: Math.round(a.durationMs),
  };
  await nodeWrites(db).write(`${JSON.stringify(op).slice(0, -1)},"output":${output}}`, a.runId);
}

const batchers = new WeakMap<Db, NodeWriteBatcher>();

/** Node attempt writes go through one batcher per client (see node-writes.ts); exported for tests. */
export function nodeWrites(db: Db): NodeWriteBatcher {
  let batcher = batchers.get(db);
  if (!batcher) {
    batcher = new NodeWriteBatcher(sqlPool(db));
    batchers.set(db, batcher);
  }
  return batcher;
}

/**
 * QUEUED → RUNNING with the workflow's Temporal ids, and run.started, in one statement
 * (`weft_run_started`); false when the run was not QUEUED (a retried call records nothing twice).
 */
export async function markRunRunning(
  db: Db,
  a: { workspaceId: string; runId: string; temporalWorkflowId: string; temporalRunId: string },
): Promise<boolean> {
  return call<boolean>(db, "weft_run_started($1::uuid, $2::uuid, $3, $4)", [
    a.workspaceId,
    a.runId,
    a.temporalWorkflowId,
    a.temporalRunId,
  ]);
}

export interface RunFinish {
  status: "SUCCEEDED" | "FAILED" | "CANCELLED";
  output: Record<string, unknown> | null;
  error: string | null;
}

/**
 * The run's terminal status in one statement (`weft_run_finish`): output from the sinks, leftover
 * nodes CANCELLED, usage reconciled with the LLM ledger and rolled up into the day's UsageRecord
 * (under `noModel` for a run without LLM calls), the final event; once.
 */
export async function finishRunRecord(
  db: Db,
  a: {
    workspaceId: string;
    runId: string;
    status: RunFinish["status"];
    error: string | null;
    outputNodeIds: string[];
    noModel: string;
  },
): Promise<RunFinish> {
  return call<RunFinish>(db, "weft_run_finish($1::uuid, $2::uuid, $3, $4, $5::text[], $6)", [
    a.workspaceId,
    a.runId,
    a.status,
    a.error,
    a.outputNodeIds,
    a.noModel,
  ]);
}

/**
 * `SELECT <fn>(…)` on the pg pool under `db` (not through Prisma: these are the per-node and
 * per-run hot path, see sqlPool), returning the single value as pg decodes it (jsonb parsed).
 */
async function call<T>(db: Db, fn: string, values: unknown[]): Promise<T> {
  const { rows } = await sqlPool(db).query<{ r: T }>(`SELECT ${fn} AS r`, values);
  return rows[0]!.r;
}

/** JSON for a Prisma Json column; `undefined`/`null` become SQL NULL. */
export function json(value: unknown): Prisma.InputJsonValue | typeof Prisma.JsonNull {
  return value === undefined || value === null ? Prisma.JsonNull : (value as Prisma.InputJsonValue);
}

export interface QueuedRunInput {
  /** Chosen by the caller when the id must be deterministic (a workflow creating its run). */
  id?: string;
  workspaceId: string;
  agentId: string;
  versionId: string;
  input: Record<string, unknown>;
  trigger: RunTrigger;
  createdById?: string | null;
  retryOfRunId?: string | null;
  scheduleId?: string | null;
  parentRunId?: string | null;
  parentNodeId?: string | null;
}

/**
 * The Run row (QUEUED) and its first event, written before the workflow starts, so a run is
 * visible (and cancellable) from the moment the API answers; in the caller's transaction, by
 * `weft_queue_run` (also what startRun's one statement uses, writeStartedRun).
 */
export async function createQueuedRun(tx: Tx, run: QueuedRunInput): Promise<Run> {
  const [created] = await tx.$queryRaw<Run[]>`
    SELECT * FROM weft_queue_run(${run.workspaceId}::uuid, ${run.id ?? null}::uuid, ${run.agentId}::uuid,
      ${run.versionId}::uuid, ${JSON.stringify(run.input)}::jsonb, ${run.trigger}, ${run.createdById ?? null}::uuid,
      ${run.retryOfRunId ?? null}::uuid, ${run.scheduleId ?? null}::uuid, ${run.parentRunId ?? null}::uuid,
      ${run.parentNodeId ?? null})`;
  if (!created) throw new Error(`run for agent ${run.agentId} was not queued`);
  return created;
}

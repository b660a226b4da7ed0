import { Prisma } from "./generated/prisma/client.ts";
import type { Db, Tx } from "./client.ts";
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
  failedAttempts: number;
}

/**
 * Start of a node attempt in one statement (`weft_node_begin`): scope, settling of the previous
 * attempt, NodeRun RUNNING and its event. Outside any interactive transaction on purpose: the
 * function scopes itself to the workspace for its own statement.
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
  },
): Promise<NodeBegin> {
  const rows = await db.$queryRaw<Array<{ r: unknown }>>`
    SELECT weft_node_begin(${a.workspaceId}::uuid, ${a.runId}::uuid, ${a.nodeId}, ${a.attempt}::int,
      ${a.maxAttempts}::int, ${a.item}) AS r`;
  return parsed<NodeBegin>(rows[0]?.r);
}

/**
 * Success of a node attempt in one statement (`weft_node_succeed`): output (large ones into
 * LargeOutput), input, logs, usage, node.log and node.succeeded events.
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
  const output = jsonText(a.output);
  const size = output === null ? 0 : Buffer.byteLength(output);
  const largeSize = size > a.largeThresholdBytes ? size : null;
  await db.$queryRaw`
    SELECT weft_node_succeed(${a.workspaceId}::uuid, ${a.runId}::uuid, ${a.nodeId}, ${a.attempt}::int,
      ${jsonText(a.input)}::jsonb, ${output}::jsonb, ${largeSize}::int, ${a.logs}::text[],
      ${a.tokensIn}::int, ${a.tokensOut}::int, ${String(a.costUsd)}::numeric, ${Math.round(a.durationMs)}::int)::text`;
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
 * visible (and cancellable) from the moment the API answers.
 */
export async function createQueuedRun(tx: Tx, run: QueuedRunInput): Promise<{ id: string }> {
  const created = await tx.run.create({
    data: {
      ...(run.id ? { id: run.id } : {}),
      workspaceId: run.workspaceId,
      agentId: run.agentId,
      versionId: run.versionId,
      status: "QUEUED",
      trigger: run.trigger,
      input: json(run.input),
      createdById: run.createdById ?? null,
      retryOfRunId: run.retryOfRunId ?? null,
      scheduleId: run.scheduleId ?? null,
      parentRunId: run.parentRunId ?? null,
      parentNodeId: run.parentNodeId ?? null,
    },
    select: { id: true },
  });
  await appendEvent(tx, {
    workspaceId: run.workspaceId,
    runId: created.id,
    type: "run.queued",
    status: "QUEUED",
  });
  return created;
}

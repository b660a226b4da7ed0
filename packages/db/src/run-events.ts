import { Prisma } from "./generated/prisma/client.ts";
import type { Tx } from "./client.ts";
import { RUN_EVENTS_CHANNEL, type RunEventNotice, type RunEventType, type RunTrigger } from "@weft/schema";

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
 * caller's transaction. Bumping Run.lastEventSeq row-locks the run, so events of parallel nodes
 * get gap-free, strictly increasing numbers; NOTIFY is delivered only at commit.
 */
export async function appendEvent(tx: Tx, e: EventInput): Promise<number> {
  const rows = await tx.$queryRaw<Array<{ seq: number }>>`
    UPDATE "Run" SET "lastEventSeq" = "lastEventSeq" + 1 WHERE id = ${e.runId}::uuid RETURNING "lastEventSeq" AS seq`;
  const seq = rows[0]?.seq;
  if (seq === undefined) throw new Error(`run ${e.runId} is not visible in workspace ${e.workspaceId}`);
  await tx.runEvent.create({
    data: {
      workspaceId: e.workspaceId,
      runId: e.runId,
      seq,
      type: e.type,
      nodeId: e.nodeId ?? null,
      status: e.status ?? null,
      data: e.data === undefined ? Prisma.JsonNull : (e.data as Prisma.InputJsonValue),
    },
  });
  const notice: RunEventNotice = { workspaceId: e.workspaceId, runId: e.runId, seq, type: e.type };
  if (e.type.startsWith("run.") && e.status) notice.runStatus = e.status;
  await tx.$executeRaw`SELECT pg_notify(${RUN_EVENTS_CHANNEL}, ${JSON.stringify(notice)})`;
  return seq;
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

import type { Client } from "@temporalio/client";
import { WorkflowNotFoundError } from "@temporalio/client";
import { withWorkspace, type AgentVersion, type Db, type Run, type Tx } from "@weft/db";
import type { RunEventListener } from "@weft/db/run-event-listener";
import { appendEvent, createQueuedRun } from "@weft/db/run-events";
import {
  UNSTORABLE_TEXT_MESSAGE,
  WORKFLOW_SIGNALS,
  WORKFLOW_TYPES,
  resolveRunInput,
  runWorkflowId,
  isStorableText,
  validateGraph,
  type ApprovalSignal,
  type RunAgentInput,
  type RunTrigger,
} from "@weft/schema";
import { inLocated, notFound, recordAudit, type Actor } from "../auth/access.ts";
import type { GatewayContext } from "../context.ts";
import { badField } from "../common/input.ts";
import { AppError } from "../errors.ts";

/** What run control needs beyond the database: Temporal, the queue workers poll, run events. */
export interface RunServices {
  temporal: Client;
  taskQueue: string;
  listener: RunEventListener;
}

function runServices(ctx: GatewayContext): RunServices {
  return ctx.services.runs;
}

interface PreparedRun {
  /** The QUEUED row as written, which is what startRun and retryRun answer. */
  row: Run;
  workflow: RunAgentInput;
}

/** Checks the version, resolves the input, writes the QUEUED run; all in `tx`. */
async function prepareRun(
  tx: Tx,
  actor: Actor,
  args: {
    agentId: string;
    version: AgentVersion;
    input: unknown;
    trigger: RunTrigger;
    retryOfRunId?: string;
  },
): Promise<PreparedRun> {
  const { version } = args;
  const checked = validateGraph(version.graph);
  // Versions are validated when published; this guards rows written by other means.
  if (!checked.ok)
    throw new AppError("BAD_USER_INPUT", `version ${version.number} is not a valid graph`, {
      issues: checked.errors,
    });
  const resolved = resolveRunInput(checked.graph.inputs, args.input ?? {});
  if (!resolved.ok) {
    throw new AppError(
      "BAD_USER_INPUT",
      `input is invalid: ${resolved.errors[0]?.message ?? "unknown problem"}`,
      {
        issues: resolved.errors.map((e) => ({
          path: ["input", ...(e.name ? [e.name] : [])],
          message: e.message,
        })),
      },
    );
  }
  const run = await createQueuedRun(tx, {
    workspaceId: actor.workspaceId,
    agentId: args.agentId,
    versionId: version.id,
    input: resolved.value,
    trigger: args.trigger,
    createdById: actor.userId,
    retryOfRunId: args.retryOfRunId ?? null,
  });
  return {
    row: run,
    workflow: {
      runId: run.id,
      workspaceId: actor.workspaceId,
      agentId: args.agentId,
      versionId: version.id,
      graph: checked.graph,
      input: resolved.value,
      ...(args.retryOfRunId ? { reuseFromRunId: args.retryOfRunId } : {}),
    },
  };
}

/**
 * Starts the workflow after the run row is committed. If Temporal refuses, the run is closed as
 * FAILED with the reason, so it is never left QUEUED forever.
 */
async function launch(ctx: GatewayContext, workspaceId: string, prepared: PreparedRun): Promise<void> {
  const { temporal, taskQueue } = runServices(ctx);
  try {
    await temporal.workflow.start(WORKFLOW_TYPES.runAgent, {
      taskQueue,
      workflowId: runWorkflowId(prepared.row.id),
      args: [prepared.workflow],
    });
  } catch (err) {
    await closeRun(
      ctx.services.prisma,
      workspaceId,
      prepared.row.id,
      "FAILED",
      `could not start: ${(err as Error).message}`,
    );
    // The cause goes to the server log with the error id; the client gets the safe message.
    throw Object.assign(
      new AppError("INTERNAL", "The run could not be started; it was recorded as failed. Try again shortly."),
      { cause: err },
    );
  }
}

async function closeRun(
  prisma: Db,
  workspaceId: string,
  runId: string,
  status: "FAILED" | "CANCELLED",
  error: string,
) {
  await withWorkspace(prisma, workspaceId, async (tx) => {
    const { count } = await tx.run.updateMany({
      where: { id: runId, status: { in: ["QUEUED", "RUNNING"] } },
      data: { status, error, finishedAt: new Date() },
    });
    if (count === 1) {
      await appendEvent(tx, {
        workspaceId,
        runId,
        type: status === "FAILED" ? "run.failed" : "run.cancelled",
        status,
        data: { error },
      });
    }
  });
}

export async function startRun(
  ctx: GatewayContext,
  args: { agentId: string; input?: unknown; versionId?: string | null },
): Promise<Run> {
  const prepared = await inLocated(
    ctx,
    "agent",
    args.agentId,
    "EDITOR",
    async (tx, actor) => {
      // The agent is known to exist (inLocated); one read finds the version to run.
      const version = await tx.agentVersion.findFirst({
        where: args.versionId
          ? { id: args.versionId, agentId: args.agentId }
          : { agentId: args.agentId, liveOf: { is: { id: args.agentId } } },
      });
      if (!version) {
        if (args.versionId) throw notFound("Version");
        throw new AppError(
          "BAD_USER_INPUT",
          "This agent has no published version yet: publish it, or pass versionId",
          {
            issues: [{ path: ["versionId"], message: "required until the agent is published" }],
          },
        );
      }
      const versionId = version.id;
      const run = await prepareRun(tx, actor, {
        agentId: args.agentId,
        version,
        input: args.input,
        trigger: actor.apiKeyId ? "API" : "MANUAL",
      });
      await recordAudit(tx, actor, {
        action: "run.start",
        targetType: "Run",
        targetId: run.row.id,
        data: { agentId: args.agentId, versionId },
      });
      return run;
    },
    { mutation: true },
  );
  await launch(ctx, prepared.row.workspaceId, prepared);
  return prepared.row;
}

export async function retryRun(ctx: GatewayContext, runId: string): Promise<Run> {
  const prepared = await inLocated(
    ctx,
    "run",
    runId,
    "EDITOR",
    async (tx, actor) => {
      const previous = await tx.run.findUnique({ where: { id: runId } });
      if (!previous) throw notFound("Run");
      if (previous.status !== "FAILED" && previous.status !== "CANCELLED") {
        throw new AppError(
          "BAD_USER_INPUT",
          `Only failed or cancelled runs can be retried; this one is ${previous.status}`,
          {
            issues: [{ path: ["runId"], message: `run is ${previous.status}` }],
          },
        );
      }
      const version = await tx.agentVersion.findFirst({
        where: { id: previous.versionId, agentId: previous.agentId },
      });
      if (!version) throw notFound("Version");
      const run = await prepareRun(tx, actor, {
        agentId: previous.agentId,
        version,
        input: previous.input ?? {},
        trigger: actor.apiKeyId ? "API" : "MANUAL",
        retryOfRunId: previous.id,
      });
      await recordAudit(tx, actor, {
        action: "run.retry",
        targetType: "Run",
        targetId: run.row.id,
        data: { retryOf: runId },
      });
      return run;
    },
    { mutation: true },
  );
  await launch(ctx, prepared.row.workspaceId, prepared);
  return prepared.row;
}

export async function cancelRun(ctx: GatewayContext, runId: string): Promise<void> {
  const workspaceId = await inLocated(
    ctx,
    "run",
    runId,
    "EDITOR",
    async (tx, actor) => {
      const run = await tx.run.findUnique({ where: { id: runId }, select: { status: true } });
      if (!run) throw notFound("Run");
      if (run.status !== "QUEUED" && run.status !== "RUNNING") {
        throw new AppError("BAD_USER_INPUT", `This run already ended (${run.status})`, {
          issues: [{ path: ["runId"], message: `run is ${run.status}` }],
        });
      }
      await recordAudit(tx, actor, { action: "run.cancel", targetType: "Run", targetId: runId });
      return actor.workspaceId;
    },
    { mutation: true },
  );
  try {
    await runServices(ctx).temporal.workflow.getHandle(runWorkflowId(runId)).cancel();
  } catch (err) {
    // Never reached Temporal (or already gone): close the record ourselves.
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    await closeRun(ctx.services.prisma, workspaceId, runId, "CANCELLED", "cancelled");
  }
}

export async function approveNode(
  ctx: GatewayContext,
  args: { runId: string; nodeId: string; approved: boolean; comment?: string | null },
): Promise<void> {
  // The comment ends up in the node's output (jsonb): refuse what PostgreSQL cannot store up front,
  // instead of failing the run's bookkeeping after the signal.
  if (args.comment && !isStorableText(args.comment)) throw badField("comment", UNSTORABLE_TEXT_MESSAGE);
  const signal = await inLocated(
    ctx,
    "run",
    args.runId,
    "EDITOR",
    async (tx, actor): Promise<ApprovalSignal> => {
      const run = await tx.run.findUnique({
        where: { id: args.runId },
        include: { version: { select: { graph: true } } },
      });
      if (!run) throw notFound("Run");
      const node = validateGraph(run.version.graph);
      const def = node.ok ? node.graph.nodes.find((n) => n.id === args.nodeId) : undefined;
      if (!def || def.type !== "approval") throw notFound("Approval node");
      const nodeRun = await tx.nodeRun.findUnique({
        where: { runId_nodeId: { runId: args.runId, nodeId: args.nodeId } },
      });
      if (run.status !== "RUNNING" || nodeRun?.status !== "RUNNING") {
        throw new AppError("BAD_USER_INPUT", "This approval is not waiting for a decision", {
          issues: [{ path: ["nodeId"], message: `node is ${nodeRun?.status ?? "not started"}` }],
        });
      }
      const approvers = (def.config as { approvers?: string[] }).approvers;
      if (approvers?.length) {
        const user = actor.userId
          ? await tx.user.findUnique({ where: { id: actor.userId }, select: { email: true } })
          : null;
        if (!user || !approvers.map((e) => e.toLowerCase()).includes(user.email.toLowerCase())) {
          throw new AppError("FORBIDDEN", "Only the approvers named on this step can decide it");
        }
      }
      await recordAudit(tx, actor, {
        action: args.approved ? "run.approve" : "run.reject",
        targetType: "Run",
        targetId: args.runId,
        data: { nodeId: args.nodeId },
      });
      return {
        nodeId: args.nodeId,
        approved: args.approved,
        decidedBy: actor.userId ?? `apikey:${actor.apiKeyId}`,
        ...(args.comment ? { comment: args.comment } : {}),
      };
    },
    { mutation: true },
  );
  await runServices(ctx)
    .temporal.workflow.getHandle(runWorkflowId(args.runId))
    .signal(WORKFLOW_SIGNALS.approval, signal);
}

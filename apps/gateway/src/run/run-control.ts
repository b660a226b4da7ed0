import type { Client } from "@temporalio/client";
import { WorkflowNotFoundError } from "@temporalio/client";
import { isUuid, withWorkspace, type Db, type Run } from "@weft/db";
import { MemberRefusal, readRunVersion, writeStartedRun } from "@weft/db/run-statements";
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
  type Graph,
  type RunAgentInput,
} from "@weft/schema";
import {
  inLocated,
  locatedActor,
  notFound,
  recordAudit,
  refusalError,
  requireAuth,
  rolesAtLeast,
} from "../auth/access.ts";
import type { GatewayContext } from "../context.ts";
import { badField } from "../common/input.ts";
import { AppError } from "../errors.ts";

/** What run control needs beyond the database: Temporal, the queue workers poll, run events. */
export interface RunServices {
  temporal: Client;
  taskQueue: string;
  listener: RunEventListener;
}

/** Starting (and retrying) a run needs an editor. */
const START_ROLE = "EDITOR";

function runServices(ctx: GatewayContext): RunServices {
  return ctx.services.runs;
}

interface PreparedRun {
  /** The QUEUED row as written, which is what startRun and retryRun answer. */
  row: Run;
  workflow: RunAgentInput;
}

interface RunnableVersion {
  id: string;
  number: number;
  graph: unknown;
}

/** The version's graph checked and the input resolved against it: what a run may start with. */
function checkRun(
  version: RunnableVersion,
  input: unknown,
): { graph: Graph; input: Record<string, unknown> } {
  const checked = validateGraph(version.graph);
  // Versions are validated when published; this guards rows written by other means.
  if (!checked.ok)
    throw new AppError("BAD_USER_INPUT", `version ${version.number} is not a valid graph`, {
      issues: checked.errors,
    });
  const resolved = resolveRunInput(checked.graph.inputs, input ?? {});
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
  return { graph: checked.graph, input: resolved.value };
}

function preparedRun(
  row: Run,
  run: { graph: Graph; input: Record<string, unknown> },
  reuseFromRunId?: string,
): PreparedRun {
  return {
    row,
    workflow: {
      runId: row.id,
      workspaceId: row.workspaceId,
      agentId: row.agentId,
      versionId: row.versionId,
      graph: run.graph,
      input: run.input,
      ...(reuseFromRunId ? { reuseFromRunId } : {}),
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

/** Asked for instead of a version id that is not a UUID (no version has it), so that the agent
 * is still looked up first: NOT_FOUND of the agent before NOT_FOUND of the version, as always. */
const NO_VERSION = "00000000-0000-0000-0000-000000000000";

/**
 * Two statements (bench/RESULTS.md, seventh measurement): the version to run, found among the
 * caller's workspaces (`readRunVersion`), then, once the graph and input are checked here, the
 * QUEUED run with its event and audit record, after the membership is read again in that same
 * statement (`writeStartedRun`). Then the workflow.
 */
export async function startRun(
  ctx: GatewayContext,
  args: { agentId: string; input?: unknown; versionId?: string | null },
): Promise<Run> {
  const auth = requireAuth(ctx);
  if (!isUuid(args.agentId)) throw notFound("Agent");
  const { prisma } = ctx.services;
  const wanted = args.versionId || null; // "" as absent: the live version
  const located = await readRunVersion(prisma, {
    agentId: args.agentId,
    versionId: wanted === null ? null : isUuid(wanted) ? wanted : NO_VERSION,
    userId: auth.kind === "user" ? auth.userId : null,
    keyWorkspaceId: auth.kind === "apiKey" ? auth.workspaceId : null,
  });
  if (!located) throw notFound("Agent");
  const actor = locatedActor(auth, located, START_ROLE);
  ctx.services.limiter.consume("workspace", actor.workspaceId);
  const { version } = located;
  if (!version) {
    if (wanted) throw notFound("Version");
    throw new AppError(
      "BAD_USER_INPUT",
      "This agent has no published version yet: publish it, or pass versionId",
      {
        issues: [{ path: ["versionId"], message: "required until the agent is published" }],
      },
    );
  }
  const run = checkRun(version, args.input);
  let row: Run;
  try {
    row = await writeStartedRun(prisma, {
      workspaceId: actor.workspaceId,
      userId: actor.userId,
      roles: rolesAtLeast(START_ROLE),
      apiKeyId: actor.apiKeyId,
      agentId: args.agentId,
      versionId: version.id,
      input: run.input,
      trigger: actor.apiKeyId ? "API" : "MANUAL",
      auditData: { agentId: args.agentId, versionId: version.id },
    });
  } catch (error) {
    // The membership changed since the version was read.
    throw error instanceof MemberRefusal ? refusalError(error, START_ROLE, "Agent") : error;
  }
  const prepared = preparedRun(row, run);
  await launch(ctx, row.workspaceId, prepared);
  return row;
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
      const run = checkRun(version, previous.input ?? {});
      const row = await createQueuedRun(tx, {
        workspaceId: actor.workspaceId,
        agentId: previous.agentId,
        versionId: version.id,
        input: run.input,
        trigger: actor.apiKeyId ? "API" : "MANUAL",
        createdById: actor.userId,
        retryOfRunId: previous.id,
      });
      await recordAudit(tx, actor, {
        action: "run.retry",
        targetType: "Run",
        targetId: row.id,
        data: { retryOf: runId },
      });
      return preparedRun(row, run, previous.id);
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

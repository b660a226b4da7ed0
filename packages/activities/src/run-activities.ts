import { withWorkspace, type Tx } from "@weft/db";
import {
  ACTIVITY_EXPRESSION_LIMITS,
  evaluateExpression,
  getNodeType,
  renderTemplate,
  resolveRunInput,
  validateGraph,
  type ApprovalConfig,
  type DelayConfig,
  type ForeachConfig,
  type Graph,
  type NodeRunStatus,
  type RunEventType,
  type SubagentConfig,
} from "@weft/schema";
import type { ActivityDeps } from "./deps.ts";
import { NodeFailure, classifyError, toApplicationFailure } from "./errors.ts";
import {
  appendEvent,
  createQueuedRun,
  finishRunRecord,
  json,
  markRunRunning,
  type RunFinish,
} from "@weft/db/run-events";
import { evaluateEdges, loadRunScope, storeOutput, type EdgeSpec } from "./run-scope.ts";

export interface RunRef {
  runId: string;
  workspaceId: string;
}

/** QUEUED → RUNNING; idempotent (a retried activity emits no second event). */
export async function markRunStarted(
  deps: ActivityDeps,
  ref: RunRef & { temporalWorkflowId: string; temporalRunId: string },
): Promise<void> {
  await markRunRunning(deps.prisma, ref);
}

export interface NodeUpdate {
  nodeId: string;
  status: Extract<NodeRunStatus, "RUNNING" | "SUCCEEDED" | "FAILED" | "SKIPPED" | "CANCELLED">;
  /** For control nodes: their output (SUCCEEDED). */
  output?: unknown;
  error?: string;
  /** Evaluated and returned for SUCCEEDED / FAILED (error branches). */
  outgoing?: EdgeSpec[];
  /** Overrides the event type derived from the status (e.g. node.waiting). */
  event?: RunEventType;
  data?: Record<string, unknown>;
}

const EVENT_FOR_STATUS: Record<NodeUpdate["status"], RunEventType> = {
  RUNNING: "node.started",
  SUCCEEDED: "node.succeeded",
  FAILED: "node.failed",
  SKIPPED: "node.skipped",
  CANCELLED: "node.cancelled",
};

const TERMINAL: ReadonlySet<string> = new Set(["SUCCEEDED", "FAILED", "SKIPPED", "CANCELLED"]);

/**
 * Status changes the workflow decides (skips, control-node progress, final failures after the
 * last attempt, cancellations). Idempotent per (node, status): a retried call records nothing twice.
 * Returns the outgoing-edge decisions for SUCCEEDED / FAILED updates.
 */
export async function recordNodes(
  deps: ActivityDeps,
  input: RunRef & { updates: NodeUpdate[] },
): Promise<Array<boolean[] | null>> {
  const { runId, workspaceId } = input;
  return withWorkspace(deps.prisma, workspaceId, async (tx) => {
    const results: Array<boolean[] | null> = [];
    for (const u of input.updates) {
      const existing = await tx.nodeRun.findUnique({ where: { runId_nodeId: { runId, nodeId: u.nodeId } } });
      const now = new Date();
      const already =
        existing?.status === u.status ||
        (existing &&
          TERMINAL.has(existing.status) &&
          u.status !== "RUNNING" &&
          existing.status !== "RUNNING");
      if (!already) {
        const stored =
          u.status === "SUCCEEDED"
            ? await storeOutput(tx, { workspaceId, runId, nodeId: u.nodeId }, u.output)
            : null;
        const data = {
          status: u.status,
          ...(u.status === "RUNNING"
            ? { startedAt: existing?.startedAt ?? now, attempt: Math.max(1, existing?.attempt ?? 0) }
            : { finishedAt: now }),
          ...(u.error !== undefined ? { error: u.error } : {}),
          ...(stored ? { output: stored.output, outputRef: stored.outputRef } : {}),
        };
        await tx.nodeRun.upsert({
          where: { runId_nodeId: { runId, nodeId: u.nodeId } },
          create: { workspaceId, runId, nodeId: u.nodeId, ...data },
          update: data,
        });
        await appendEvent(tx, {
          workspaceId,
          runId,
          nodeId: u.nodeId,
          type: u.event ?? EVENT_FOR_STATUS[u.status],
          status: u.status,
          data: { ...(u.error !== undefined ? { error: u.error } : {}), ...u.data },
        });
      }
      if ((u.status === "SUCCEEDED" || u.status === "FAILED") && u.outgoing) {
        const scope = await loadRunScope(tx, runId);
        results.push(await evaluateEdges(u.outgoing, scope, u.status === "SUCCEEDED"));
      } else {
        results.push(null);
      }
    }
    return results;
  });
}

export type PreparedControl =
  | { kind: "delay"; ms: number }
  | { kind: "foreach"; items: unknown[]; concurrency: number; node: ForeachConfig["node"] }
  | {
      kind: "approval";
      message: string;
      timeoutMs: number;
      onTimeout: "reject" | "approve";
      approvers: string[] | null;
    }
  | {
      kind: "subagent";
      childRunId: string;
      agentId: string;
      versionId: string;
      graph: Graph;
      input: Record<string, unknown>;
    };

export interface PrepareControlInput extends RunRef {
  nodeId: string;
  type: string;
  config: Record<string, unknown>;
  /** Nesting depth of this run (sub-agents). */
  depth: number;
}

/**
 * Marks a control node RUNNING and resolves what the workflow needs to interpret it: expressions
 * and templates are evaluated here (not in the workflow), a sub-agent's child Run row is created.
 */
export async function prepareControlNode(
  deps: ActivityDeps,
  input: PrepareControlInput,
): Promise<PreparedControl> {
  const { runId, workspaceId, nodeId } = input;
  try {
    return await withWorkspace(deps.prisma, workspaceId, async (tx) => {
      const scope = await loadRunScope(tx, runId);
      // Validation already checked the shape; parsing again applies the type's defaults.
      const definition = getNodeType(input.type);
      const parsed = definition?.config.safeParse(input.config);
      if (!parsed?.success) throw new NodeFailure(`invalid ${input.type} config`, false, "INVALID_CONFIG");
      const config: unknown = parsed.data;
      let prepared: PreparedControl;
      let event: RunEventType = "node.started";
      let data: Record<string, unknown> = {};
      switch (input.type) {
        case "delay": {
          const c = config as DelayConfig;
          let ms = c.ms ?? 0;
          if (c.until !== undefined) {
            const until = String(renderTemplate(c.until, scope).value);
            const at = Date.parse(until);
            if (Number.isNaN(at))
              throw new NodeFailure(
                `config.until: "${until}" is not an ISO-8601 time`,
                false,
                "INVALID_CONFIG",
              );
            ms = Math.max(0, at - Date.now());
          }
          prepared = { kind: "delay", ms };
          data = { resumesAt: new Date(Date.now() + ms).toISOString() };
          break;
        }
        case "foreach": {
          const c = config as ForeachConfig;
          const items = await evaluateExpression(c.items, scope, ACTIVITY_EXPRESSION_LIMITS);
          if (!Array.isArray(items)) {
            throw new NodeFailure(
              `config.items must produce a list, got ${items === undefined ? "nothing" : typeof items}`,
              false,
              "INVALID_CONFIG",
            );
          }
          prepared = { kind: "foreach", items, concurrency: c.concurrency, node: c.node };
          data = { items: items.length };
          break;
        }
        case "approval": {
          const c = config as ApprovalConfig;
          const message = String(renderTemplate(c.message, scope, { missing: "keep" }).value);
          prepared = {
            kind: "approval",
            message,
            timeoutMs: c.timeoutMs,
            onTimeout: c.onTimeout,
            approvers: c.approvers ?? null,
          };
          event = "node.waiting";
          data = { message, timeoutMs: c.timeoutMs, approvers: c.approvers ?? null };
          break;
        }
        case "subagent": {
          prepared = await prepareSubRun(tx, input, config as SubagentConfig, scope);
          data = { childRunId: prepared.childRunId };
          break;
        }
        default:
          throw new NodeFailure(`"${input.type}" is not a control node type`, false, "UNKNOWN_NODE_TYPE");
      }
      const existing = await tx.nodeRun.findUnique({ where: { runId_nodeId: { runId, nodeId } } });
      if (existing?.status !== "RUNNING") {
        await tx.nodeRun.upsert({
          where: { runId_nodeId: { runId, nodeId } },
          create: { workspaceId, runId, nodeId, status: "RUNNING", attempt: 1, startedAt: new Date() },
          update: { status: "RUNNING", attempt: 1, startedAt: new Date() },
        });
        await appendEvent(tx, { workspaceId, runId, nodeId, type: event, status: "RUNNING", data });
      }
      return prepared;
    });
  } catch (err) {
    throw toApplicationFailure(classifyError(err));
  }
}

async function prepareSubRun(
  tx: Tx,
  input: PrepareControlInput,
  config: SubagentConfig,
  scope: Awaited<ReturnType<typeof loadRunScope>>,
): Promise<Extract<PreparedControl, { kind: "subagent" }>> {
  if (input.depth + 1 > config.maxDepth) {
    throw new NodeFailure(
      `sub-agent nesting would exceed maxDepth ${config.maxDepth}`,
      false,
      "DEPTH_EXCEEDED",
    );
  }
  // A retried attempt reuses the child run it created before.
  const existing = await tx.run.findFirst({
    where: { parentRunId: input.runId, parentNodeId: input.nodeId },
  });
  const agent = await tx.agent.findUnique({
    where: { id: config.agentId },
    select: { id: true, name: true, liveVersion: { select: { id: true, graph: true } } },
  });
  if (!agent)
    throw new NodeFailure(
      `agent ${config.agentId} was not found in this workspace`,
      false,
      "AGENT_NOT_FOUND",
    );
  const version = existing
    ? await tx.agentVersion.findUnique({
        where: { id: existing.versionId },
        select: { id: true, graph: true },
      })
    : agent.liveVersion;
  if (!version)
    throw new NodeFailure(`agent "${agent.name}" has no live version to run`, false, "NO_LIVE_VERSION");
  const checked = validateGraph(version.graph);
  if (!checked.ok)
    throw new NodeFailure(
      `agent "${agent.name}"'s live version is not a valid graph`,
      false,
      "INVALID_GRAPH",
    );
  const rendered = renderTemplate<Record<string, unknown>>(config.input, scope).value;
  const resolved = resolveRunInput(checked.graph.inputs, rendered);
  if (!resolved.ok) {
    throw new NodeFailure(
      `input for agent "${agent.name}": ${resolved.errors.map((e) => e.message).join("; ")}`,
      false,
      "INVALID_INPUT",
    );
  }
  let childRunId = existing?.id;
  if (!childRunId) {
    const parent = await tx.run.findUniqueOrThrow({
      where: { id: input.runId },
      select: { trigger: true, createdById: true },
    });
    const child = await createQueuedRun(tx, {
      workspaceId: input.workspaceId,
      agentId: agent.id,
      versionId: version.id,
      input: resolved.value,
      trigger: parent.trigger,
      createdById: parent.createdById,
      parentRunId: input.runId,
      parentNodeId: input.nodeId,
    });
    childRunId = child.id;
  }
  return {
    kind: "subagent",
    childRunId,
    agentId: agent.id,
    versionId: version.id,
    graph: checked.graph,
    input: resolved.value,
  };
}

export interface FinishRunInput extends RunRef {
  status: "SUCCEEDED" | "FAILED" | "CANCELLED";
  error?: string;
  /** Nodes whose outputs make up the run's output (the graph's sinks). */
  outputNodeIds: string[];
}

export type RunResult = RunFinish;

/**
 * Terminal status, output, totals and the final event, once (a retry records nothing twice): one
 * statement, `weft_run_finish` (prisma/migrations/*_run_start_finish), which also reconciles node
 * usage with the LLM ledger and adds the run to its workspace's daily UsageRecord rows.
 */
export async function finishRun(deps: ActivityDeps, input: FinishRunInput): Promise<RunResult> {
  return finishRunRecord(deps.prisma, {
    workspaceId: input.workspaceId,
    runId: input.runId,
    status: input.status,
    error: input.error ?? null,
    outputNodeIds: input.outputNodeIds,
    noModel: NO_MODEL,
  });
}

/** Runs without any LLM call are counted under this model, so `usage.runs` counts every run. */
export const NO_MODEL = "none";

export interface ReuseInput extends RunRef {
  fromRunId: string;
  /** Every node with its outgoing edges; only those that succeeded in fromRunId are reused. */
  nodes: Array<{ nodeId: string; outgoing: EdgeSpec[] }>;
}

/**
 * Retry-from-failed: copies the outcome of every node that succeeded in the earlier run (its side
 * effects already happened), and returns their edge decisions so the workflow skips them.
 */
export async function copyReusedNodes(
  deps: ActivityDeps,
  input: ReuseInput,
): Promise<Record<string, boolean[]>> {
  return withWorkspace(deps.prisma, input.workspaceId, async (tx) => {
    const wanted = new Map(input.nodes.map((n) => [n.nodeId, n.outgoing]));
    const previous = await tx.nodeRun.findMany({
      where: { runId: input.fromRunId, status: "SUCCEEDED", nodeId: { in: [...wanted.keys()] } },
    });
    for (const p of previous) {
      const existing = await tx.nodeRun.findUnique({
        where: { runId_nodeId: { runId: input.runId, nodeId: p.nodeId } },
      });
      if (existing) continue;
      await tx.nodeRun.create({
        data: {
          workspaceId: input.workspaceId,
          runId: input.runId,
          nodeId: p.nodeId,
          status: "SUCCEEDED",
          attempt: p.attempt,
          input: json(p.input),
          output: json(p.output),
          outputRef: p.outputRef,
          startedAt: p.startedAt,
          finishedAt: p.finishedAt,
          logs: p.logs,
          reusedFromRunId: p.reusedFromRunId ?? input.fromRunId,
        },
      });
      await appendEvent(tx, {
        ...input,
        nodeId: p.nodeId,
        type: "node.succeeded",
        status: "SUCCEEDED",
        data: { reusedFromRunId: p.reusedFromRunId ?? input.fromRunId },
      });
    }
    const scope = await loadRunScope(tx, input.runId);
    const decisions: Record<string, boolean[]> = {};
    for (const p of previous)
      decisions[p.nodeId] = await evaluateEdges(wanted.get(p.nodeId) ?? [], scope, true);
    return decisions;
  });
}

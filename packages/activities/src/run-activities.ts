import { randomUUID } from "node:crypto";
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
import { appendEvent, createQueuedRun, json } from "@weft/db/run-events";
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
  await withWorkspace(deps.prisma, ref.workspaceId, async (tx) => {
    const { count } = await tx.run.updateMany({
      where: { id: ref.runId, status: "QUEUED" },
      data: {
        status: "RUNNING",
        startedAt: new Date(),
        temporalWorkflowId: ref.temporalWorkflowId,
        temporalRunId: ref.temporalRunId,
      },
    });
    if (count === 1) {
      await appendEvent(tx, {
        runId: ref.runId,
        workspaceId: ref.workspaceId,
        type: "run.started",
        status: "RUNNING",
      });
    }
  });
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

export interface RunResult {
  status: "SUCCEEDED" | "FAILED" | "CANCELLED";
  output: Record<string, unknown> | null;
  error: string | null;
}

/** Terminal status, output, totals and the final event, once (a retry records nothing twice). */
export async function finishRun(deps: ActivityDeps, input: FinishRunInput): Promise<RunResult> {
  return withWorkspace(deps.prisma, input.workspaceId, async (tx) => {
    const nodeRuns = await tx.nodeRun.findMany({
      where: { runId: input.runId },
      select: { nodeId: true, status: true, tokensIn: true, tokensOut: true, costUsd: true },
    });
    const scope = await loadRunScope(tx, input.runId);
    const output: Record<string, unknown> = {};
    for (const id of input.outputNodeIds) {
      const entry = scope.nodes[id];
      if (entry && "output" in entry) output[id] = entry.output;
    }
    // Nodes still marked running (cancellation, or a failure elsewhere) end as CANCELLED.
    for (const nr of nodeRuns.filter((n) => n.status === "RUNNING" || n.status === "PENDING")) {
      await tx.nodeRun.update({
        where: { runId_nodeId: { runId: input.runId, nodeId: nr.nodeId } },
        data: { status: "CANCELLED", finishedAt: new Date() },
      });
      await appendEvent(tx, { ...input, nodeId: nr.nodeId, type: "node.cancelled", status: "CANCELLED" });
    }
    await reconcileNodeUsage(tx, input.runId, nodeRuns);
    const totals = nodeRuns.reduce(
      (t, n) => ({
        tokensIn: t.tokensIn + n.tokensIn,
        tokensOut: t.tokensOut + n.tokensOut,
        costUsd: t.costUsd + Number(n.costUsd),
      }),
      { tokensIn: 0, tokensOut: 0, costUsd: 0 },
    );
    const result: RunResult = {
      status: input.status,
      output: input.status === "SUCCEEDED" ? output : null,
      error: input.error ?? null,
    };
    const { count } = await tx.run.updateMany({
      where: { id: input.runId, status: { in: ["QUEUED", "RUNNING"] } },
      data: {
        status: input.status,
        output: json(result.output),
        error: result.error,
        finishedAt: new Date(),
        ...totals,
      },
    });
    if (count === 1) {
      const type =
        input.status === "SUCCEEDED"
          ? "run.succeeded"
          : input.status === "FAILED"
            ? "run.failed"
            : "run.cancelled";
      await appendEvent(tx, {
        ...input,
        type,
        status: input.status,
        data: result.error ? { error: result.error } : {},
      });
      // Inside the same once-only branch as the status change, so a retried finishRun never
      // counts a run twice.
      await rollUpUsage(tx, input);
    }
    return result;
  });
}

type NodeUsageRow = {
  nodeId: string;
  tokensIn: number;
  tokensOut: number;
  costUsd: { toString(): string } | number;
};

/**
 * The LlmCall ledger is what the providers billed. NodeRuns learn their usage from each attempt as
 * it ends; calls they could not see (foreach items, which are not recorded per item, and attempts
 * whose worker died) are brought in here, so Run totals = sum of NodeRuns = the ledger.
 */
async function reconcileNodeUsage(tx: Tx, runId: string, nodeRuns: NodeUsageRow[]): Promise<void> {
  const ledger = await tx.llmCall.groupBy({
    by: ["nodeId"],
    where: { runId },
    _sum: { tokensIn: true, tokensOut: true, costUsd: true },
  });
  for (const row of ledger) {
    const node = nodeRuns.find((n) => n.nodeId === row.nodeId);
    if (!node) continue;
    const billed = {
      tokensIn: row._sum.tokensIn ?? 0,
      tokensOut: row._sum.tokensOut ?? 0,
      costUsd: Number(row._sum.costUsd ?? 0),
    };
    if (
      billed.tokensIn === node.tokensIn &&
      billed.tokensOut === node.tokensOut &&
      billed.costUsd === Number(node.costUsd)
    )
      continue;
    await tx.nodeRun.update({ where: { runId_nodeId: { runId, nodeId: node.nodeId } }, data: billed });
    Object.assign(node, billed);
  }
}

/** Runs without any LLM call are counted under this model, so `usage.runs` counts every run. */
export const NO_MODEL = "none";

/**
 * Adds a finished run to its workspace's daily UsageRecord rows (UTC day of finishing), one per
 * model it used: the run's calls to that model (tokens, cost) and one run with its outcome.
 */
async function rollUpUsage(tx: Tx, input: FinishRunInput): Promise<void> {
  const byModel = await tx.llmCall.groupBy({
    by: ["model", "provider"],
    where: { runId: input.runId },
    _sum: { tokensIn: true, tokensOut: true, costUsd: true },
  });
  const rows = byModel.length
    ? byModel.map((m) => ({
        model: m.model,
        provider: m.provider,
        tokensIn: m._sum.tokensIn ?? 0,
        tokensOut: m._sum.tokensOut ?? 0,
        costUsd: m._sum.costUsd ?? 0,
      }))
    : [{ model: NO_MODEL, provider: NO_MODEL, tokensIn: 0, tokensOut: 0, costUsd: 0 }];
  const day = new Date().toISOString().slice(0, 10);
  const outcome = {
    runs: 1,
    succeeded: input.status === "SUCCEEDED" ? 1 : 0,
    failed: input.status === "FAILED" ? 1 : 0,
  };
  for (const r of rows) {
    // One statement (INSERT … ON CONFLICT), so runs of the same day finishing at the same moment
    // on different workers add up instead of racing on the unique key.
    await tx.$executeRaw`
      INSERT INTO "UsageRecord" (id, "workspaceId", day, model, provider, runs, succeeded, failed,
                                 "tokensIn", "tokensOut", "costUsd", "updatedAt")
      VALUES (${randomUUID()}::uuid, ${input.workspaceId}::uuid, ${day}::date, ${r.model}, ${r.provider},
              ${outcome.runs}, ${outcome.succeeded}, ${outcome.failed}, ${r.tokensIn}, ${r.tokensOut},
              ${String(r.costUsd)}::numeric, now())
      ON CONFLICT ("workspaceId", day, model) DO UPDATE SET
        runs = "UsageRecord".runs + EXCLUDED.runs,
        succeeded = "UsageRecord".succeeded + EXCLUDED.succeeded,
        failed = "UsageRecord".failed + EXCLUDED.failed,
        "tokensIn" = "UsageRecord"."tokensIn" + EXCLUDED."tokensIn",
        "tokensOut" = "UsageRecord"."tokensOut" + EXCLUDED."tokensOut",
        "costUsd" = "UsageRecord"."costUsd" + EXCLUDED."costUsd",
        "updatedAt" = now()`;
  }
}

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

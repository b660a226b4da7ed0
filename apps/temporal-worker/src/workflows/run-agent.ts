import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  TimeoutFailure,
  condition,
  defineQuery,
  defineSignal,
  executeChild,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  patched,
  setHandler,
  sleep,
  workflowInfo,
} from "@temporalio/workflow";
import type { Activities, EdgeSpec, RunResult } from "@weft/activities";
import type { ApprovalSignal, GraphNode, RetryPolicy, RunAgentInput } from "@weft/schema";
// Only zod-free modules at run time: Temporal evaluates a workflow's own modules once per workflow
// execution, so the whole of @weft/schema (zod, the catalogue, JSONata) would be paid on every run.
import { WORKFLOW_QUERIES, WORKFLOW_SIGNALS, WORKFLOW_TYPES, runWorkflowId } from "@weft/schema/constants";
import { nodeRunDefaults } from "@weft/schema/node-types/run-defaults";

/** Run bookkeeping: short, idempotent database writes that must eventually happen. */
const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: "30 seconds",
  retry: {
    initialInterval: "500 ms",
    backoffCoefficient: 2,
    maximumInterval: "30 seconds",
    maximumAttempts: 20,
  },
});

/**
 * The run's first and last bookkeeping as local activities: run in this worker without a
 * task-queue round trip through the server (two fewer per run). Behind a patch marker so runs
 * started before the change replay as they were recorded (histories/*.v1.json).
 */
const LOCAL_BOOKKEEPING_PATCH = "local-run-bookkeeping";
const localBookkeeping = proxyLocalActivities<Activities>({
  startToCloseTimeout: "30 seconds",
  retry: {
    initialInterval: "500 ms",
    backoffCoefficient: 2,
    maximumInterval: "30 seconds",
    maximumAttempts: 20,
  },
});

/**
 * When every node without incoming edges is an activity, those nodes' first writes move the run to
 * RUNNING (ExecuteNodeInput.startsRun) instead of a local activity before them: one activation,
 * one local activity and one statement fewer per run. Runs recorded before it replay as they were.
 */
const FIRST_NODES_START_RUN_PATCH = "first-nodes-start-run";

/**
 * Likewise at the end: when the graph has one sink and it is an activity, its success finishes the
 * run (ExecuteNodeInput.finishesRun) instead of a finish local activity after it. A sink that
 * fails or is skipped, and a failed or cancelled run, still finish through finishRun.
 */
const SINK_FINISHES_RUN_PATCH = "sink-finishes-run";

/**
 * The scheduling loop waits on a promise the settling nodes resolve instead of `condition()`:
 * two workflow promises per wait instead of five (each costs the SDK's promise hook a mapped stack
 * trace; bench/RESULTS.md, tenth measurement). It wakes within the activation rather than after
 * it, which can change the order of commands, hence the patch.
 */
const WAKE_LOOP_PATCH = "wake-loop-directly";

/**
 * One marker for the four behaviours above on runs started since: each `patched()` that returns
 * true records a marker and upserts the TemporalChangeVersion search attribute, a visibility write
 * on the server (four per run cost the Temporal server 4-9 ms more CPU than one, per 3-activity run;
 * bench/RESULTS.md, fourteenth measurement). A run recorded before it calls the four patches one
 * by one, as it did then (histories/*.v5.json and older). A behaviour added later needs a patch of
 * its own, asked for on every run, until it too is folded into a new one like this.
 */
const CURRENT_RUN_PATCH = "run-behaviours-2026-12";

/** Control types the workflow interprets itself (they wait, fan out or start children). */
const WORKFLOW_CONTROL = new Set(["delay", "approval", "foreach", "subagent"]);
const FALLBACK_RETRY: RetryPolicy = { maxAttempts: 1, initialIntervalMs: 1000, backoff: 1 };
const FALLBACK_TIMEOUT_MS = 60_000;
/**
 * Extra Temporal attempts beyond the node's maxAttempts, for attempts lost to a crashed worker.
 * The activity itself counts node errors and timeouts against maxAttempts (NodeRun.failedAttempts).
 */
const CRASH_ALLOWANCE = 3;
const BACKSTOP_GRACE_MS = 30_000;

export const approvalSignal = defineSignal<[ApprovalSignal]>(WORKFLOW_SIGNALS.approval);
export const nodeStatusesQuery = defineQuery<Record<string, NodeState>>(WORKFLOW_QUERIES.nodeStatuses);

type NodeState = "pending" | "running" | "succeeded" | "failed" | "skipped" | "cancelled";

class NodeFailed extends Error {}

/**
 * Interprets one agent version's graph. Every activity node is one activity with its own retry
 * policy and timeout; ready nodes start together; edges fire by the decisions activities return
 * (conditions are evaluated where the outputs are, never here), and a node whose incoming
 * edges all stay dark is SKIPPED along with whatever only it could reach.
 */
export async function runAgent(input: RunAgentInput): Promise<RunResult> {
  const { graph, runId, workspaceId } = input;
  const depth = input.depth ?? 0;
  const ref = { runId, workspaceId };

  const state = new Map<string, NodeState>(graph.nodes.map((n) => [n.id, "pending"]));
  const incoming = new Map<string, number[]>(graph.nodes.map((n) => [n.id, []]));
  const outgoing = new Map<string, number[]>(graph.nodes.map((n) => [n.id, []]));
  graph.edges.forEach((e, i) => {
    incoming.get(e.to)?.push(i);
    outgoing.get(e.from)?.push(i);
  });
  /** undefined until the source node settles; then whether the edge fires. */
  const fires: Array<boolean | undefined> = graph.edges.map(() => undefined);
  const edgeSpecs = (nodeId: string): EdgeSpec[] =>
    (outgoing.get(nodeId) ?? []).map((i) => {
      const e = graph.edges[i]!;
      return { to: e.to, ...(e.on ? { on: e.on } : {}), ...(e.condition ? { condition: e.condition } : {}) };
    });
  const settle = (nodeId: string, status: NodeState, decisions: boolean[] | null) => {
    state.set(nodeId, status);
    (outgoing.get(nodeId) ?? []).forEach((edgeIndex, k) => {
      fires[edgeIndex] = decisions?.[k] ?? false;
    });
  };

  const decisions = new Map<string, ApprovalSignal>();
  setHandler(approvalSignal, (signal) => {
    if (!decisions.has(signal.nodeId)) decisions.set(signal.nodeId, signal);
  });
  setHandler(nodeStatusesQuery, () => Object.fromEntries(state));

  let changed = false;
  let failure: { nodeId: string; message: string } | null = null;
  const running = new Map<string, Promise<void>>();
  const nodeScope = new CancellationScope();
  /** Resolves the scheduling loop's wait (WAKE_LOOP_PATCH); null while the loop is not waiting. */
  let wake: (() => void) | null = null;
  const nodeSettled = (nodeId: string) => {
    running.delete(nodeId);
    changed = true;
    const resolve = wake;
    wake = null;
    resolve?.();
  };

  /**
   * Runs a control node, or an activity node that has failed, to a settled state; a failure
   * without a taken error edge fails the run.
   */
  const runNode = async (node: GraphNode, failed?: { error: unknown }): Promise<void> => {
    try {
      if (failed) throw failed.error;
      const output = await runControlNode(node);
      const [edges] = await bookkeeping.recordNodes({
        ...ref,
        updates: [
          { nodeId: node.id, status: "SUCCEEDED", output: output.value, outgoing: edgeSpecs(node.id) },
        ],
      });
      settle(node.id, "succeeded", edges ?? null);
    } catch (err) {
      if (isCancellation(err)) {
        settle(node.id, "cancelled", null);
        return;
      }
      const message = describeFailure(err, node);
      const [edges] = await CancellationScope.nonCancellable(() =>
        bookkeeping.recordNodes({
          ...ref,
          updates: [{ nodeId: node.id, status: "FAILED", error: message, outgoing: edgeSpecs(node.id) }],
        }),
      );
      settle(node.id, "failed", edges ?? null);
      if (!edges?.some(Boolean)) failure ??= { nodeId: node.id, message };
    } finally {
      nodeSettled(node.id);
    }
  };

  /**
   * An activity node without an async function around it: the activity's result settles the node
   * in one reaction. Every promise workflow code creates costs a stack trace mapped through the
   * bundle's source map (the SDK's promise hook, for its stack-trace query), and this runs once per
   * node (bench/RESULTS.md, tenth measurement). A failure reaches runNode one microtask later, the
   * turn in which the earlier async version reached its catch, so commands keep their order and
   * recorded histories replay unchanged.
   */
  const runActivityNode = (node: GraphNode): Promise<void> => {
    const failed = (error: unknown) => Promise.resolve().then(() => runNode(node, { error }));
    try {
      return activitiesFor(node)
        .executeNode({
          ...ref,
          nodeId: node.id,
          type: node.type,
          config: node.config,
          maxAttempts: retryOf(node).maxAttempts,
          timeoutMs: timeoutOf(node),
          outgoing: edgeSpecs(node.id),
          ...(startingNodes.has(node.id) ? { startsRun: true } : {}),
          ...(node.id === finishingNode ? { finishesRun: true } : {}),
        })
        .then((result) => {
          if (result.run) finished = result.run;
          settle(node.id, "succeeded", result.edges);
          nodeSettled(node.id);
        }, failed);
    } catch (error) {
      return failed(error);
    }
  };

  /** Returns a control node's output. */
  const runControlNode = async (node: GraphNode): Promise<{ value: unknown }> => {
    const prepared = await bookkeeping.prepareControlNode({
      ...ref,
      nodeId: node.id,
      type: node.type,
      config: node.config,
      depth,
    });
    switch (prepared.kind) {
      case "delay":
        await sleep(prepared.ms);
        return { value: { resumedAt: new Date().toISOString() } };
      case "approval": {
        const decided = await condition(() => decisions.has(node.id), prepared.timeoutMs);
        const decision = decisions.get(node.id);
        if (decided && decision) {
          if (!decision.approved) {
            throw new NodeFailed(`rejected${decision.comment ? `: ${decision.comment}` : ""}`);
          }
          return {
            value: {
              approved: true,
              decidedBy: decision.decidedBy,
              comment: decision.comment,
              timedOut: false,
            },
          };
        }
        if (prepared.onTimeout === "approve") return { value: { approved: true, timedOut: true } };
        throw new NodeFailed(`no decision within ${prepared.timeoutMs} ms`);
      }
      case "foreach": {
        const inline: InlineNode = prepared.node;
        const concurrency = prepared.concurrency;
        const { executeNode } = activitiesFor({ ...inline, id: node.id }, true);
        const outputs: unknown[] = new Array(prepared.items.length);
        let next = 0;
        const lane = async () => {
          while (next < prepared.items.length) {
            const index = next++;
            try {
              const result = await executeNode({
                ...ref,
                nodeId: node.id,
                type: inline.type,
                config: inline.config ?? {},
                maxAttempts: retryOf(inline).maxAttempts,
                timeoutMs: timeoutOf(inline),
                outgoing: [],
                item: { index, value: prepared.items[index] },
              });
              outputs[index] = result.output;
            } catch (err) {
              if (isCancellation(err)) throw err;
              throw new NodeFailed(`item ${index}: ${describeFailure(err, node)}`);
            }
          }
        };
        // One failing item cancels its siblings: the foreach has failed either way.
        await CancellationScope.cancellable(async () => {
          const lanes = Array.from({ length: Math.min(concurrency, prepared.items.length) }, lane);
          try {
            await Promise.all(lanes);
          } catch (err) {
            CancellationScope.current().cancel();
            await Promise.allSettled(lanes);
            throw err;
          }
        });
        return { value: { items: outputs } };
      }
      case "subagent": {
        const child = await executeChild<typeof runAgent>(WORKFLOW_TYPES.runAgent, {
          workflowId: runWorkflowId(prepared.childRunId),
          taskQueue: workflowInfo().taskQueue,
          args: [
            {
              runId: prepared.childRunId,
              workspaceId,
              agentId: prepared.agentId,
              versionId: prepared.versionId,
              graph: prepared.graph,
              input: prepared.input,
              depth: depth + 1,
            },
          ],
        });
        return { value: { runId: prepared.childRunId, output: child.output } };
      }
    }
  };

  const current = patched(CURRENT_RUN_PATCH);
  /** Whether this run has the patched behaviour: every run since CURRENT_RUN_PATCH has them all. */
  const hasPatch = (patch: string) => current || patched(patch);
  const runBookkeeping = hasPatch(LOCAL_BOOKKEEPING_PATCH) ? localBookkeeping : bookkeeping;
  const roots = graph.nodes.filter((n) => (incoming.get(n.id) ?? []).length === 0);
  /** The nodes whose start also starts the run; empty: the run starts by itself, first. */
  const startingNodes = new Set<string>(
    !input.reuseFromRunId &&
      roots.length > 0 &&
      roots.every((n) => !WORKFLOW_CONTROL.has(n.type)) &&
      hasPatch(FIRST_NODES_START_RUN_PATCH)
      ? roots.map((n) => n.id)
      : [],
  );
  const sinks = graph.nodes.filter((n) => (outgoing.get(n.id) ?? []).length === 0).map((n) => n.id);
  const onlySink = sinks.length === 1 ? graph.nodes.find((n) => n.id === sinks[0])! : null;
  /** The node whose success also finishes the run; null: the run finishes by itself, last. */
  const finishingNode =
    onlySink && !WORKFLOW_CONTROL.has(onlySink.type) && hasPatch(SINK_FINISHES_RUN_PATCH)
      ? onlySink.id
      : null;
  /** The run's finish as the finishing node recorded it. */
  let finished: RunResult | null = null;
  const wakeLoop = hasPatch(WAKE_LOOP_PATCH);
  try {
    if (startingNodes.size === 0) {
      const { workflowId, runId: temporalRunId } = workflowInfo();
      await runBookkeeping.markRunStarted({ ...ref, temporalWorkflowId: workflowId, temporalRunId });
    }

    if (input.reuseFromRunId) {
      const reused = await bookkeeping.copyReusedNodes({
        ...ref,
        fromRunId: input.reuseFromRunId,
        nodes: graph.nodes.map((n) => ({ nodeId: n.id, outgoing: edgeSpecs(n.id) })),
      });
      for (const [nodeId, edges] of Object.entries(reused)) settle(nodeId, "succeeded", edges);
    }

    /** Starts every node whose inputs have settled, until none is running or one fails the run. */
    const schedule = async (): Promise<void> => {
      for (;;) {
        if (failure) break;
        const toStart: GraphNode[] = [];
        const toSkip: string[] = [];
        for (const node of graph.nodes) {
          if (state.get(node.id) !== "pending") continue;
          const inbound = incoming.get(node.id) ?? [];
          if (inbound.some((i) => fires[i] === undefined)) continue;
          if (inbound.length === 0 || inbound.some((i) => fires[i])) toStart.push(node);
          else toSkip.push(node.id);
        }
        if (toStart.length > 0) {
          const start = () => {
            for (const node of toStart) {
              state.set(node.id, "running");
              running.set(node.id, WORKFLOW_CONTROL.has(node.type) ? runNode(node) : runActivityNode(node));
            }
          };
          // What the nodes schedule, now or after an await, belongs to nodeScope: the loop runs in it
          // (WAKE_LOOP_PATCH), or the nodes that start together enter it once (each entry costs promises).
          if (wakeLoop) start();
          else void nodeScope.run(async () => start());
        }
        if (toSkip.length > 0) {
          // Skipping settles the node's own edges dark, which may make more nodes skippable.
          for (const id of toSkip) settle(id, "skipped", null);
          await bookkeeping.recordNodes({
            ...ref,
            updates: toSkip.map((nodeId) => ({ nodeId, status: "SKIPPED" as const })),
          });
          continue;
        }
        if (running.size === 0) break;
        changed = false;
        if (wakeLoop) {
          await new Promise<void>((resolve) => (wake = resolve));
          // Every running node is in nodeScope, so a cancelled run settles one and wakes the loop; the
          // loop then ends the way condition() would have made it (CancelledFailure, caught below).
          if (nodeScope.consideredCancelled) await nodeScope.cancelRequested;
        } else {
          await condition(() => changed);
        }
      }
      // Fail fast: whatever still runs is cancelled, in the same turn the loop ended in.
      if (failure) {
        nodeScope.cancel();
        await Promise.allSettled([...running.values()]);
      }
    };
    await (wakeLoop ? nodeScope.run(schedule) : schedule());
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(async () => {
      await Promise.allSettled([...running.values()]);
      await bookkeeping.finishRun({ ...ref, status: "CANCELLED", error: "cancelled", outputNodeIds: [] });
    });
    throw err;
  }

  const f = failure as { nodeId: string; message: string } | null;
  const result =
    (f ? null : (finished as RunResult | null)) ??
    (await runBookkeeping.finishRun({
      ...ref,
      status: f ? "FAILED" : "SUCCEEDED",
      ...(f ? { error: `node "${f.nodeId}" failed: ${f.message}` } : {}),
      outputNodeIds: sinks,
    }));
  // A failed run fails its workflow too, so Temporal's UI and a parent run see it as failed.
  if (result.status === "FAILED")
    throw ApplicationFailure.nonRetryable(result.error ?? "run failed", "RUN_FAILED");
  return result;
}

interface InlineNode {
  type: string;
  config?: Record<string, unknown>;
  retry?: RetryPolicy;
  timeoutMs?: number;
}

function retryOf(node: { type: string; retry?: RetryPolicy }): RetryPolicy {
  return node.retry ?? nodeRunDefaults(node.type)?.defaultRetry ?? FALLBACK_RETRY;
}

function timeoutOf(node: { type: string; timeoutMs?: number }): number {
  return node.timeoutMs ?? nodeRunDefaults(node.type)?.defaultTimeoutMs ?? FALLBACK_TIMEOUT_MS;
}

/**
 * One activity proxy per node: its own timeout and retry policy, straight from the graph. Foreach
 * items are not recorded per attempt, so they get exactly the node's attempts.
 */
function activitiesFor(
  node: { id: string; type: string; retry?: RetryPolicy; timeoutMs?: number },
  item = false,
) {
  const retry = retryOf(node);
  const timeoutMs = timeoutOf(node);
  return proxyActivities<Activities>({
    // The activity enforces the node's timeout itself (and records it); this is the backstop for
    // an attempt that cannot (a blocked event loop).
    startToCloseTimeout: timeoutMs + BACKSTOP_GRACE_MS,
    // Activities heartbeat every second: a dead worker is noticed in seconds, not at the timeout.
    heartbeatTimeout: 5_000,
    retry: {
      maximumAttempts: retry.maxAttempts + (item ? 0 : CRASH_ALLOWANCE),
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: retry.backoff,
      ...(retry.maxIntervalMs ? { maximumInterval: retry.maxIntervalMs } : {}),
    },
  });
}

function describeFailure(err: unknown, node: { timeoutMs?: number; type: string }): string {
  if (err instanceof NodeFailed) return err.message;
  if (err instanceof ActivityFailure || err instanceof ChildWorkflowFailure) {
    const cause = err.cause;
    if (cause instanceof TimeoutFailure) {
      const limit = timeoutOf(node);
      return cause.timeoutType === "HEARTBEAT"
        ? "the worker running it stopped responding"
        : `did not finish within ${limit} ms and could not be stopped`;
    }
    if (cause) return cause.message;
  }
  return err instanceof Error ? err.message : String(err);
}

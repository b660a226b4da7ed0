import type { Context } from "@temporalio/activity";
import { withWorkspace } from "@weft/db";
import { LARGE_OUTPUT_THRESHOLD_BYTES, getNodeType, redactSecrets, renderTemplate } from "@weft/schema";
import type { ActivityDeps } from "./deps.ts";
import { NodeFailure, classifyError, toApplicationFailure } from "./errors.ts";
import { heartbeating } from "./heartbeat.ts";
import { nodeImplementations } from "./nodes/registry.ts";
import type { NodeContext, NodeOutcome } from "./nodes/types.ts";
import { beginNodeAttempt, succeedNodeAttempt } from "@weft/db/run-events";
import { evaluateEdges, nodesReadBy, type EdgeSpec, type RunScope } from "./run-scope.ts";
import { finishRun, type RunResult } from "./run-activities.ts";

export interface ExecuteNodeInput {
  runId: string;
  workspaceId: string;
  nodeId: string;
  type: string;
  /** As written in the graph: templates unrendered, so no secret value enters history. */
  config: Record<string, unknown>;
  /** The node's own retry budget (node errors and timeouts; lost workers don't count). */
  maxAttempts: number;
  /** The node's own timeout per attempt, enforced inside the activity. */
  timeoutMs: number;
  /** Outgoing edges, evaluated here on success (conditions may read large outputs). */
  outgoing: EdgeSpec[];
  /** Set when this is one item of a foreach: nothing is recorded, the output is returned. */
  item?: { index: number; value: unknown };
  /**
   * One of the run's first nodes: its start also moves the run QUEUED → RUNNING (once, in the
   * same write), so the workflow needs no start activity of its own.
   */
  startsRun?: boolean;
  /**
   * The graph's only sink: when it succeeds, every other node has settled and none failed the run,
   * so its success also finishes the run SUCCEEDED (right after its own write), and the workflow
   * needs no finish activity of its own.
   */
  finishesRun?: boolean;
}

export interface ExecuteNodeResult {
  /** One flag per outgoing edge: does it fire? */
  edges: boolean[];
  /** Only for foreach items (the foreach collects them); run nodes keep outputs in Postgres. */
  output?: unknown;
  /** The node had already succeeded in an earlier attempt whose completion was lost. */
  alreadyDone?: boolean;
  /** Set when the input said `finishesRun`: the run's recorded finish. */
  run?: RunResult;
}

/**
 * One graph node as one Temporal activity attempt: render templates and secrets here (never in
 * the workflow), run the node, record NodeRun + RunEvents, evaluate outgoing edges.
 */
export function executeNode(deps: ActivityDeps, input: ExecuteNodeInput): Promise<ExecuteNodeResult> {
  // Heartbeats say "this worker is alive" for the whole attempt, the database writes included: an
  // attempt waiting out a PostgreSQL restart is not dead, and if Temporal took it for dead it
  // would run the node again beside it.
  return heartbeating((ctx) => runAttempt(deps, input, ctx));
}

async function runAttempt(
  deps: ActivityDeps,
  input: ExecuteNodeInput,
  ctx: Context,
): Promise<ExecuteNodeResult> {
  const attempt = ctx.info.attempt;
  const { runId, workspaceId, nodeId } = input;
  const isItem = input.item !== undefined;
  const definition = getNodeType(input.type);
  const implementation = nodeImplementations[input.type];
  if (!definition || !implementation) {
    throw toApplicationFailure({
      message: `node type "${input.type}" cannot run on this worker`,
      code: "UNKNOWN_NODE_TYPE",
      retryable: false,
    });
  }

  // Start. Three things about the previous attempt are settled here, before anything runs:
  // - it succeeded but its completion was lost (worker died after recording): don't run the side
  //   effect again, just answer;
  // - it vanished without recording an outcome: its worker died (the node's own timeout is
  //   enforced in-process below and recorded like any error), so it does not count;
  // - it recorded an error or a timeout: already counted in failedAttempts.
  const execution = ctx.info.workflowExecution;
  const start = await beginNodeAttempt(deps.prisma, {
    workspaceId,
    runId,
    nodeId,
    attempt,
    maxAttempts: input.maxAttempts,
    item: isItem,
    reads: nodesReadBy(input.config, definition.expressionFields, input.outgoing),
    ...(input.startsRun && !isItem && execution
      ? { runStart: { workflowId: execution.workflowId, temporalRunId: execution.runId } }
      : {}),
  });
  if (start.missing) throw new NodeFailure(`run ${runId} not found`, false, "RUN_NOT_FOUND");
  if (start.superseded) {
    // Temporal already gave up on this attempt, so nothing it answers counts; fail it quietly.
    throw toApplicationFailure({
      message: "a later attempt of this node is running",
      code: "SUPERSEDED",
      retryable: true,
    });
  }
  if (start.exhausted) {
    throw toApplicationFailure({ message: start.exhausted, code: "TIMEOUT", retryable: false });
  }
  if (start.done) {
    // The finish too may have been lost with the completion; recording it again records nothing twice.
    const edges = await evaluateEdges(input.outgoing, start.scope as RunScope, true);
    return { edges, alreadyDone: true, ...(await finishing(deps, input)) };
  }

  const loaded = start.scope as RunScope;
  const scope: RunScope = isItem ? { ...loaded, item: input.item!.value, index: input.item!.index } : loaded;
  const secretValues: string[] = [];
  const logs: string[] = [];
  const redact = (text: string) => redactSecrets(text, secretValues);
  // Spend reported during this attempt (provider calls), kept even if the attempt then fails.
  const usage = { tokensIn: 0, tokensOut: 0, costUsd: 0 };
  const startedAt = Date.now();
  try {
    const rendered = await renderConfig(deps, input, scope, definition.expressionFields, secretValues);
    const parsed = definition.config.safeParse(rendered);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new NodeFailure(
        `config.${first?.path.join(".") ?? ""}: ${first?.message ?? "invalid"} (after templates were filled in)`,
        false,
        "INVALID_CONFIG",
      );
    }
    // The node's timeout is enforced here, not by Temporal's start-to-close timeout (which is only
    // a backstop), so a timed-out attempt is recorded and counted like any other failure, and a
    // vanished attempt can only mean a dead worker.
    const timedOut = new AbortController();
    const timer = setTimeout(() => timedOut.abort(), input.timeoutMs);
    let outcome: NodeOutcome;
    try {
      outcome = await Promise.race([
        (implementation as (c: unknown) => Promise<NodeOutcome>)({
          config: parsed.data,
          rawConfig: input.config,
          scope,
          idempotencyKey: isItem ? `${runId}:${nodeId}:${input.item!.index}` : `${runId}:${nodeId}`,
          signal: AbortSignal.any([ctx.cancellationSignal, timedOut.signal]),
          attempt,
          deps,
          log: (line: string) => logs.push(redact(line)),
          runId,
          workspaceId,
          nodeId,
          addSecret: (value: string) => {
            if (value && !secretValues.includes(value)) secretValues.push(value);
          },
          redact,
          reportUsage: (u) => {
            usage.tokensIn += u.tokensIn;
            usage.tokensOut += u.tokensOut;
            usage.costUsd += u.costUsd;
          },
        } satisfies NodeContext<unknown>),
        new Promise<never>((_, reject) =>
          timedOut.signal.addEventListener("abort", () =>
            reject(new NodeFailure(`timed out after ${input.timeoutMs} ms`, true, "TIMEOUT")),
          ),
        ),
      ]);
    } finally {
      clearTimeout(timer);
    }
    // Outputs are stored redacted: a service that echoes a secret back must not leak it.
    const output = secretValues.length
      ? JSON.parse(redact(JSON.stringify(outcome.output ?? null)))
      : outcome.output;
    if (isItem) return { edges: [], output };

    const scopeAfter: RunScope = { ...scope, nodes: { ...scope.nodes, [nodeId]: { output } } };
    const edges = await evaluateEdges(input.outgoing, scopeAfter, true);
    await succeedNodeAttempt(deps.prisma, {
      workspaceId,
      runId,
      nodeId,
      attempt,
      input: JSON.parse(redact(JSON.stringify(rendered ?? null))),
      output,
      largeThresholdBytes: LARGE_OUTPUT_THRESHOLD_BYTES,
      logs,
      // Incremented: earlier failed attempts of this node already added what they spent.
      tokensIn: outcome.tokensIn ?? usage.tokensIn,
      tokensOut: outcome.tokensOut ?? usage.tokensOut,
      costUsd: outcome.costUsd ?? usage.costUsd,
      durationMs: Date.now() - startedAt,
    }).catch((error: unknown) => {
      throw new RecordingFailed(error);
    });
    return {
      edges,
      ...(await finishing(deps, input).catch((error: unknown) => {
        throw new RecordingFailed(error);
      })),
    };
  } catch (err) {
    if (ctx.cancellationSignal.aborted) throw err;
    if (err instanceof RecordingFailed) {
      // The node's work succeeded; only recording it failed (the database went away mid-write).
      // Like a crashed worker, this attempt is not the node's fault and is not counted: the row
      // stays RUNNING, so the next attempt's start sees an interrupted attempt (or, if the write
      // did commit, a success it answers without running again).
      throw toApplicationFailure({
        message: "the node finished but its result could not be recorded (database unavailable); retrying",
        code: "RECORDING_FAILED",
        retryable: true,
      });
    }
    const classified = classifyError(err);
    classified.message = redact(classified.message);
    if (!isItem) {
      // The attempt's error is kept on the row (PENDING = waiting for the next attempt); the
      // workflow records the terminal FAILED once no attempt is left.
      const failedAttempts = start.failedAttempts + 1;
      if (failedAttempts >= input.maxAttempts) classified.retryable = false;
      await withWorkspace(deps.prisma, workspaceId, async (tx) => {
        await tx.nodeRun.update({
          where: { runId_nodeId: { runId, nodeId } },
          data: {
            status: "PENDING",
            error: classified.message,
            failedAttempts,
            logs: { push: logs },
            // A failed attempt still paid for the provider calls it made.
            tokensIn: { increment: usage.tokensIn },
            tokensOut: { increment: usage.tokensOut },
            costUsd: { increment: usage.costUsd },
          },
        });
      }).catch(() => {});
    }
    throw toApplicationFailure(classified);
  }
}

/** The run's finish when this node finishes it (its success is recorded already); else nothing. */
async function finishing(deps: ActivityDeps, input: ExecuteNodeInput): Promise<{ run?: RunResult }> {
  if (!input.finishesRun || input.item) return {};
  const { runId, workspaceId, nodeId } = input;
  return { run: await finishRun(deps, { runId, workspaceId, status: "SUCCEEDED", outputNodeIds: [nodeId] }) };
}

/** Templates everywhere except expression fields, which are evaluated against the scope later. */
async function renderConfig(
  deps: ActivityDeps,
  input: ExecuteNodeInput,
  scope: RunScope,
  expressionFields: readonly string[],
  secretValues: string[],
): Promise<Record<string, unknown>> {
  const templated: Record<string, unknown> = {};
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input.config)) {
    if (expressionFields.includes(key)) kept[key] = value;
    else templated[key] = value;
  }
  // Secrets are fetched (decrypted) up front for the names the config references, because the
  // renderer's resolver is synchronous.
  const secretNames = new Set<string>();
  renderTemplate(templated, scope, {
    secrets: (name) => {
      secretNames.add(name);
      return "";
    },
    missing: "keep",
  });
  const secrets = new Map<string, string>();
  for (const name of secretNames) {
    const value = await deps.secrets(input.workspaceId, name);
    if (value === undefined) {
      throw new NodeFailure(`secret "${name}" does not exist in this workspace`, false, "MISSING_SECRET");
    }
    secrets.set(name, value);
    secretValues.push(value);
  }
  const { value } = renderTemplate<Record<string, unknown>>(templated, scope, {
    secrets: (name) => secrets.get(name),
    missing: input.type === "log" ? "keep" : "throw",
  });
  return { ...value, ...kept };
}

/** Recording a successful attempt failed: an infrastructure error, never the node's own. */
class RecordingFailed extends Error {
  constructor(cause: unknown) {
    super("recording the node's result failed", { cause });
  }
}

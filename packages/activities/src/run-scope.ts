import type { Tx } from "@weft/db";
import {
  ACTIVITY_EXPRESSION_LIMITS,
  LARGE_OUTPUT_THRESHOLD_BYTES,
  collectReferences,
  compileExpression,
  evaluateCondition,
  nodesRead,
  type NodeScopeEntry,
} from "@weft/schema";
import { NodeFailure } from "./errors.ts";
import { json, readRunScope } from "@weft/db/run-events";

/** An outgoing edge as the activity needs it: whether it is an error branch, and its condition. */
export interface EdgeSpec {
  to: string;
  on?: "success" | "error";
  condition?: string;
}

/** A type literal (not an interface) so it also serves as a JSONata scope record. */
export type RunScope = {
  input: Record<string, unknown>;
  nodes: Record<string, NodeScopeEntry>;
  /** Present only for a foreach item. */
  item?: unknown;
  index?: number;
};

/**
 * What templates and expressions of a node can see: the run input and the recorded outcome of
 * every node that finished. Read from Postgres rather than carried in activity inputs, so
 * Temporal history holds each output once (in no input), and large outputs resolve by reference.
 */
export async function loadRunScope(tx: Tx, runId: string): Promise<RunScope> {
  const scope = await readRunScope(tx, runId);
  if (!scope) throw new NodeFailure(`run ${runId} not found`, false, "RUN_NOT_FOUND");
  return scope as RunScope;
}

/**
 * The nodes whose outcomes a node attempt can read: those its templates name, and those its
 * expression fields and outgoing edge conditions read; null when any node could be read (an
 * expression that reaches `nodes` dynamically, or one that does not parse, which then fails
 * exactly as it would with every node loaded). Loading only these keeps a run's scope reads linear.
 */
export function nodesReadBy(
  config: Record<string, unknown>,
  expressionFields: readonly string[],
  outgoing: readonly EdgeSpec[],
): string[] | null {
  const ids = new Set<string>();
  const templated: Record<string, unknown> = {};
  const expressions: unknown[] = outgoing.flatMap((e) => (e.condition ? [e.condition] : []));
  for (const [key, value] of Object.entries(config)) {
    if (expressionFields.includes(key)) expressions.push(value);
    else templated[key] = value;
  }
  for (const { ref } of collectReferences(templated)) {
    if (ref.root !== "nodes") continue;
    const id = ref.path[1];
    if (typeof id !== "string") return null;
    ids.add(id);
  }
  for (const source of expressions) {
    if (typeof source !== "string") return null;
    const compiled = compileExpression(source);
    const read = compiled.ok ? nodesRead(compiled.expr) : null;
    if (!read) return null;
    for (const id of read) ids.add(id);
  }
  return [...ids];
}

/**
 * Stores a node output on its NodeRun, or in LargeOutput when it is over the threshold, and
 * returns the columns to write.
 */
export async function storeOutput(
  tx: Tx,
  ids: { workspaceId: string; runId: string; nodeId: string },
  output: unknown,
): Promise<{ output: ReturnType<typeof json>; outputRef: string | null }> {
  const text = JSON.stringify(output ?? null);
  const size = Buffer.byteLength(text);
  if (size <= LARGE_OUTPUT_THRESHOLD_BYTES) return { output: json(output), outputRef: null };
  const large = await tx.largeOutput.create({
    data: { ...ids, data: json(output) as object, sizeBytes: size },
    select: { id: true },
  });
  return { output: json({ $ref: large.id, sizeBytes: size }), outputRef: large.id };
}

/**
 * Decides which outgoing edges fire. On success: success edges whose condition holds (none on
 * error edges); on failure: error edges whose condition holds. A condition that cannot be
 * evaluated on success fails the node, so a typo is never silently a false branch.
 */
export async function evaluateEdges(
  edges: readonly EdgeSpec[],
  scope: RunScope,
  succeeded: boolean,
): Promise<boolean[]> {
  const result: boolean[] = [];
  for (const edge of edges) {
    const isError = edge.on === "error";
    if (isError === succeeded) {
      result.push(false);
      continue;
    }
    if (!edge.condition) {
      result.push(true);
      continue;
    }
    try {
      result.push(await evaluateCondition(edge.condition, scope, ACTIVITY_EXPRESSION_LIMITS));
    } catch (err) {
      if (!succeeded) {
        result.push(false);
        continue;
      }
      throw new NodeFailure(
        `condition on the edge to "${edge.to}" failed: ${(err as Error).message}`,
        false,
        "EDGE_CONDITION_ERROR",
      );
    }
  }
  return result;
}

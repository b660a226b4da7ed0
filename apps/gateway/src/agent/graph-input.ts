import type { Prisma } from "@weft/db";
import { validateGraph, type Graph } from "@weft/schema";
import { AppError } from "../errors.ts";

/** Cap on issues sent back: a pasted garbage graph can produce thousands. */
const MAX_ISSUES = 50;

/**
 * Validates a Graph v1 document or throws BAD_USER_INPUT whose
 * `details.issues` lists `{ path, nodeId, field, code, message }` per problem
 * (`path` from the graph root, e.g. ["nodes", 1, "config", "prompt"]), which
 * is what the canvas needs to highlight the offending node and field.
 */
export function validGraphOrThrow(input: unknown, argument = "graph"): Graph {
  const result = validateGraph(input);
  if (result.ok) return result.graph;
  const issues = result.errors.slice(0, MAX_ISSUES).map((issue) => ({
    path: issue.path,
    nodeId: issue.nodeId ?? null,
    field: issue.field ?? null,
    code: issue.code,
    message: issue.message,
  }));
  const more = result.errors.length > 1 ? ` (and ${result.errors.length - 1} more)` : "";
  throw new AppError(
    "BAD_USER_INPUT",
    `${argument} is invalid: ${issues[0]?.message ?? "unknown problem"}${more}`,
    {
      argument,
      issues,
      truncated: result.errors.length > MAX_ISSUES,
    },
  );
}

/** Graphs are plain JSON once validated; this tells Prisma so. */
export function graphJson(graph: Graph): Prisma.InputJsonValue {
  return graph as unknown as Prisma.InputJsonValue;
}

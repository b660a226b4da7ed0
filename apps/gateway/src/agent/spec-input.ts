import type { Graph } from "@weft/schema";
import { compileSpec, printSpec } from "@weft/schema/spec/index";
import { AppError } from "../errors.ts";

/**
 * The draft's two text forms stay in sync on the server too, through packages/schema: a spec
 * alone is compiled into the graph (rejected with every diagnostic if it does not compile), a
 * graph alone gets its canonical spec.
 */
export function graphFromSpecOrThrow(spec: string): Graph {
  const result = compileSpec(spec);
  if (result.ok && result.graph) return result.graph;
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  throw new AppError("BAD_USER_INPUT", `spec does not compile: ${errors[0]?.message ?? "unknown problem"}`, {
    argument: "spec",
    issues: errors.slice(0, 50).map((d) => ({
      path: ["spec"],
      line: d.line,
      column: d.column ?? null,
      nodeId: d.nodeId ?? null,
      message: d.message,
    })),
  });
}

export function specFromGraph(graph: Graph, name?: string): string {
  return printSpec(graph, name ? { name } : {});
}

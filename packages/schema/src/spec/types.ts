import type { Graph } from "../graph.ts";

/** One problem in a spec, worded for the person editing it. Lines and columns are 1-based. */
export interface SpecDiagnostic {
  severity: "error" | "warning";
  message: string;
  line: number;
  column?: number;
  /** The step the problem belongs to, when there is one. */
  nodeId?: string;
}

/**
 * Front-matter fields that describe the agent rather than the graph: the gateway stores them on
 * the Agent (name, description) and its Schedule (cron), so they are not part of Graph v1.
 */
export interface SpecMeta {
  name?: string;
  description?: string;
  /** Cron expression (5 fields); informational — schedules are created through the API. */
  schedule?: string;
}

export interface CompileSpecResult {
  /** True when there are no error diagnostics; `graph` is then set and passes `validateGraph`. */
  ok: boolean;
  graph?: Graph;
  meta: SpecMeta;
  /** Sorted by line, then column. */
  diagnostics: SpecDiagnostic[];
}

/** Input of the `generateSpec` workflow (English → AgentSpec through the workspace's LLM). */
export interface GenerateSpecInput {
  workspaceId: string;
  prompt: string;
  currentSpec?: string | null;
}

export interface GenerateSpecResult {
  ok: boolean;
  spec: string | null;
  graph: unknown;
  diagnostics: SpecDiagnostic[];
  /** Model calls made: the first answer plus repairs. */
  attempts: number;
  /** "provider/model" that answered. */
  model: string;
}

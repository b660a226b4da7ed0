import type { ActivityDeps } from "../deps.ts";
import type { RunScope } from "../run-scope.ts";

export interface NodeUsage {
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

export interface NodeContext<C> {
  runId: string;
  workspaceId: string;
  /** The graph node id (for a foreach item: the foreach node's inline node, recorded under the foreach). */
  nodeId: string;
  /** Config after templates were rendered and the node type's schema applied defaults. */
  config: C;
  /** The raw config, for expression fields (evaluated against `scope`, not templated). */
  rawConfig: Record<string, unknown>;
  scope: RunScope;
  /** Stable per run and node (and foreach item): receivers use it to drop duplicate deliveries. */
  idempotencyKey: string;
  /** Aborted when the run is cancelled or the attempt times out. */
  signal: AbortSignal;
  attempt: number;
  deps: ActivityDeps;
  log(line: string): void;
  /**
   * Registers a credential the implementation fetched itself (an API key, an SMTP URL) so the
   * wrapper redacts it from logs, errors, outputs and recorded inputs like template secrets.
   */
  addSecret(value: string): void;
  /** Replaces every registered secret value in `text` (for events the implementation writes itself). */
  redact(text: string): string;
  /**
   * Spend of this attempt as it happens (each provider call), so a failed attempt's tokens are
   * still counted on the NodeRun; a successful outcome without token fields uses this sum.
   */
  reportUsage(usage: NodeUsage): void;
}

export interface NodeOutcome {
  output: unknown;
  tokensIn?: number;
  tokensOut?: number;
  costUsd?: number;
}

export type NodeImplementation<C = unknown> = (ctx: NodeContext<C>) => Promise<NodeOutcome>;

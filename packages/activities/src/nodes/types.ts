import type { ActivityDeps } from "../deps.ts";
import type { RunScope } from "../run-scope.ts";

export interface NodeContext<C> {
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
}

export interface NodeOutcome {
  output: unknown;
  tokensIn?: number;
  tokensOut?: number;
  costUsd?: number;
}

export type NodeImplementation<C = unknown> = (ctx: NodeContext<C>) => Promise<NodeOutcome>;

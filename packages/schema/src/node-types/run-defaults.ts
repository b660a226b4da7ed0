import type { RetryPolicy } from "../graph.ts";

// Each node type's retry policy and timeout when the node sets none. Their one home, kept free of
// zod and everything else: the runAgent workflow imports this module, and Temporal evaluates a
// workflow's own modules once per workflow execution, so anything it imports is paid for on
// every run (measured in bench/RESULTS.md: importing the whole of @weft/schema cost more worker
// CPU per run than the run's activities). defineNodeType (define.ts) reads the same table.

export const LLM_RETRY: RetryPolicy = {
  maxAttempts: 3,
  initialIntervalMs: 2000,
  backoff: 2,
  maxIntervalMs: 60_000,
};
export const NETWORK_RETRY: RetryPolicy = {
  maxAttempts: 3,
  initialIntervalMs: 1000,
  backoff: 2,
  maxIntervalMs: 30_000,
};
/** Side-effect nodes retry less eagerly: idempotency keys make retries safe, not free. */
export const SIDE_EFFECT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  initialIntervalMs: 5000,
  backoff: 2,
  maxIntervalMs: 60_000,
};
export const NO_RETRY: RetryPolicy = { maxAttempts: 1, initialIntervalMs: 1000, backoff: 1 };

export interface NodeRunDefaults {
  /** null: the type runs in the workflow (control), or takes the workflow's fallback. */
  defaultRetry: RetryPolicy | null;
  defaultTimeoutMs: number | null;
}

const CONTROL: NodeRunDefaults = { defaultRetry: null, defaultTimeoutMs: null };

export const NODE_RUN_DEFAULTS: Readonly<Record<string, NodeRunDefaults>> = {
  condition: CONTROL,
  foreach: CONTROL,
  subagent: CONTROL,
  approval: CONTROL,
  delay: CONTROL,
  transform: { defaultRetry: NO_RETRY, defaultTimeoutMs: 30_000 },
  "db.query": { defaultRetry: NETWORK_RETRY, defaultTimeoutMs: 60_000 },
  "http.request": { defaultRetry: NETWORK_RETRY, defaultTimeoutMs: 60_000 },
  "llm.generate": { defaultRetry: LLM_RETRY, defaultTimeoutMs: 120_000 },
  "llm.structured": { defaultRetry: LLM_RETRY, defaultTimeoutMs: 120_000 },
  "llm.classify": { defaultRetry: LLM_RETRY, defaultTimeoutMs: 60_000 },
  "email.send": { defaultRetry: SIDE_EFFECT_RETRY, defaultTimeoutMs: 60_000 },
  "sms.send": { defaultRetry: SIDE_EFFECT_RETRY, defaultTimeoutMs: 30_000 },
  "reddit.top": { defaultRetry: NETWORK_RETRY, defaultTimeoutMs: 30_000 },
  "reddit.search": { defaultRetry: NETWORK_RETRY, defaultTimeoutMs: 30_000 },
  log: { defaultRetry: { maxAttempts: 3, initialIntervalMs: 500, backoff: 2 }, defaultTimeoutMs: 10_000 },
};

/** The defaults of a node type; undefined for a type this version does not know. */
export function nodeRunDefaults(type: string): NodeRunDefaults | undefined {
  return Object.hasOwn(NODE_RUN_DEFAULTS, type) ? NODE_RUN_DEFAULTS[type] : undefined;
}

// Baselines: the same shape of work as plain Temporal, no Weft on top.
import { proxyActivities } from "@temporalio/workflow";

const { noop, stamp } = proxyActivities<{
  noop(i: number): Promise<number>;
  stamp(): Promise<number>;
}>({ startToCloseTimeout: "30 seconds" });

/**
 * The options and payload shape Weft gives a transform node's activity (run-agent.ts,
 * activitiesFor; the node's defaults in run-defaults.ts), written out here so this baseline stays
 * free of Weft code: a heartbeat timeout, so a dead worker is noticed in seconds; the node's
 * timeout plus the backstop's grace; its attempts plus the crash allowance.
 */
const asWeft = proxyActivities<{
  echoNode(input: NodeShapedInput): Promise<{ edges: boolean[] }>;
}>({
  startToCloseTimeout: 30_000 + 30_000,
  heartbeatTimeout: 5_000,
  retry: { maximumAttempts: 1 + 3, initialInterval: 1_000, backoffCoefficient: 1 },
});

export interface NodeShapedInput {
  runId: string;
  workspaceId: string;
  nodeId: string;
  type: string;
  config: Record<string, unknown>;
  maxAttempts: number;
  timeoutMs: number;
  outgoing: Array<{ to: string }>;
}

const RUN_ID = "00000000-0000-4000-8000-000000000001";
const WORKSPACE_ID = "00000000-0000-4000-8000-000000000002";
const nodeInput = (i: number, to: string[]): NodeShapedInput => ({
  runId: RUN_ID,
  workspaceId: WORKSPACE_ID,
  nodeId: `b${i}`,
  type: "transform",
  config: { expression: `${i}` },
  maxAttempts: 1,
  timeoutMs: 30_000,
  outgoing: to.map((t) => ({ to: t })),
});

/** Scenario 1 (and 3 with n = 3): n no-op activities one after the other. */
export async function rawChain(n: number): Promise<number> {
  let last = 0;
  for (let i = 0; i < n; i++) last = await noop(i);
  return last;
}

/** Scenario 2: n no-op activities at once (Promise.all), then one more. */
export async function rawFanOut(n: number): Promise<number> {
  const results = await Promise.all(Array.from({ length: n }, (_, i) => noop(i)));
  return (await noop(results.length)) + 1;
}

/** Scenario 2's diagnostic: rawFanOut with the activity options and payloads Weft uses. */
export async function rawFanOutAsWeft(n: number): Promise<number> {
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) => asWeft.echoNode(nodeInput(i, ["join"]))),
  );
  const joined = await asWeft.echoNode(nodeInput(n, []));
  return results.length + joined.edges.length;
}

/** Scenario 4: when (epoch ms, sub-millisecond) the first activity started; then n − 1 no-ops. */
export async function rawFirstStart(n: number): Promise<number> {
  const startedAt = await stamp();
  for (let i = 1; i < n; i++) await noop(i);
  return startedAt;
}

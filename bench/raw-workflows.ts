// Baselines: the same shape of work as plain Temporal, no Weft on top.
import { proxyActivities } from "@temporalio/workflow";

const { noop, stamp } = proxyActivities<{
  noop(i: number): Promise<number>;
  stamp(): Promise<number>;
}>({ startToCloseTimeout: "30 seconds" });

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

/** Scenario 4: when (epoch ms, sub-millisecond) the first activity started; then n − 1 no-ops. */
export async function rawFirstStart(n: number): Promise<number> {
  const startedAt = await stamp();
  for (let i = 1; i < n; i++) await noop(i);
  return startedAt;
}

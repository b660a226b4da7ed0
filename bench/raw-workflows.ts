// Baseline for bench/overhead.ts: the same shape of work as plain Temporal, no Weft on top.
import { proxyActivities } from "@temporalio/workflow";

const { noop } = proxyActivities<{ noop(i: number): Promise<number> }>({ startToCloseTimeout: "30 seconds" });

export async function rawChain(n: number): Promise<number> {
  let last = 0;
  for (let i = 0; i < n; i++) last = await noop(i);
  return last;
}

export async function rawFanOut(n: number): Promise<number> {
  const results = await Promise.all(Array.from({ length: n }, (_, i) => noop(i)));
  return (await noop(results.length)) + 1;
}

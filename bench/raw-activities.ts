/** Activities of the raw-Temporal baselines (bench/raw-workflows.ts). */
import type { NodeShapedInput } from "./raw-workflows.ts";

export const rawActivities = {
  /** Answers like a node activity that fires all its outgoing edges. */
  echoNode: async (input: NodeShapedInput): Promise<{ edges: boolean[] }> => ({
    edges: input.outgoing.map(() => true),
  }),
  noop: async (i: number): Promise<number> => i,
  /** Wall-clock time with sub-millisecond resolution, comparable across processes on one machine. */
  stamp: async (): Promise<number> => performance.timeOrigin + performance.now(),
};

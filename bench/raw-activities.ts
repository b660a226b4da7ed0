/** Activities of the raw-Temporal baselines (bench/raw-workflows.ts). */
export const rawActivities = {
  noop: async (i: number): Promise<number> => i,
  /** Wall-clock time with sub-millisecond resolution, comparable across processes on one machine. */
  stamp: async (): Promise<number> => performance.timeOrigin + performance.now(),
};

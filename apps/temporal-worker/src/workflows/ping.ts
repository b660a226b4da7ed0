import { proxyActivities } from "@temporalio/workflow";
import type { Activities } from "@weft/activities";

const { ping: pingActivity } = proxyActivities<Activities>({
  startToCloseTimeout: "10 seconds",
  retry: { maximumAttempts: 3 },
});

/** Liveness probe: a round trip through the workflow and activity task pollers. */
export async function ping(message: string): Promise<{ echo: string; workerId: string }> {
  const { echo, workerId } = await pingActivity(message);
  return { echo, workerId };
}

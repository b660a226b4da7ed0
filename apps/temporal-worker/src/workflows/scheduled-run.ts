import { executeChild, proxyActivities, uuid4, workflowInfo } from "@temporalio/workflow";
import type { Activities } from "@weft/activities";
import type { ScheduledRunInput } from "@weft/schema";
import { WORKFLOW_TYPES, runWorkflowId } from "@weft/schema/constants";
import type { runAgent } from "./run-agent.ts";

const { createScheduledRun } = proxyActivities<Activities>({
  startToCloseTimeout: "30 seconds",
  retry: { initialInterval: "1 second", maximumAttempts: 10 },
});

/**
 * Started by a Temporal Schedule at each firing. The run id is chosen here (deterministically,
 * so a replay or retried activity creates no second run); the version is the live one *now*.
 */
export async function scheduledRun(
  input: ScheduledRunInput,
): Promise<{ runId: string } | { skipped: string }> {
  const plan = await createScheduledRun({ ...input, runId: uuid4() });
  if ("skipped" in plan) return plan;
  await executeChild<typeof runAgent>(WORKFLOW_TYPES.runAgent, {
    workflowId: runWorkflowId(plan.run.runId),
    taskQueue: workflowInfo().taskQueue,
    args: [plan.run],
  }).catch(() => undefined); // The run records its own outcome; the firing itself succeeded.
  return { runId: plan.run.runId };
}

import { proxyActivities } from "@temporalio/workflow";
import type { Activities } from "@weft/activities";
import type { GenerateSpecInput, GenerateSpecResult } from "@weft/schema/spec/index";

const { generateSpec: generate } = proxyActivities<Activities>({
  // Up to three model calls, each possibly slow.
  startToCloseTimeout: "5 minutes",
  // The activity heartbeats while the model thinks: a dead worker is noticed in seconds, and a
  // cancelled generation (the caller stopped waiting) stops the model call on the next heartbeat.
  heartbeatTimeout: "10 seconds",
  retry: { maximumAttempts: 2, initialInterval: "2 seconds" },
});

/** A workflow (not a direct call from the gateway) so provider keys are only decrypted in workers. */
export async function generateSpec(input: GenerateSpecInput): Promise<GenerateSpecResult> {
  return generate(input);
}

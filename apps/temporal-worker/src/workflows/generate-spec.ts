import { proxyActivities } from "@temporalio/workflow";
import type { Activities } from "@weft/activities";
import type { GenerateSpecInput, GenerateSpecResult } from "@weft/schema/spec/index";

const { generateSpec: generate } = proxyActivities<Activities>({
  // Up to three model calls, each possibly slow.
  startToCloseTimeout: "5 minutes",
  retry: { maximumAttempts: 2, initialInterval: "2 seconds" },
});

/** A workflow (not a direct call from the gateway) so provider keys are only decrypted in workers. */
export async function generateSpec(input: GenerateSpecInput): Promise<GenerateSpecResult> {
  return generate(input);
}

import { Context } from "@temporalio/activity";
import type { ActivityDeps } from "./deps.ts";
import { executeNode, type ExecuteNodeInput } from "./execute-node.ts";
import { createScheduledRun } from "./schedule-activities.ts";
import type { GenerateSpecInput } from "@weft/schema/spec/index";
import { generateSpec } from "./spec-generation.ts";
import { heartbeating } from "./heartbeat.ts";
import {
  copyReusedNodes,
  finishRun,
  markRunStarted,
  prepareControlNode,
  recordNodes,
  type FinishRunInput,
  type NodeUpdate,
  type PrepareControlInput,
  type ReuseInput,
  type RunRef,
} from "./run-activities.ts";

export type { ActivityDeps, SecretSource } from "./deps.ts";
export type { ExecuteNodeInput, ExecuteNodeResult } from "./execute-node.ts";
export type {
  FinishRunInput,
  NodeUpdate,
  PreparedControl,
  PrepareControlInput,
  ReuseInput,
  RunRef,
  RunResult,
} from "./run-activities.ts";
export type { EdgeSpec } from "./run-scope.ts";
export type { ScheduledRunPlan } from "./schedule-activities.ts";
export { AddressPolicy } from "./http/address-policy.ts";
export { SafeHttpClient } from "./http/safe-fetch.ts";

/**
 * The worker builds activities once with its dependencies and registers the result; workflows
 * only ever see the *type* of this object (see apps/temporal-worker/src/workflows).
 */
export function createActivities(deps: ActivityDeps) {
  return {
    async ping(message: string): Promise<{ echo: string; workerId: string; attempt: number }> {
      return { echo: message, workerId: deps.workerId, attempt: Context.current().info.attempt };
    },
    executeNode: (input: ExecuteNodeInput) => executeNode(deps, input),
    markRunStarted: (input: RunRef & { temporalWorkflowId: string; temporalRunId: string }) =>
      markRunStarted(deps, input),
    recordNodes: (input: RunRef & { updates: NodeUpdate[] }) => recordNodes(deps, input),
    prepareControlNode: (input: PrepareControlInput) => prepareControlNode(deps, input),
    finishRun: (input: FinishRunInput) => finishRun(deps, input),
    copyReusedNodes: (input: ReuseInput) => copyReusedNodes(deps, input),
    createScheduledRun: (input: { scheduleId: string; workspaceId: string; runId: string }) =>
      createScheduledRun(deps, input),
    // Heartbeating, so that a caller who stops waiting (the gateway cancels the workflow) stops
    // the model calls too, instead of paying for an answer nobody reads.
    generateSpec: (input: GenerateSpecInput) =>
      heartbeating((ctx) => generateSpec(deps, input, ctx.cancellationSignal)),
  };
}

export type Activities = ReturnType<typeof createActivities>;

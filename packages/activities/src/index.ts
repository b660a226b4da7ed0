import { Context } from "@temporalio/activity";

/** What activity implementations need from the process that hosts them. */
export interface ActivityDeps {
  /** Identifies the worker in probe answers and logs. */
  workerId: string;
}

/**
 * The worker builds activities once with its dependencies and registers the result; workflows
 * only ever see the *type* of this object (see apps/temporal-worker/src/workflows).
 */
export function createActivities(deps: ActivityDeps) {
  return {
    async ping(message: string): Promise<{ echo: string; workerId: string; attempt: number }> {
      return { echo: message, workerId: deps.workerId, attempt: Context.current().info.attempt };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

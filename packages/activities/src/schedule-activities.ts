import { withWorkspace } from "@weft/db";
import { appendEvent, createQueuedRun } from "@weft/db/run-events";
import { resolveRunInput, validateGraph, type RunAgentInput } from "@weft/schema";
import type { ActivityDeps } from "./deps.ts";

export type ScheduledRunPlan = { run: RunAgentInput } | { skipped: string };

/**
 * A schedule fired: resolve the agent's live version *now* (so publishing moves schedules too),
 * check the stored input against it, and write the SCHEDULE run under the id the workflow chose
 * (deterministically), so a retried attempt finds the run it already created.
 */
export async function createScheduledRun(
  deps: ActivityDeps,
  input: { scheduleId: string; workspaceId: string; runId: string },
): Promise<ScheduledRunPlan> {
  return withWorkspace(deps.prisma, input.workspaceId, async (tx) => {
    const schedule = await tx.schedule.findUnique({ where: { id: input.scheduleId } });
    if (!schedule) return { skipped: "the schedule no longer exists" };
    if (!schedule.enabled) return { skipped: "the schedule is disabled" };
    const existing = await tx.run.findUnique({ where: { id: input.runId } });
    const agent = await tx.agent.findUnique({
      where: { id: schedule.agentId },
      select: { id: true, liveVersion: { select: { id: true, graph: true } } },
    });
    const versionId = existing?.versionId ?? agent?.liveVersion?.id;
    const version = versionId ? await tx.agentVersion.findUnique({ where: { id: versionId } }) : null;
    if (!agent || !version) return { skipped: "the agent has no published version" };
    const checked = validateGraph(version.graph);
    if (!checked.ok) return { skipped: "the live version is not a valid graph" };
    const resolved = resolveRunInput(checked.graph.inputs, schedule.input ?? {});
    if (!existing) {
      await createQueuedRun(tx, {
        id: input.runId,
        workspaceId: input.workspaceId,
        agentId: agent.id,
        versionId: version.id,
        input: resolved.ok ? resolved.value : ((schedule.input ?? {}) as Record<string, unknown>),
        trigger: "SCHEDULE",
        scheduleId: schedule.id,
      });
      if (!resolved.ok) {
        // Recorded, not silently dropped: the run fails at once and says why.
        const error = `schedule input does not fit the live version: ${resolved.errors.map((e) => e.message).join("; ")}`;
        await tx.run.update({
          where: { id: input.runId },
          data: { status: "FAILED", error, finishedAt: new Date() },
        });
        await appendEvent(tx, {
          workspaceId: input.workspaceId,
          runId: input.runId,
          type: "run.failed",
          status: "FAILED",
          data: { error },
        });
      }
    }
    if (!resolved.ok) return { skipped: "the schedule's input does not fit the live version" };
    return {
      run: {
        runId: input.runId,
        workspaceId: input.workspaceId,
        agentId: agent.id,
        versionId: version.id,
        graph: checked.graph,
        input: resolved.value,
      },
    };
  });
}

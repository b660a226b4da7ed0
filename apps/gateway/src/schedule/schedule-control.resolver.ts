import { ScheduleOverlapPolicy } from "@temporalio/client";
import {
  WORKFLOW_TYPES,
  resolveRunInput,
  temporalScheduleId,
  validateGraph,
  type ScheduledRunInput,
} from "@weft/schema";
import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { inLocated, notFound, recordAudit } from "../auth/access.ts";
import { badField } from "../common/input.ts";
import { JSONScalar } from "../common/scalars.ts";
import type { GatewayContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { cronProblem } from "./cron.ts";
import { Schedule, toSchedule } from "./schedule.type.ts";

/**
 * Schedules are Temporal Schedules (no home-made scheduler): the row holds what users see, the
 * Temporal Schedule fires `scheduledRun`, which resolves the live version at fire time. The
 * Temporal call happens inside the database transaction, so a failure on either side leaves
 * neither half written.
 */
@Resolver()
export class ScheduleControlResolver {
  @Mutation(() => Schedule, {
    description: "One schedule per agent: creates it or replaces its cron, zone, input, enabled.",
  })
  async upsertSchedule(
    @Arg("agentId", () => ID) agentId: string,
    @Arg("cron", () => String) cron: string,
    @Arg("timezone", () => String, { nullable: true, defaultValue: "UTC" }) timezoneArg: string | null,
    @Arg("input", () => JSONScalar, { nullable: true }) input: unknown,
    @Arg("enabled", () => Boolean, { nullable: true, defaultValue: true }) enabledArg: boolean | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<Schedule> {
    // Nullable with defaults, as in the contract: an explicit null means the default too.
    const timezone = timezoneArg ?? "UTC";
    const enabled = enabledArg ?? true;
    const problem = cronProblem(cron, timezone);
    if (problem) {
      throw new AppError("BAD_USER_INPUT", `${problem.field} ${problem.message}`, {
        issues: [{ path: [problem.field], message: problem.message }],
      });
    }
    const { temporal, taskQueue } = ctx.services.runs;
    return inLocated(
      ctx,
      "agent",
      agentId,
      "EDITOR",
      async (tx, actor) => {
        const agent = await tx.agent.findUnique({
          where: { id: agentId },
          select: { liveVersion: { select: { graph: true } } },
        });
        if (!agent) throw notFound("Agent");
        // A schedule runs the live version: without one every firing would be skipped unseen.
        if (!agent.liveVersion) {
          throw badField("agentId", "the agent has no published version; publish it before scheduling it");
        }
        // Checked against today's live version; a later publish is checked again at fire time.
        const checked = validateGraph(agent.liveVersion.graph);
        const resolved = checked.ok ? resolveRunInput(checked.graph.inputs, input ?? {}) : null;
        if (resolved && !resolved.ok) {
          throw new AppError("BAD_USER_INPUT", `input is invalid: ${resolved.errors[0]?.message}`, {
            issues: resolved.errors.map((e) => ({
              path: ["input", ...(e.name ? [e.name] : [])],
              message: e.message,
            })),
          });
        }
        const existing = await tx.schedule.findFirst({ where: { agentId }, orderBy: { createdAt: "asc" } });
        const data = { cron, timezone, input: (input ?? undefined) as object | undefined, enabled };
        const row = existing
          ? await tx.schedule.update({ where: { id: existing.id }, data })
          : await tx.schedule.create({
              data: {
                ...data,
                workspaceId: actor.workspaceId,
                agentId,
                createdById: actor.userId,
                temporalScheduleId: "pending",
              },
            });
        const scheduleId = temporalScheduleId(row.id);
        const args: ScheduledRunInput = { scheduleId: row.id, workspaceId: actor.workspaceId };
        const spec = { cronExpressions: [cron], timezone };
        const action = {
          type: "startWorkflow" as const,
          workflowType: WORKFLOW_TYPES.scheduledRun,
          workflowId: `scheduled-${row.id}`,
          taskQueue,
          args: [args],
        };
        if (existing) {
          const handle = temporal.schedule.getHandle(scheduleId);
          await handle.update((previous) => ({
            ...previous,
            spec,
            action,
            state: { ...previous.state, paused: !enabled },
          }));
        } else {
          await temporal.schedule.create({
            scheduleId,
            spec,
            action,
            // A slow run should not pile up firings behind it.
            policies: { overlap: ScheduleOverlapPolicy.SKIP },
            state: { paused: !enabled },
          });
        }
        const saved = existing
          ? row
          : await tx.schedule.update({ where: { id: row.id }, data: { temporalScheduleId: scheduleId } });
        await recordAudit(tx, actor, {
          action: existing ? "schedule.update" : "schedule.create",
          targetType: "Schedule",
          targetId: row.id,
          data: { agentId, cron, timezone, enabled },
        });
        return toSchedule(saved);
      },
      { mutation: true },
    );
  }

  @Mutation(() => Boolean)
  async deleteSchedule(@Arg("id", () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<boolean> {
    return inLocated(
      ctx,
      "schedule",
      id,
      "EDITOR",
      async (tx, actor) => {
        const row = await tx.schedule.findUnique({ where: { id } });
        if (!row) throw notFound("Schedule");
        await tx.schedule.delete({ where: { id } });
        await ctx.services.runs.temporal.schedule
          .getHandle(row.temporalScheduleId)
          .delete()
          .catch((err: unknown) => {
            // Already gone on Temporal's side is fine; anything else keeps the row.
            if (!/not found/i.test((err as Error).message)) throw err;
          });
        await recordAudit(tx, actor, { action: "schedule.delete", targetType: "Schedule", targetId: id });
        return true;
      },
      { mutation: true },
    );
  }
}

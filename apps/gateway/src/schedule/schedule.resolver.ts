import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../context.ts";
import { notFound } from "../auth/access.ts";
import { Agent, toAgent } from "../agent/agent.type.ts";
import { DateTimeScalar } from "../common/scalars.ts";
import { nextFireTimes } from "./cron.ts";
import { Schedule } from "./schedule.type.ts";

/**
 * Read side of schedules (Workspace.schedules, Agent.schedules); creating and
 * deleting them goes with the Temporal client (upsertSchedule).
 */
@Resolver(() => Schedule)
export class ScheduleResolver {
  @FieldResolver(() => Agent)
  async agent(@Root() schedule: Schedule, @Ctx() ctx: GatewayContext): Promise<Agent> {
    const row = await ctx.services.loaders.agent.load({
      workspaceId: schedule.workspaceId,
      id: schedule.agentId,
    });
    if (!row) throw notFound("Agent");
    return toAgent(row);
  }

  /** Computed here from cron and zone, so it needs no call to Temporal; empty while disabled. */
  @FieldResolver(() => [DateTimeScalar])
  nextFireTimes(@Root() schedule: Schedule): Date[] {
    return schedule.enabled ? nextFireTimes(schedule.cron, schedule.timezone) : [];
  }
}

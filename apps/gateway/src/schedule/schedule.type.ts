import type { Schedule as ScheduleRow } from "@weft/db";
import { Field, ID, ObjectType } from "type-graphql";
import { JSONScalar } from "../common/scalars.ts";

@ObjectType("Schedule")
export class Schedule {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  cron!: string;

  /** IANA name; the cron expression is read in this zone. */
  @Field(() => String)
  timezone!: string;

  @Field(() => JSONScalar, { nullable: true })
  input!: unknown;

  @Field(() => Boolean)
  enabled!: boolean;

  workspaceId!: string;
  agentId!: string;
}

export function toSchedule(row: ScheduleRow): Schedule {
  return {
    id: row.id,
    cron: row.cron,
    timezone: row.timezone,
    input: row.input,
    enabled: row.enabled,
    workspaceId: row.workspaceId,
    agentId: row.agentId,
  };
}

import type { RunEvent as RunEventRow } from "@weft/db";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { DateTimeScalar, JSONScalar } from "../common/scalars.ts";

@ObjectType("RunEvent", {
  description: "One step of a run's progress, numbered per run (seq) for gap-free resumption.",
})
export class RunEvent {
  @Field(() => Int)
  seq!: number;

  @Field(() => ID)
  runId!: string;

  @Field(() => String)
  type!: string;

  @Field(() => ID, { nullable: true })
  nodeId!: string | null;

  @Field(() => String, { nullable: true })
  status!: string | null;

  @Field(() => DateTimeScalar)
  at!: Date;

  @Field(() => JSONScalar, { nullable: true })
  data!: unknown;
}

export function toRunEvent(row: RunEventRow): RunEvent {
  return {
    seq: row.seq,
    runId: row.runId,
    type: row.type,
    nodeId: row.nodeId,
    status: row.status,
    at: row.at,
    data: row.data,
  };
}

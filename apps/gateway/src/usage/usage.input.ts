import { ArgsType, Field, ID } from "type-graphql";
import { DateTimeScalar } from "../common/scalars.ts";

@ArgsType()
export class UsageArgs {
  @Field(() => ID)
  workspaceId!: string;

  /** Inclusive, by UTC day; default: 30 days before `to`. */
  @Field(() => DateTimeScalar, { nullable: true })
  from?: Date | null;

  /** Inclusive, by UTC day; default: today. */
  @Field(() => DateTimeScalar, { nullable: true })
  to?: Date | null;
}

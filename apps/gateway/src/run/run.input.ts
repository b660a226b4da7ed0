import { ArgsType, Field, ID, Int } from "type-graphql";
import { RunStatus } from "../common/enums.ts";

@ArgsType()
export class RunsArgs {
  @Field(() => ID)
  workspaceId!: string;

  @Field(() => ID, { nullable: true })
  agentId?: string | null;

  @Field(() => RunStatus, { nullable: true })
  status?: RunStatus | null;

  @Field(() => Int, { nullable: true, defaultValue: 20 })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

import { ArgsType, Field, ID, Int } from "type-graphql";

@ArgsType()
export class AuditEventsArgs {
  @Field(() => ID)
  workspaceId!: string;

  @Field(() => Int, { nullable: true, defaultValue: 50 })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

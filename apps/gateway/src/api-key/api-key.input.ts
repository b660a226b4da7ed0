import { ArgsType, Field, ID } from "type-graphql";
import { z } from "zod";
import { Role } from "../common/enums.ts";
import { ZName } from "../workspace/workspace.input.ts";

@ArgsType()
export class CreateApiKeyArgs {
  @Field(() => ID)
  workspaceId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Role)
  role!: Role;
}

export const ZCreateApiKey = z.object({ name: ZName });

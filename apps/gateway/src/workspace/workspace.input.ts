import { ArgsType, Field, ID } from "type-graphql";
import { z } from "zod";
import { UNSTORABLE_TEXT_MESSAGE, isStorableText } from "@weft/schema";
import { Role } from "../common/enums.ts";
import { ZEmail } from "../auth/auth.input.ts";

@ArgsType()
export class CreateWorkspaceArgs {
  @Field(() => String)
  name!: string;
}

@ArgsType()
export class InviteMemberArgs {
  @Field(() => ID)
  workspaceId!: string;

  @Field(() => String)
  email!: string;

  @Field(() => Role)
  role!: Role;
}

@ArgsType()
export class SetMemberRoleArgs {
  @Field(() => ID)
  workspaceId!: string;

  @Field(() => ID)
  userId!: string;

  @Field(() => Role)
  role!: Role;
}

@ArgsType()
export class RemoveMemberArgs {
  @Field(() => ID)
  workspaceId!: string;

  @Field(() => ID)
  userId!: string;
}

@ArgsType()
export class RevokeInvitationArgs {
  @Field(() => ID)
  workspaceId!: string;

  /** The invitation's id: `user.id` of a pending Membership. */
  @Field(() => ID)
  id!: string;
}

export const ZName = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(100, "must be at most 100 characters")
  .refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);

export const ZCreateWorkspace = z.object({ name: ZName });
export const ZInviteEmail = z.object({ email: ZEmail });

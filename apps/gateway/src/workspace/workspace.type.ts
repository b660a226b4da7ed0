import { Field, ID, ObjectType } from "type-graphql";
import { Role } from "../common/enums.ts";
import { User } from "../user/user.type.ts";

@ObjectType("Workspace")
export class Workspace {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  slug!: string;

  /** The caller's role here, known when the workspace was authorized. */
  @Field(() => Role)
  myRole!: Role;
}

@ObjectType("Membership", {
  description:
    "A person's role in a workspace. `pending` memberships are invitations to an email that has no " +
    "account yet; their `user.id` is the invitation's id. They become real memberships when that " +
    "email signs up or signs in; revokeInvitation withdraws them.",
})
export class Membership {
  @Field(() => User)
  user!: User;

  @Field(() => Role)
  role!: Role;

  @Field(() => Boolean)
  pending!: boolean;

  /** Resolved by MembershipResolver.workspace. */
  workspaceId!: string;
}

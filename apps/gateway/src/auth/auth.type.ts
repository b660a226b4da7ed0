import { Field, ObjectType } from "type-graphql";
import { User } from "../user/user.type.ts";

@ObjectType("AuthPayload")
export class AuthPayload {
  /** A session token for `Authorization: Bearer …`. */
  @Field(() => String)
  token!: string;

  @Field(() => User)
  user!: User;
}

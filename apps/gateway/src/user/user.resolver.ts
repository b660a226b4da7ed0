import { Authorized, Ctx, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { User } from "./user.type.ts";

@Resolver(() => User)
export class UserResolver {
  @Authorized()
  @Query(() => User, { description: "The signed-in user." })
  async me(@Ctx() context: GatewayContext): Promise<User> {
    // @Authorized guarantees auth; re-check so the type narrows without `!`.
    if (context.auth === null) throw new AppError("UNAUTHENTICATED", "You must be signed in");
    // No user store exists until packages/db lands; no token verifier can
    // produce an identity before then either, so this is unreachable today.
    throw new AppError("NOT_FOUND", "User not found");
  }
}

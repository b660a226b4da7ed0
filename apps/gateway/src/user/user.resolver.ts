import { Ctx, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.ts";
import { notFound, requireUser } from "../auth/access.ts";
import { User } from "./user.type.ts";

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { description: "The signed-in user." })
  async me(@Ctx() ctx: GatewayContext): Promise<User> {
    const userId = requireUser(ctx);
    // A valid token for a deleted account: the person no longer exists.
    const user = await ctx.services.prisma.user.findUnique({
      where: { id: userId },
      select: { id: true, email: true, name: true },
    });
    if (!user) throw notFound("User");
    return user;
  }
}

import { Args, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../context.ts";
import { withMember } from "../auth/access.ts";
import { afterCursor, decodeCursor, pageSize, toPage } from "../common/pagination.ts";
import { User } from "../user/user.type.ts";
import { AuditEventsArgs } from "./audit.input.ts";
import { AuditConnection, AuditEvent } from "./audit.type.ts";

@Resolver(() => AuditEvent)
export class AuditResolver {
  /** ADMIN+: the log shows who did what to members, keys and secrets. */
  @Query(() => AuditConnection, { description: "Newest first." })
  async auditEvents(
    @Args(() => AuditEventsArgs) args: AuditEventsArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<AuditConnection> {
    const size = pageSize(args.first, 50);
    const cursor = decodeCursor(args.after);
    return withMember(ctx, args.workspaceId, "ADMIN", async (tx) => {
      const rows = await tx.auditEvent.findMany({
        where: { workspaceId: args.workspaceId, ...afterCursor("at", cursor) },
        orderBy: [{ at: "desc" }, { id: "desc" }],
        take: size + 1,
      });
      return toPage(rows, size, (row) => ({ at: row.at, id: row.id }));
    });
  }

  @FieldResolver(() => User, { nullable: true })
  async actor(@Root() event: AuditEvent, @Ctx() ctx: GatewayContext): Promise<User | null> {
    if (event.actorUserId === null) return null;
    return ctx.services.prisma.user.findUnique({
      where: { id: event.actorUserId },
      select: { id: true, email: true, name: true },
    });
  }
}

import { randomUUID } from "node:crypto";
import { Prisma, withScope, withUser, withWorkspace } from "@weft/db";
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { notFound, recordAudit, requireAuth, requireUser, withMember } from "../auth/access.ts";
import { parseInput } from "../common/input.ts";
import { API_KEY_SELECT, ApiKey } from "../api-key/api-key.type.ts";
import { Provider, toProvider } from "../provider/provider.type.ts";
import { Schedule, toSchedule } from "../schedule/schedule.type.ts";
import { Secret } from "../secret/secret.type.ts";
import { CreateWorkspaceArgs, ZCreateWorkspace } from "./workspace.input.ts";
import { Membership, Workspace } from "./workspace.type.ts";
import { slugCandidates } from "./slug.ts";

const WORKSPACE_SELECT = { id: true, name: true, slug: true } as const;

@Resolver(() => Workspace)
export class WorkspaceResolver {
  @Query(() => [Workspace], { description: "Workspaces the caller belongs to (an API key: its own)." })
  async workspaces(@Ctx() ctx: GatewayContext): Promise<Workspace[]> {
    const auth = requireAuth(ctx);
    if (auth.kind === "apiKey") {
      const workspace = await withWorkspace(ctx.services.prisma, auth.workspaceId, (tx) =>
        tx.workspace.findUnique({ where: { id: auth.workspaceId }, select: WORKSPACE_SELECT }),
      );
      return workspace ? [{ ...workspace, myRole: auth.role }] : [];
    }
    // Policies member_reads_own_memberships / member_reads_own_workspaces.
    const memberships = await withUser(ctx.services.prisma, auth.userId, (tx) =>
      tx.membership.findMany({
        where: { userId: auth.userId },
        select: { role: true, workspace: { select: WORKSPACE_SELECT } },
        orderBy: { createdAt: "asc" },
      }),
    );
    return memberships.map((m) => ({ ...m.workspace, myRole: m.role }));
  }

  @Query(() => Workspace, { nullable: true })
  async workspace(@Arg("id", () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<Workspace> {
    return withMember(ctx, id, "VIEWER", async (tx, actor) => {
      const workspace = await tx.workspace.findUnique({ where: { id }, select: WORKSPACE_SELECT });
      if (!workspace) throw notFound("Workspace");
      return { ...workspace, myRole: actor.role };
    });
  }

  @Mutation(() => Workspace, { description: "Creates a workspace; the caller becomes its OWNER." })
  async createWorkspace(
    @Args(() => CreateWorkspaceArgs) args: CreateWorkspaceArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<Workspace> {
    const userId = requireUser(ctx);
    ctx.services.limiter.consume("user", userId);
    const { name } = parseInput(ZCreateWorkspace, args);
    for (const slug of slugCandidates(name)) {
      // The id is chosen up front: RLS's WITH CHECK needs the scope to name
      // the workspace before its row exists.
      const id = randomUUID();
      try {
        return await withScope(ctx.services.prisma, { workspaceId: id, userId }, async (tx) => {
          const workspace = await tx.workspace.create({ data: { id, name, slug }, select: WORKSPACE_SELECT });
          await tx.membership.create({ data: { workspaceId: id, userId, role: "OWNER" } });
          await recordAudit(
            tx,
            { workspaceId: id, role: "OWNER", userId, apiKeyId: null },
            { action: "workspace.create", targetType: "workspace", targetId: id, data: { name, slug } },
          );
          return { ...workspace, myRole: "OWNER" as const };
        });
      } catch (error) {
        if (isUniqueViolation(error, "slug")) continue;
        throw error;
      }
    }
    throw new AppError("CONFLICT", "Could not find a free slug for this name; try another name");
  }

  @FieldResolver(() => [Membership])
  async members(@Root() workspace: Workspace, @Ctx() ctx: GatewayContext): Promise<Membership[]> {
    return withWorkspace(ctx.services.prisma, workspace.id, async (tx) => {
      const [memberships, invitations] = await Promise.all([
        tx.membership.findMany({
          where: { workspaceId: workspace.id },
          select: { role: true, user: { select: { id: true, email: true, name: true } } },
          orderBy: { createdAt: "asc" },
        }),
        tx.invitation.findMany({
          where: { workspaceId: workspace.id, acceptedAt: null, expiresAt: { gt: new Date() } },
          select: { id: true, email: true, role: true },
          orderBy: { createdAt: "asc" },
        }),
      ]);
      return [
        ...memberships.map((m) => ({
          user: m.user,
          role: m.role,
          pending: false,
          workspaceId: workspace.id,
        })),
        ...invitations.map((i) => ({
          user: { id: i.id, email: i.email, name: null },
          role: i.role,
          pending: true,
          workspaceId: workspace.id,
        })),
      ];
    });
  }

  /**
   * Live keys (revoked ones are left out), newest first. ADMIN and above: anyone else gets
   * FORBIDDEN (which nulls the workspace), the same rule as creating keys.
   */
  @FieldResolver(() => [ApiKey], {
    description: "The workspace's live API keys, newest first; ADMIN or higher.",
  })
  async apiKeys(@Root() workspace: Workspace, @Ctx() ctx: GatewayContext): Promise<ApiKey[]> {
    return withMember(ctx, workspace.id, "ADMIN", (tx) =>
      tx.apiKey.findMany({
        where: { workspaceId: workspace.id, revokedAt: null },
        select: API_KEY_SELECT,
        orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      }),
    );
  }

  @FieldResolver(() => [Secret], { description: "Names and dates only; values are write-only." })
  async secrets(@Root() workspace: Workspace, @Ctx() ctx: GatewayContext): Promise<Secret[]> {
    return withWorkspace(ctx.services.prisma, workspace.id, (tx) =>
      tx.secret.findMany({
        where: { workspaceId: workspace.id },
        select: { id: true, name: true, createdAt: true, updatedAt: true },
        orderBy: { name: "asc" },
      }),
    );
  }

  @FieldResolver(() => [Provider])
  async providers(@Root() workspace: Workspace, @Ctx() ctx: GatewayContext): Promise<Provider[]> {
    const rows = await withWorkspace(ctx.services.prisma, workspace.id, (tx) =>
      tx.provider.findMany({ where: { workspaceId: workspace.id }, orderBy: { provider: "asc" } }),
    );
    return rows.map(toProvider);
  }

  @FieldResolver(() => [Schedule])
  async schedules(@Root() workspace: Workspace, @Ctx() ctx: GatewayContext): Promise<Schedule[]> {
    const rows = await withWorkspace(ctx.services.prisma, workspace.id, (tx) =>
      tx.schedule.findMany({
        where: { workspaceId: workspace.id },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }),
    );
    return rows.map(toSchedule);
  }
}

export function isUniqueViolation(error: unknown, field?: string): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== "P2002") return false;
  if (field === undefined) return true;
  // The adapter reports the constraint's fields in meta; fall back to the message.
  return JSON.stringify(error.meta ?? {}).includes(field) || error.message.includes(field);
}

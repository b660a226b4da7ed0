import { createHash, randomBytes } from "node:crypto";
import { isUuid, type Role, type Tx } from "@weft/db";
import { Args, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../context.ts";
import { AppError } from "../errors.ts";
import {
  ROLE_RANK,
  mutateIn,
  notFound,
  recordAudit,
  roleAtLeast,
  withMember,
  type Actor,
} from "../auth/access.ts";
import { parseInput } from "../common/input.ts";
import {
  InviteMemberArgs,
  RemoveMemberArgs,
  RevokeInvitationArgs,
  SetMemberRoleArgs,
  ZInviteEmail,
} from "./workspace.input.ts";
import { Membership, Workspace } from "./workspace.type.ts";

const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Nobody hands out more power than they hold; OWNER is therefore granted only by OWNERs. */
function assertMayGrant(actor: Actor, role: Role): void {
  if (!roleAtLeast(actor.role, role)) {
    throw new AppError("FORBIDDEN", `You cannot grant ${role}: it is above your own role (${actor.role})`);
  }
}

@Resolver(() => Membership)
export class MembershipResolver {
  /**
   * An existing account is added at once. An unknown email gets an
   * Invitation row (random token, only its sha256 stored, 7 days) and the
   * answer is a `pending` Membership whose user id is the invitation id.
   * It becomes a membership when someone signs up (or signs in, also via
   * OAuth) with that email (auth/invitations.ts); revokeInvitation
   * withdraws it. No email is sent: tell the person yourself.
   */
  @Mutation(() => Membership)
  async inviteMember(
    @Args(() => InviteMemberArgs) args: InviteMemberArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<Membership> {
    return mutateIn(ctx, args.workspaceId, "ADMIN", async (tx, actor) => {
      const { email } = parseInput(ZInviteEmail, { email: args.email });
      assertMayGrant(actor, args.role);
      const user = await tx.user.findUnique({
        where: { email },
        select: { id: true, email: true, name: true },
      });
      if (user) {
        const existing = await tx.membership.findUnique({
          where: { workspaceId_userId: { workspaceId: actor.workspaceId, userId: user.id } },
          select: { role: true },
        });
        if (existing) throw new AppError("CONFLICT", `${email} is already a member (${existing.role})`);
        await tx.membership.create({
          data: { workspaceId: actor.workspaceId, userId: user.id, role: args.role },
        });
        await recordAudit(tx, actor, {
          action: "member.add",
          targetType: "user",
          targetId: user.id,
          data: { role: args.role },
        });
        return { user, role: args.role, pending: false, workspaceId: actor.workspaceId };
      }
      const tokenHash = createHash("sha256").update(randomBytes(32)).digest("hex");
      const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
      const open = await tx.invitation.findFirst({
        where: { workspaceId: actor.workspaceId, email, acceptedAt: null },
        select: { id: true },
      });
      const invitation = open
        ? await tx.invitation.update({
            where: { id: open.id },
            data: { role: args.role, tokenHash, expiresAt, invitedById: actor.userId },
          })
        : await tx.invitation.create({
            data: {
              workspaceId: actor.workspaceId,
              email,
              role: args.role,
              tokenHash,
              expiresAt,
              invitedById: actor.userId,
            },
          });
      await recordAudit(tx, actor, {
        action: "member.invite",
        targetType: "invitation",
        targetId: invitation.id,
        data: { email, role: args.role },
      });
      return {
        user: { id: invitation.id, email, name: null },
        role: args.role,
        pending: true,
        workspaceId: actor.workspaceId,
      };
    });
  }

  @Mutation(() => Membership)
  async setMemberRole(
    @Args(() => SetMemberRoleArgs) args: SetMemberRoleArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<Membership> {
    return mutateIn(ctx, args.workspaceId, "ADMIN", async (tx, actor) => {
      if (!isUuid(args.userId)) throw notFound("Member");
      const target = await tx.membership.findUnique({
        where: { workspaceId_userId: { workspaceId: actor.workspaceId, userId: args.userId } },
        select: { id: true, role: true, user: { select: { id: true, email: true, name: true } } },
      });
      if (!target) throw notFound("Member");
      assertMayGrant(actor, args.role);
      if (!roleAtLeast(actor.role, target.role)) {
        throw new AppError("FORBIDDEN", `You cannot change the role of a member above you (${target.role})`);
      }
      if (target.role === "OWNER" && args.role !== "OWNER") {
        await assertAnotherOwner(tx, actor.workspaceId, "role", "cannot demote the last OWNER");
      }
      await tx.membership.update({ where: { id: target.id }, data: { role: args.role } });
      await recordAudit(tx, actor, {
        action: "member.set_role",
        targetType: "user",
        targetId: target.user.id,
        data: { from: target.role, to: args.role },
      });
      await narrowKeysOf(tx, actor, target.user.id, args.role);
      return { user: target.user, role: args.role, pending: false, workspaceId: actor.workspaceId };
    });
  }

  /**
   * ADMIN and above; nobody removes a member whose role is above their own (so only OWNERs remove
   * OWNERs), and the last OWNER cannot go. Removing yourself is leaving. The API keys the member
   * created here are revoked with the membership: whoever created a key has seen its token.
   */
  @Mutation(() => Boolean, { description: "Removes a member from the workspace; ADMIN or higher." })
  async removeMember(
    @Args(() => RemoveMemberArgs) args: RemoveMemberArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<boolean> {
    return mutateIn(ctx, args.workspaceId, "ADMIN", async (tx, actor) => {
      if (!isUuid(args.userId)) throw notFound("Member");
      const target = await tx.membership.findUnique({
        where: { workspaceId_userId: { workspaceId: actor.workspaceId, userId: args.userId } },
        select: { id: true, role: true },
      });
      if (!target) throw notFound("Member");
      if (!roleAtLeast(actor.role, target.role)) {
        throw new AppError("FORBIDDEN", `You cannot remove a member above you (${target.role})`);
      }
      if (target.role === "OWNER") {
        await assertAnotherOwner(tx, actor.workspaceId, "userId", "cannot remove the last OWNER");
      }
      await tx.membership.delete({ where: { id: target.id } });
      await recordAudit(tx, actor, {
        action: "member.remove",
        targetType: "user",
        targetId: args.userId,
        data: { role: target.role },
      });
      await narrowKeysOf(tx, actor, args.userId, null);
      return true;
    });
  }

  /** ADMIN and above; like inviting, only for invitations up to your own role. */
  @Mutation(() => Boolean, { description: "Withdraws a pending invitation; ADMIN or higher." })
  async revokeInvitation(
    @Args(() => RevokeInvitationArgs) args: RevokeInvitationArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<boolean> {
    return mutateIn(ctx, args.workspaceId, "ADMIN", async (tx, actor) => {
      if (!isUuid(args.id)) throw notFound("Invitation");
      const invitation = await tx.invitation.findFirst({
        where: { id: args.id, workspaceId: actor.workspaceId, acceptedAt: null },
        select: { id: true, email: true, role: true },
      });
      if (!invitation) throw notFound("Invitation");
      assertMayGrant(actor, invitation.role);
      await tx.invitation.delete({ where: { id: invitation.id } });
      await recordAudit(tx, actor, {
        action: "member.invite_revoke",
        targetType: "invitation",
        targetId: invitation.id,
        data: { email: invitation.email, role: invitation.role },
      });
      return true;
    });
  }

  @FieldResolver(() => Workspace)
  async workspace(@Root() membership: Membership, @Ctx() ctx: GatewayContext): Promise<Workspace> {
    return withMember(ctx, membership.workspaceId, "VIEWER", async (tx, actor) => {
      const workspace = await tx.workspace.findUnique({
        where: { id: membership.workspaceId },
        select: { id: true, name: true, slug: true },
      });
      if (!workspace) throw notFound("Workspace");
      return { ...workspace, myRole: actor.role };
    });
  }
}

/**
 * A key is a standing delegation of its creator's power (createApiKey), so it follows them:
 * removed (role null), their live keys in this workspace are revoked; demoted, keys above the
 * new role are lowered to it. Audited per key, in the membership change's transaction.
 */
async function narrowKeysOf(tx: Tx, actor: Actor, userId: string, role: Role | null): Promise<void> {
  const keys = await tx.apiKey.findMany({
    where: {
      workspaceId: actor.workspaceId,
      createdById: userId,
      revokedAt: null,
      ...(role
        ? { role: { in: (Object.keys(ROLE_RANK) as Role[]).filter((r) => !roleAtLeast(role, r)) } }
        : {}),
    },
    select: { id: true, name: true, role: true, prefix: true },
  });
  if (keys.length === 0) return;
  const ids = keys.map((k) => k.id);
  await tx.apiKey.updateMany({
    where: { id: { in: ids } },
    data: role ? { role } : { revokedAt: new Date() },
  });
  for (const key of keys) {
    await recordAudit(tx, actor, {
      action: role ? "api_key.set_role" : "api_key.revoke",
      targetType: "api_key",
      targetId: key.id,
      data: {
        name: key.name,
        prefix: key.prefix,
        ...(role ? { from: key.role, to: role } : { role: key.role }),
        reason: role ? "creator demoted" : "creator removed",
      },
    });
  }
}

/**
 * Row locks on every OWNER membership, so two concurrent demotions or removals of the last two
 * owners cannot both see "another owner remains".
 */
async function assertAnotherOwner(tx: Tx, workspaceId: string, path: string, message: string): Promise<void> {
  const owners = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Membership"
    WHERE "workspaceId" = ${workspaceId}::uuid AND role = 'OWNER'
    FOR UPDATE`;
  if (owners.length <= 1) {
    throw new AppError("BAD_USER_INPUT", `${message}; make someone else OWNER first`, {
      fields: [{ path, messages: ["would leave the workspace without an OWNER"] }],
    });
  }
}

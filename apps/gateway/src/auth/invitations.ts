import { withUser, withWorkspace, type PrismaClient } from "@weft/db";
import { recordAudit } from "./access.ts";

/**
 * Turns the open invitations addressed to this user's email into memberships. Runs after every
 * sign-up and sign-in (password or OAuth), so an invitation sent before the account existed
 * becomes a membership the moment its addressee has an account.
 *
 * Reading: RLS policy invitee_reads_own_invitations shows a user (app.user_id) exactly the
 * invitations whose email is their own. Writing: in each invitation's workspace scope, with a
 * conditional claim so that two concurrent sign-ins accept an invitation once.
 *
 * Without email verification this trusts that whoever registered the address owns it: the same
 * trust sign-up itself places in it. OAuth sign-ins pass only provider-verified emails.
 */
export async function acceptPendingInvitations(
  prisma: PrismaClient,
  user: { id: string; email: string },
  now = new Date(),
): Promise<number> {
  const open = await withUser(prisma, user.id, (tx) =>
    tx.invitation.findMany({
      where: { email: user.email, acceptedAt: null, expiresAt: { gt: now } },
      select: { id: true, workspaceId: true, role: true },
      orderBy: { createdAt: "asc" },
    }),
  );
  let joined = 0;
  for (const invitation of open) {
    joined += await withWorkspace(prisma, invitation.workspaceId, async (tx) => {
      const claimed = await tx.invitation.updateMany({
        where: { id: invitation.id, acceptedAt: null },
        data: { acceptedAt: now },
      });
      if (claimed.count === 0) return 0;
      const existing = await tx.membership.findUnique({
        where: { workspaceId_userId: { workspaceId: invitation.workspaceId, userId: user.id } },
        select: { id: true },
      });
      if (existing) return 0;
      await tx.membership.create({
        data: { workspaceId: invitation.workspaceId, userId: user.id, role: invitation.role },
      });
      await recordAudit(
        tx,
        { workspaceId: invitation.workspaceId, role: invitation.role, userId: user.id, apiKeyId: null },
        {
          action: "member.join",
          targetType: "user",
          targetId: user.id,
          data: { invitationId: invitation.id, role: invitation.role },
        },
      );
      return 1;
    });
  }
  return joined;
}

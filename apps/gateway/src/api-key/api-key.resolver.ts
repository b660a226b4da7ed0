import type { Role } from "@weft/db";
import { Arg, Args, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { inLocated, mutateIn, notFound, recordAudit, roleAtLeast } from "../auth/access.ts";
import { generateApiKey } from "../auth/api-keys.ts";
import { parseInput } from "../common/input.ts";
import { CreateApiKeyArgs, ZCreateApiKey } from "./api-key.input.ts";
import { API_KEY_SELECT, ApiKey, ApiKeyCreated } from "./api-key.type.ts";

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Mutation(() => ApiKeyCreated, { description: "The token is in this answer only." })
  async createApiKey(
    @Args(() => CreateApiKeyArgs) args: CreateApiKeyArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<ApiKeyCreated> {
    return mutateIn(ctx, args.workspaceId, "ADMIN", async (tx, actor) => {
      const { name } = parseInput(ZCreateApiKey, { name: args.name });
      // A key is a standing delegation of the creator's power: never more of it.
      if (!roleAtLeast(actor.role, args.role)) {
        throw new AppError("FORBIDDEN", `A key cannot have a role above yours (${actor.role})`);
      }
      // A key minted with a key belongs to that key's creator: it follows them like their own
      // (revoked when they leave, lowered when they are demoted), so keys cannot outlive people.
      const createdById =
        actor.userId ??
        (actor.apiKeyId
          ? ((await tx.apiKey.findUnique({ where: { id: actor.apiKeyId }, select: { createdById: true } }))
              ?.createdById ?? null)
          : null);
      if (createdById) {
        // The member the key will act for, locked against a removal or demotion in flight: either
        // this key exists before that change commits (and the change then revokes or lowers it),
        // or the change is what is read here.
        const [member] = await tx.$queryRaw<{ role: Role }[]>`
          SELECT role FROM "Membership"
          WHERE "workspaceId" = ${actor.workspaceId}::uuid AND "userId" = ${createdById}::uuid
          FOR SHARE`;
        if (!member) throw notFound("Workspace");
        if (!roleAtLeast(member.role, args.role)) {
          throw new AppError("FORBIDDEN", `A key cannot have a role above its member's (${member.role})`);
        }
      }
      const { token, prefix, hash } = generateApiKey();
      const apiKey = await tx.apiKey.create({
        data: { workspaceId: actor.workspaceId, name, role: args.role, prefix, hash, createdById },
        select: API_KEY_SELECT,
      });
      await recordAudit(tx, actor, {
        action: "api_key.create",
        targetType: "api_key",
        targetId: apiKey.id,
        data: { name, role: args.role, prefix },
      });
      return { token, apiKey };
    });
  }

  /**
   * ADMIN and above, whatever the key's role: stopping a leaked key should never wait for an
   * OWNER. Takes effect on the next request (keys are verified on every request, also per
   * operation on open WebSockets). Revoked and unknown ids, and other workspaces' keys, answer
   * NOT_FOUND.
   */
  @Mutation(() => Boolean, { description: "Revokes an API key at once; ADMIN or higher." })
  async revokeApiKey(@Arg("id", () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<boolean> {
    return inLocated(
      ctx,
      "apiKey",
      id,
      "ADMIN",
      async (tx, actor) => {
        const key = await tx.apiKey.findFirst({
          where: { id, revokedAt: null },
          select: { name: true, role: true, prefix: true },
        });
        if (!key) throw notFound("API key");
        const revoked = await tx.apiKey.updateMany({
          where: { id, revokedAt: null },
          data: { revokedAt: new Date() },
        });
        if (revoked.count === 0) throw notFound("API key");
        await recordAudit(tx, actor, {
          action: "api_key.revoke",
          targetType: "api_key",
          targetId: id,
          data: { name: key.name, role: key.role, prefix: key.prefix },
        });
        return true;
      },
      { mutation: true },
    );
  }
}

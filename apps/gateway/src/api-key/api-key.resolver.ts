import { Args, Ctx, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { mutateIn, recordAudit, roleAtLeast } from "../auth/access.ts";
import { generateApiKey } from "../auth/api-keys.ts";
import { parseInput } from "../common/input.ts";
import { CreateApiKeyArgs, ZCreateApiKey } from "./api-key.input.ts";
import { ApiKey, ApiKeyCreated } from "./api-key.type.ts";

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
      const { token, prefix, hash } = generateApiKey();
      const apiKey = await tx.apiKey.create({
        data: {
          workspaceId: actor.workspaceId,
          name,
          role: args.role,
          prefix,
          hash,
          createdById: actor.userId,
        },
        select: { id: true, name: true, role: true, prefix: true, createdAt: true, lastUsedAt: true },
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
}

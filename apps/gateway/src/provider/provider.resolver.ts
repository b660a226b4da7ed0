import { Args, Ctx, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.ts";
import { mutateIn, recordAudit } from "../auth/access.ts";
import { badField, parseInput } from "../common/input.ts";
import { SetProviderArgs, ZSetProvider } from "./provider.input.ts";
import { Provider, toProvider } from "./provider.type.ts";

@Resolver(() => Provider)
export class ProviderResolver {
  /** Creates or updates the workspace's settings for one provider. */
  @Mutation(() => Provider)
  async setProvider(
    @Args(() => SetProviderArgs) args: SetProviderArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<Provider> {
    return mutateIn(ctx, args.workspaceId, "ADMIN", async (tx, actor) => {
      const input = parseInput(ZSetProvider, { ...args, workspaceId: undefined });
      const secret = await tx.secret.findUnique({
        where: { workspaceId_name: { workspaceId: actor.workspaceId, name: input.secretName } },
        select: { id: true },
      });
      if (!secret) throw badField("secretName", `no secret named ${input.secretName} in this workspace`);
      const data = {
        secretName: input.secretName,
        baseUrl: input.baseUrl ?? null,
        requestsPerMinute: input.requestsPerMinute ?? null,
        tokensPerMinute: input.tokensPerMinute ?? null,
      };
      const row = await tx.provider.upsert({
        where: { workspaceId_provider: { workspaceId: actor.workspaceId, provider: input.provider } },
        create: { workspaceId: actor.workspaceId, provider: input.provider, ...data },
        update: data,
      });
      await recordAudit(tx, actor, {
        action: "provider.set",
        targetType: "provider",
        targetId: row.id,
        data: { provider: input.provider, ...data },
      });
      return toProvider(row);
    });
  }
}

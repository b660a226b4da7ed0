import { randomUUID } from "node:crypto";
import { encryptSecret } from "@weft/db/secrets";
import { Arg, Args, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.ts";
import { inLocated, mutateIn, notFound, recordAudit } from "../auth/access.ts";
import { parseInput } from "../common/input.ts";
import { SetSecretArgs, ZSetSecret } from "./secret.input.ts";
import { Secret } from "./secret.type.ts";

const SECRET_SELECT = { id: true, name: true, createdAt: true, updatedAt: true } as const;

@Resolver(() => Secret)
export class SecretResolver {
  /** Creates or replaces. The value is encrypted here and never returned, logged or audited. */
  @Mutation(() => Secret)
  async setSecret(
    @Args(() => SetSecretArgs) args: SetSecretArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<Secret> {
    return mutateIn(ctx, args.workspaceId, "ADMIN", async (tx, actor) => {
      const { name, value } = parseInput(ZSetSecret, { name: args.name, value: args.value });
      const existing = await tx.secret.findUnique({
        where: { workspaceId_name: { workspaceId: actor.workspaceId, name } },
        select: { id: true },
      });
      // The id is bound into the ciphertext, so it is fixed before encrypting.
      const id = existing?.id ?? randomUUID();
      const encrypted = encryptSecret(
        { workspaceId: actor.workspaceId, secretId: id, value },
        ctx.services.keyring,
      );
      const secret = existing
        ? await tx.secret.update({ where: { id }, data: encrypted, select: SECRET_SELECT })
        : await tx.secret.create({
            data: { id, workspaceId: actor.workspaceId, name, ...encrypted },
            select: SECRET_SELECT,
          });
      await recordAudit(tx, actor, {
        action: existing ? "secret.update" : "secret.create",
        targetType: "secret",
        targetId: id,
        data: { name },
      });
      return secret;
    });
  }

  @Mutation(() => Boolean)
  async deleteSecret(@Arg("id", () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<boolean> {
    return inLocated(
      ctx,
      "secret",
      id,
      "ADMIN",
      async (tx, actor) => {
        const deleted = await tx.secret.deleteMany({ where: { id } });
        if (deleted.count === 0) throw notFound("Secret");
        await recordAudit(tx, actor, { action: "secret.delete", targetType: "secret", targetId: id });
        return true;
      },
      { mutation: true },
    );
  }
}

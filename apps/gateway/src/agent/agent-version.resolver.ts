import { randomUUID } from "node:crypto";
import { graphChecksum } from "@weft/schema";
import { Args, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { inLocated, notFound, recordAudit } from "../auth/access.ts";
import { parseInput } from "../common/input.ts";
import { User } from "../user/user.type.ts";
import { PublishAgentArgs, ZPublish } from "./agent.input.ts";
import { AgentVersion, toAgentVersion } from "./agent.type.ts";
import { graphJson, validGraphOrThrow } from "./graph-input.ts";

@Resolver(() => AgentVersion)
export class AgentVersionResolver {
  /**
   * Freezes the draft as version max+1 and moves the live pointer to it.
   * Publishing what is already live (same graph checksum, which ignores
   * canvas positions, and same spec text) is refused with BAD_USER_INPUT
   * "nothing changed since version N": an identical version would only add
   * noise to the history and to rollbacks.
   */
  @Mutation(() => AgentVersion)
  async publishAgent(
    @Args(() => PublishAgentArgs) args: PublishAgentArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<AgentVersion> {
    return inLocated(
      ctx,
      "agent",
      args.agentId,
      "EDITOR",
      async (tx, actor) => {
        const { note } = parseInput(ZPublish, { note: args.note });
        // Serialises concurrent publishes of one agent: both would otherwise
        // read the same max(number) and one would fail on the unique index.
        const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM "Agent" WHERE id = ${args.agentId}::uuid AND "archivedAt" IS NULL FOR UPDATE`;
        if (locked.length === 0) throw notFound("Agent");
        const agent = await tx.agent.findUniqueOrThrow({
          where: { id: args.agentId },
          select: {
            draftGraph: true,
            draftSpec: true,
            liveVersion: { select: { number: true, checksum: true, spec: true } },
          },
        });
        const graph = validGraphOrThrow(agent.draftGraph, "draftGraph");
        const checksum = graphChecksum(graph);
        const live = agent.liveVersion;
        if (live && live.checksum === checksum && live.spec === agent.draftSpec) {
          throw new AppError("BAD_USER_INPUT", `nothing changed since version ${live.number}`, {
            liveVersion: live.number,
          });
        }
        const last = await tx.agentVersion.aggregate({
          where: { agentId: args.agentId },
          _max: { number: true },
        });
        const row = await tx.agentVersion.create({
          data: {
            id: randomUUID(),
            workspaceId: actor.workspaceId,
            agentId: args.agentId,
            number: (last._max.number ?? 0) + 1,
            graph: graphJson(graph),
            spec: agent.draftSpec,
            checksum,
            note: note || null,
            createdById: actor.userId,
          },
        });
        await tx.agent.update({ where: { id: args.agentId }, data: { liveVersionId: row.id } });
        await recordAudit(tx, actor, {
          action: "agent.publish",
          targetType: "agent",
          targetId: args.agentId,
          data: { versionId: row.id, number: row.number, checksum },
        });
        return toAgentVersion(row);
      },
      { mutation: true },
    );
  }

  @FieldResolver(() => User, { nullable: true })
  async createdBy(@Root() version: AgentVersion, @Ctx() ctx: GatewayContext): Promise<User | null> {
    if (version.createdById === null) return null;
    return ctx.services.prisma.user.findUnique({
      where: { id: version.createdById },
      select: { id: true, email: true, name: true },
    });
  }
}

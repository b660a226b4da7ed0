import { isUuid, withWorkspace } from "@weft/db";
import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../context.ts";
import { inLocated, notFound, withMember } from "../auth/access.ts";
import { afterCursor, decodeCursor, pageSize, toPage } from "../common/pagination.ts";
import { Agent, AgentVersion, toAgent, toAgentVersion } from "../agent/agent.type.ts";
import { RunsArgs } from "./run.input.ts";
import { NodeRun, Run, RunConnection, toNodeRun, toRun } from "./run.type.ts";

/** Read side of runs; starting, cancelling and retrying live with the Temporal client. */
@Resolver(() => Run)
export class RunResolver {
  @Query(() => RunConnection, { description: "Newest first." })
  async runs(@Args(() => RunsArgs) args: RunsArgs, @Ctx() ctx: GatewayContext): Promise<RunConnection> {
    const size = pageSize(args.first, 20);
    const cursor = decodeCursor(args.after);
    return withMember(ctx, args.workspaceId, "VIEWER", async (tx) => {
      if (args.agentId != null) {
        // An agent id from elsewhere is NOT_FOUND rather than an empty page.
        const agent = isUuid(args.agentId)
          ? await tx.agent.findUnique({ where: { id: args.agentId }, select: { id: true } })
          : null;
        if (!agent) throw notFound("Agent");
      }
      const rows = await tx.run.findMany({
        where: {
          workspaceId: args.workspaceId,
          ...(args.agentId != null ? { agentId: args.agentId } : {}),
          ...(args.status != null ? { status: args.status } : {}),
          ...afterCursor("createdAt", cursor),
        },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: size + 1,
      });
      return toPage(rows.map(toRun), size, (run) => ({ at: run.createdAt, id: run.id }));
    });
  }

  @Query(() => Run, { nullable: true })
  async run(@Arg("id", () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<Run> {
    return inLocated(ctx, "run", id, "VIEWER", async (tx) => {
      const row = await tx.run.findUnique({ where: { id } });
      if (!row) throw notFound("Run");
      return toRun(row);
    });
  }

  @FieldResolver(() => Agent)
  async agent(@Root() run: Run, @Ctx() ctx: GatewayContext): Promise<Agent> {
    const row = await withWorkspace(ctx.services.prisma, run.workspaceId, (tx) =>
      tx.agent.findUnique({ where: { id: run.agentId } }),
    );
    if (!row) throw notFound("Agent");
    return toAgent(row);
  }

  @FieldResolver(() => AgentVersion)
  async version(@Root() run: Run, @Ctx() ctx: GatewayContext): Promise<AgentVersion> {
    const row = await withWorkspace(ctx.services.prisma, run.workspaceId, (tx) =>
      tx.agentVersion.findUnique({ where: { id: run.versionId } }),
    );
    if (!row) throw notFound("Version");
    return toAgentVersion(row);
  }

  @FieldResolver(() => [NodeRun])
  async nodeRuns(@Root() run: Run, @Ctx() ctx: GatewayContext): Promise<NodeRun[]> {
    const rows = await withWorkspace(ctx.services.prisma, run.workspaceId, (tx) =>
      tx.nodeRun.findMany({ where: { runId: run.id }, orderBy: [{ createdAt: "asc" }, { nodeId: "asc" }] }),
    );
    return rows.map(toNodeRun);
  }
}

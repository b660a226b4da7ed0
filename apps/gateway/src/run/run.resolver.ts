import { isUuid, withWorkspace } from "@weft/db";
import { MemberRefusal, readRunsPage } from "@weft/db/run-statements";
import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../context.ts";
import { inLocated, memberRead, notFound, refusalError } from "../auth/access.ts";
import { decodeCursor, pageSize, toPage } from "../common/pagination.ts";
import { Agent, AgentVersion, toAgent, toAgentVersion } from "../agent/agent.type.ts";
import { RunsArgs } from "./run.input.ts";
import { NodeRun, Run, RunConnection, toNodeRun, toRun, toRunSummary } from "./run.type.ts";

/** Read side of runs; starting, cancelling and retrying live with the Temporal client. */
@Resolver(() => Run)
export class RunResolver {
  @Query(() => RunConnection, { description: "Newest first." })
  async runs(@Args(() => RunsArgs) args: RunsArgs, @Ctx() ctx: GatewayContext): Promise<RunConnection> {
    const size = pageSize(args.first, 20);
    const cursor = decodeCursor(args.after);
    const minRole = "VIEWER";
    const caller = memberRead(ctx, args.workspaceId, minRole);
    // An id that is not a UUID names no agent anywhere: NOT_FOUND, as for an agent from elsewhere
    // (rather than an empty page), without asking the database.
    if (args.agentId != null && !isUuid(args.agentId)) throw notFound("Agent");
    try {
      const rows = await readRunsPage(ctx.services.prisma, {
        workspaceId: args.workspaceId,
        ...caller,
        agentId: args.agentId ?? null,
        status: args.status ?? null,
        after: cursor,
        limit: size + 1,
      });
      return toPage(rows.map(toRunSummary), size, (run) => ({ at: run.createdAt, id: run.id }));
    } catch (error) {
      throw error instanceof MemberRefusal ? refusalError(error, minRole, "Workspace") : error;
    }
  }

  @Query(() => Run, { nullable: true })
  async run(@Arg("id", () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<Run> {
    return inLocated(ctx, "run", id, "VIEWER", async (tx) => {
      const row = await tx.run.findUnique({ where: { id } });
      if (!row) throw notFound("Run");
      return toRun(row);
    });
  }

  // Input and output, which a runs page leaves out (they can be large and lists rarely show them),
  // are read by id for the runs that a query asks them of: one statement per page.
  @FieldResolver()
  async input(@Root() run: Run, @Ctx() ctx: GatewayContext): Promise<unknown> {
    return run.summary ? ((await whole(ctx, run))?.input ?? null) : run.input;
  }

  @FieldResolver()
  async output(@Root() run: Run, @Ctx() ctx: GatewayContext): Promise<unknown> {
    return run.summary ? ((await whole(ctx, run))?.output ?? null) : run.output;
  }

  @FieldResolver(() => Agent)
  async agent(@Root() run: Run, @Ctx() ctx: GatewayContext): Promise<Agent> {
    const row = await ctx.services.loaders.agent.load({ workspaceId: run.workspaceId, id: run.agentId });
    if (!row) throw notFound("Agent");
    return toAgent(row);
  }

  @FieldResolver(() => AgentVersion)
  async version(@Root() run: Run, @Ctx() ctx: GatewayContext): Promise<AgentVersion> {
    const row = await ctx.services.loaders.version.load({ workspaceId: run.workspaceId, id: run.versionId });
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

/** The run's whole row (null if it is gone meanwhile). */
function whole(ctx: GatewayContext, run: Run) {
  return ctx.services.loaders.run.load({ workspaceId: run.workspaceId, id: run.id });
}

import { isUuid, type Prisma, type Tx } from "@weft/db";
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { graphFromSpecOrThrow, specFromGraph } from "./spec-input.ts";
import type { Graph } from "@weft/schema";
import { inLocated, mutateIn, notFound, recordAudit, withMember } from "../auth/access.ts";
import { parseInput } from "../common/input.ts";
import { Schedule, toSchedule } from "../schedule/schedule.type.ts";
import {
  CreateAgentArgs,
  EMPTY_GRAPH,
  SetLiveVersionArgs,
  UpdateDraftArgs,
  ZCreateAgent,
  ZUpdateDraft,
} from "./agent.input.ts";
import { Agent, AgentVersion, toAgent, toAgentVersion } from "./agent.type.ts";
import { graphJson, validGraphOrThrow } from "./graph-input.ts";

@Resolver(() => Agent)
export class AgentResolver {
  @Query(() => [Agent])
  async agents(
    @Arg("workspaceId", () => ID) workspaceId: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<Agent[]> {
    return withMember(ctx, workspaceId, "VIEWER", async (tx) => {
      const rows = await tx.agent.findMany({
        where: { workspaceId, archivedAt: null },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      });
      return rows.map(toAgent);
    });
  }

  @Query(() => Agent, { nullable: true })
  async agent(@Arg("id", () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<Agent> {
    return inLocated(ctx, "agent", id, "VIEWER", (tx) => loadAgent(tx, id));
  }

  /**
   * `graph` is validated and stored. With only `spec`, it is compiled into the graph; with only
   * `graph`, its canonical spec is printed; with neither, the draft starts empty.
   */
  @Mutation(() => Agent)
  async createAgent(
    @Args(() => CreateAgentArgs) args: CreateAgentArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<Agent> {
    return mutateIn(ctx, args.workspaceId, "EDITOR", async (tx, actor) => {
      const input = parseInput(ZCreateAgent, { name: args.name, spec: args.spec });
      const hasGraph = args.graph !== undefined && args.graph !== null;
      const graph = hasGraph
        ? validGraphOrThrow(args.graph)
        : input.spec
          ? graphFromSpecOrThrow(input.spec)
          : (EMPTY_GRAPH as unknown as Graph);
      const row = await tx.agent.create({
        data: {
          workspaceId: actor.workspaceId,
          name: input.name,
          draftGraph: graph as Prisma.InputJsonValue,
          draftSpec: input.spec ?? specFromGraph(graph, input.name),
          draftUpdatedById: actor.userId,
        },
      });
      await recordAudit(tx, actor, {
        action: "agent.create",
        targetType: "agent",
        targetId: row.id,
        data: { name: input.name },
      });
      return toAgent(row);
    });
  }

  /**
   * Optimistic concurrency: with `expectedRevision`, the write is a single
   * `UPDATE … WHERE draftRevision = expected`; zero rows means someone else
   * saved first, answered CONFLICT with who and when so the editor can offer
   * a merge instead of silently overwriting their work.
   */
  @Mutation(() => Agent)
  async updateDraft(
    @Args(() => UpdateDraftArgs) args: UpdateDraftArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<Agent> {
    return inLocated(
      ctx,
      "agent",
      args.agentId,
      "EDITOR",
      async (tx, actor) => {
        const input = parseInput(ZUpdateDraft, { spec: args.spec, expectedRevision: args.expectedRevision });
        const hasGraph = args.graph !== undefined && args.graph !== null;
        const hasSpec = input.spec !== undefined && input.spec !== null;
        if (!hasGraph && !hasSpec) {
          throw new AppError("BAD_USER_INPUT", "Pass graph, spec or both", {
            fields: [{ path: "graph", messages: ["graph or spec is required"] }],
          });
        }
        const graph = hasGraph ? validGraphOrThrow(args.graph) : graphFromSpecOrThrow(input.spec ?? "");
        // The printed spec carries the agent's name, as createAgent's does, so a graph-only edit
        // that changes nothing prints the same spec (and publishing it stays a no-op).
        const named = hasSpec
          ? null
          : await tx.agent.findUnique({ where: { id: args.agentId }, select: { name: true } });
        const spec = hasSpec ? (input.spec ?? "") : specFromGraph(graph, named?.name);
        const updated = await tx.agent.updateMany({
          where: {
            id: args.agentId,
            archivedAt: null,
            ...(input.expectedRevision == null ? {} : { draftRevision: input.expectedRevision }),
          },
          data: {
            draftGraph: graphJson(graph),
            draftSpec: spec,
            draftRevision: { increment: 1 },
            draftUpdatedById: actor.userId,
          },
        });
        if (updated.count === 0) {
          const current = await tx.agent.findFirst({
            where: { id: args.agentId, archivedAt: null },
            select: {
              draftRevision: true,
              updatedAt: true,
              draftUpdatedBy: { select: { id: true, email: true, name: true } },
            },
          });
          if (!current) throw notFound("Agent");
          throw new AppError(
            "CONFLICT",
            `The draft changed since revision ${input.expectedRevision}: it is now at revision ${current.draftRevision}`,
            {
              expectedRevision: input.expectedRevision,
              currentRevision: current.draftRevision,
              updatedBy: current.draftUpdatedBy,
              updatedAt: current.updatedAt.toISOString(),
            },
          );
        }
        const agent = await loadAgent(tx, args.agentId);
        await recordAudit(tx, actor, {
          action: "agent.update_draft",
          targetType: "agent",
          targetId: agent.id,
          data: { revision: agent.draftRevision, graph: hasGraph, spec: hasSpec },
        });
        return agent;
      },
      { mutation: true },
    );
  }

  /** Rollback or roll forward to any version of this agent. */
  @Mutation(() => Agent)
  async setLiveVersion(
    @Args(() => SetLiveVersionArgs) args: SetLiveVersionArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<Agent> {
    return inLocated(
      ctx,
      "agent",
      args.agentId,
      "EDITOR",
      async (tx, actor) => {
        const before = await loadAgent(tx, args.agentId);
        const version = isUuid(args.versionId)
          ? await tx.agentVersion.findFirst({
              where: { id: args.versionId, agentId: args.agentId },
              select: { id: true, number: true },
            })
          : null;
        if (!version) throw notFound("Version");
        await tx.agent.update({ where: { id: args.agentId }, data: { liveVersionId: version.id } });
        await recordAudit(tx, actor, {
          action: "agent.set_live_version",
          targetType: "agent",
          targetId: args.agentId,
          data: { versionId: version.id, number: version.number, previousVersionId: before.liveVersionId },
        });
        return { ...before, liveVersionId: version.id };
      },
      { mutation: true },
    );
  }

  @FieldResolver(() => [AgentVersion], { description: "Newest first." })
  async versions(@Root() agent: Agent, @Ctx() ctx: GatewayContext): Promise<AgentVersion[]> {
    const rows = await ctx.services.loaders.versionsOf.load({ workspaceId: agent.workspaceId, id: agent.id });
    return rows.map(toAgentVersion);
  }

  @FieldResolver(() => AgentVersion, { nullable: true })
  async liveVersion(@Root() agent: Agent, @Ctx() ctx: GatewayContext): Promise<AgentVersion | null> {
    const liveVersionId = agent.liveVersionId;
    if (liveVersionId === null) return null;
    const row = await ctx.services.loaders.version.load({
      workspaceId: agent.workspaceId,
      id: liveVersionId,
    });
    return row ? toAgentVersion(row) : null;
  }

  @FieldResolver(() => [Schedule])
  async schedules(@Root() agent: Agent, @Ctx() ctx: GatewayContext): Promise<Schedule[]> {
    const rows = await ctx.services.loaders.schedulesOf.load({
      workspaceId: agent.workspaceId,
      id: agent.id,
    });
    return rows.map(toSchedule);
  }
}

export async function loadAgent(tx: Tx, id: string): Promise<Agent> {
  const row = await tx.agent.findFirst({ where: { id, archivedAt: null } });
  if (!row) throw notFound("Agent");
  return toAgent(row);
}

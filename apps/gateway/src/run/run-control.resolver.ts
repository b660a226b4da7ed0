import { Arg, Ctx, ID, Int, Mutation, Resolver, Root, Subscription } from "type-graphql";
import { inLocated, locateWorkspace, notFound, withMember } from "../auth/access.ts";
import type { GatewayContext } from "../context.ts";
import { JSONScalar } from "../common/scalars.ts";
import { approveNode, cancelRun, retryRun, startRun } from "./run-control.ts";
import { RunEvent, toRunEvent } from "./run-event.type.ts";
import { runEventStream, workspaceRunStream } from "./run-stream.ts";
import { NodeRun, Run, toNodeRun, toRun } from "./run.type.ts";

async function loadRun(ctx: GatewayContext, runId: string): Promise<Run> {
  return inLocated(ctx, "run", runId, "VIEWER", async (tx) => {
    const row = await tx.run.findUnique({ where: { id: runId } });
    if (!row) throw notFound("Run");
    return toRun(row);
  });
}

function listenerOf(ctx: GatewayContext) {
  return ctx.services.runs.listener;
}

/** Starting, cancelling, retrying and approving runs (Temporal), and their live progress. */
@Resolver()
export class RunControlResolver {
  @Mutation(() => Run, { description: "Starts a run of the live version (or versionId); EDITOR or above." })
  async startRun(
    @Arg("agentId", () => ID) agentId: string,
    @Arg("input", () => JSONScalar, { nullable: true }) input: unknown,
    @Arg("versionId", () => ID, { nullable: true }) versionId: string | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<Run> {
    // The QUEUED row as written: no second lookup of what this request just created.
    return toRun(await startRun(ctx, { agentId, input, versionId }));
  }

  @Mutation(() => Run, {
    description: "Requests cancellation; the run ends CANCELLED once its workflow stops.",
  })
  async cancelRun(@Arg("runId", () => ID) runId: string, @Ctx() ctx: GatewayContext): Promise<Run> {
    await cancelRun(ctx, runId);
    return loadRun(ctx, runId);
  }

  @Mutation(() => Run, {
    description: "A new run of the same version and input that reuses the outputs of nodes that succeeded.",
  })
  async retryRun(@Arg("runId", () => ID) runId: string, @Ctx() ctx: GatewayContext): Promise<Run> {
    return toRun(await retryRun(ctx, runId));
  }

  @Mutation(() => NodeRun)
  async approveNode(
    @Arg("runId", () => ID) runId: string,
    @Arg("nodeId", () => ID) nodeId: string,
    @Arg("approved", () => Boolean) approved: boolean,
    @Arg("comment", () => String, { nullable: true }) comment: string | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<NodeRun> {
    await approveNode(ctx, { runId, nodeId, approved, comment });
    const row = await inLocated(ctx, "run", runId, "VIEWER", (tx) =>
      tx.nodeRun.findUnique({ where: { runId_nodeId: { runId, nodeId } } }),
    );
    if (!row) throw notFound("Node run");
    return toNodeRun(row);
  }

  @Subscription(() => RunEvent, {
    description: "Stored events after afterSeq, then live ones; completes after the run's final event.",
    subscribe: async function* ({ args, context }) {
      const ctx = context as GatewayContext;
      const { runId, afterSeq } = args as { runId: string; afterSeq?: number | null };
      const workspaceId = await locateWorkspace(ctx, "run", runId);
      yield* runEventStream(
        ctx.services.prisma,
        listenerOf(ctx),
        workspaceId,
        runId,
        afterSeq ?? 0,
        ctx.subscriptionEnded?.signal,
      );
    },
  })
  runEvents(
    @Root() event: Parameters<typeof toRunEvent>[0],
    @Arg("runId", () => ID) _runId: string,
    @Arg("afterSeq", () => Int, { nullable: true }) _afterSeq: number | null,
  ): RunEvent {
    return toRunEvent(event);
  }

  @Subscription(() => Run, {
    description: "A run of the workspace each time its status changes.",
    subscribe: async function* ({ args, context }) {
      const ctx = context as GatewayContext;
      const { workspaceId } = args as { workspaceId: string };
      await withMember(ctx, workspaceId, "VIEWER", async () => undefined);
      yield* workspaceRunStream(
        ctx.services.prisma,
        listenerOf(ctx),
        workspaceId,
        ctx.subscriptionEnded?.signal,
      );
    },
  })
  workspaceRuns(
    @Root() run: Parameters<typeof toRun>[0],
    @Arg("workspaceId", () => ID) _workspaceId: string,
  ): Run {
    return toRun(run);
  }
}

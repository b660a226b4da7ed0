import { compileSpec, printSpec, type GenerateSpecResult } from "@weft/schema/spec/index";
import { WorkflowFailedError } from "@temporalio/client";
import { WORKFLOW_TYPES } from "@weft/schema";
import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { validGraphOrThrow } from "../agent/graph-input.ts";
import { mutateIn, recordAudit, requireAuth } from "../auth/access.ts";
import { JSONScalar } from "../common/scalars.ts";
import type { GatewayContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { SpecResult, toDiagnostic, toSpecResult } from "./spec.type.ts";

/** Failures of generation the user can fix (no provider, bad key, budget): BAD_USER_INPUT. */
const USER_FIXABLE = new Set([
  "PROVIDER_NOT_CONFIGURED",
  "MISSING_SECRET",
  "NO_MODEL",
  "BUDGET_EXCEEDED",
  "INVALID_CONFIG",
]);

/** Specs and graphs are pure data: any signed-in caller may convert them (nothing is stored). */
const MAX_SPEC_CHARS = 1_000_000;

@Resolver()
export class SpecResolver {
  @Query(() => SpecResult, {
    description: "AgentSpec → Graph v1, with every problem as a diagnostic (line, node).",
  })
  compileSpec(@Arg("spec", () => String) spec: string, @Ctx() ctx: GatewayContext): SpecResult {
    requireAuth(ctx);
    if (spec.length > MAX_SPEC_CHARS) {
      throw new AppError("BAD_USER_INPUT", `spec is longer than ${MAX_SPEC_CHARS} characters`, {
        issues: [{ path: ["spec"], message: "too long" }],
      });
    }
    const result = compileSpec(spec);
    return toSpecResult(result, result.ok && result.graph ? printSpec(result.graph, result.meta) : null);
  }

  @Query(() => String, { description: "Graph v1 → canonical AgentSpec." })
  printSpec(@Arg("graph", () => JSONScalar) graph: unknown, @Ctx() ctx: GatewayContext): string {
    requireAuth(ctx);
    return printSpec(validGraphOrThrow(graph));
  }

  @Mutation(() => SpecResult, {
    description:
      "English → AgentSpec with the workspace's LLM provider; compiled, and repaired from its own diagnostics. With currentSpec, only the requested change.",
  })
  async generateSpec(
    @Arg("workspaceId", () => ID) workspaceId: string,
    @Arg("prompt", () => String) prompt: string,
    @Arg("currentSpec", () => String, { nullable: true }) currentSpec: string | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<SpecResult> {
    if (!prompt.trim() || prompt.length > 20_000) {
      throw new AppError("BAD_USER_INPUT", "prompt must be between 1 and 20000 characters", {
        issues: [{ path: ["prompt"], message: "between 1 and 20000 characters" }],
      });
    }
    // Checks membership (EDITOR: generation spends the workspace's LLM budget) and rate-limits.
    await mutateIn(ctx, workspaceId, "EDITOR", (tx, actor) =>
      recordAudit(tx, actor, {
        action: "spec.generate",
        targetType: "Workspace",
        targetId: workspaceId,
        data: { chars: prompt.length },
      }),
    );
    const { temporal, taskQueue } = ctx.services.runs;
    let result: GenerateSpecResult;
    const handle = await temporal.workflow.start(WORKFLOW_TYPES.generateSpec, {
      taskQueue,
      workflowId: `generate-spec-${crypto.randomUUID()}`,
      args: [{ workspaceId, prompt, currentSpec }],
      workflowExecutionTimeout: "10 minutes",
    });
    // A caller who stops waiting ("Stop waiting", a closed tab) stops the model calls too.
    const stop = () => void handle.cancel().catch(() => undefined);
    const gone = ctx.callerGone?.();
    gone?.addEventListener("abort", stop, { once: true });
    if (gone?.aborted) stop();
    try {
      result = (await handle.result()) as GenerateSpecResult;
    } catch (err) {
      if (gone?.aborted) throw new AppError("CONFLICT", "The generation was stopped: the caller left.");
      const failure = err instanceof WorkflowFailedError ? findApplicationFailure(err) : null;
      if (failure && USER_FIXABLE.has(failure.type)) {
        throw new AppError("BAD_USER_INPUT", failure.message, {
          issues: [{ path: ["workspaceId"], message: failure.message }],
        });
      }
      throw Object.assign(new AppError("INTERNAL", "The spec could not be generated; try again shortly."), {
        cause: err,
      });
    } finally {
      gone?.removeEventListener("abort", stop);
    }
    return {
      ok: result.ok,
      spec: result.spec,
      graph: result.graph,
      diagnostics: result.diagnostics.map(toDiagnostic),
    };
  }
}

function findApplicationFailure(err: unknown): { type: string; message: string } | null {
  for (
    let e = err as { cause?: unknown; type?: unknown; message?: unknown } | undefined, i = 0;
    e && i < 6;
    e = e.cause as typeof e, i++
  ) {
    if (
      typeof e.type === "string" &&
      typeof e.message === "string" &&
      e.constructor?.name === "ApplicationFailure"
    ) {
      return { type: e.type, message: e.message };
    }
  }
  return null;
}

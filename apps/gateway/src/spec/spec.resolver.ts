import { compileSpec, printSpec } from "@weft/schema/spec/index";
import { Arg, Ctx, Query, Resolver } from "type-graphql";
import { validGraphOrThrow } from "../agent/graph-input.ts";
import { requireAuth } from "../auth/access.ts";
import { JSONScalar } from "../common/scalars.ts";
import type { GatewayContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { SpecResult, toSpecResult } from "./spec.type.ts";

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
}

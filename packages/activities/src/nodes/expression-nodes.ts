import {
  ACTIVITY_EXPRESSION_LIMITS,
  evaluateCondition,
  evaluateExpression,
  type ConditionConfig,
  type TransformConfig,
} from "@weft/schema";
import type { NodeImplementation } from "./types.ts";

export const transform: NodeImplementation<TransformConfig> = async (ctx) => ({
  output: await evaluateExpression(ctx.config.expression, ctx.scope, ACTIVITY_EXPRESSION_LIMITS),
});

export const condition: NodeImplementation<ConditionConfig> = async (ctx) => ({
  output: { result: await evaluateCondition(ctx.config.expression, ctx.scope, ACTIVITY_EXPRESSION_LIMITS) },
});

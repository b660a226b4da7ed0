import { z } from "zod";
import { compileExpression } from "../expressions.ts";
import type { RetryPolicy } from "../graph.ts";
import { hasTemplate } from "../templates.ts";
import { nodeRunDefaults } from "./run-defaults.ts";

export const NODE_CATEGORIES = ["ai", "integration", "data", "control", "utility"] as const;
export type NodeCategory = (typeof NODE_CATEGORIES)[number];

/**
 * "activity" nodes run as one Temporal activity each; "control" nodes are interpreted by the
 * workflow itself (they wait, branch or fan out), so they get no activity retry/timeout and
 * may not read secrets — anything the workflow touches is written to history.
 */
export type NodeKind = "activity" | "control";

export interface NodeTypeDefinition<C extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  type: string;
  category: NodeCategory;
  kind: NodeKind;
  title: string;
  description: string;
  config: C;
  /** Output shape, for docs, the UI's reference picker and downstream template hints. */
  output: O;
  /** Static answer for the catalogue: "can this type have side effects at all?". */
  sideEffects: boolean;
  /** Per-config answer (GET vs POST); drives idempotency keys. Method syntax keeps it bivariant. */
  hasSideEffects(config: z.output<C>): boolean;
  /** False only for types whose implementation never fails, so an `on: "error"` edge is dead code. */
  canFail: boolean;
  /** From NODE_RUN_DEFAULTS (run-defaults.ts), their one home. */
  defaultRetry: RetryPolicy | null;
  defaultTimeoutMs: number | null;
  /** Top-level config keys holding JSONata expressions rather than `{{ }}` templates. */
  expressionFields: readonly string[];
  /** Config key holding an inline node definition (foreach), validated against its own type. */
  inlineNodeField?: string;
  /** Smallest valid config: what a new node starts with, and the catalogue test's fixture. */
  example: z.input<C>;
}

export type AnyNodeType = NodeTypeDefinition<z.ZodType, z.ZodType>;

type Optional = "hasSideEffects" | "canFail" | "expressionFields";
type FromTable = "defaultRetry" | "defaultTimeoutMs";

export function defineNodeType<C extends z.ZodType, O extends z.ZodType>(
  def: Omit<NodeTypeDefinition<C, O>, Optional | FromTable> &
    Partial<Pick<NodeTypeDefinition<C, O>, Optional>>,
): NodeTypeDefinition<C, O> {
  const defaults = nodeRunDefaults(def.type);
  if (!defaults)
    throw new Error(`node type "${def.type}" has no entry in NODE_RUN_DEFAULTS (run-defaults.ts)`);
  return {
    canFail: true,
    expressionFields: [],
    hasSideEffects: () => def.sideEffects,
    ...defaults,
    ...def,
  };
}

/** JSON Schema annotation so generated forms can pick an editor (Monaco for JSONata, etc.). */
export const EDITOR_KEY = "x-weft-editor";

/** A string that may contain `{{ }}` templates. */
export function templateString(description: string): z.ZodString {
  return z
    .string()
    .meta({ description: `${description} Supports {{ }} templates.`, [EDITOR_KEY]: "template" });
}

/** A templated string whose literal form (no `{{`) must match a pattern. */
export function templatedMatching(description: string, pattern: RegExp, message: string) {
  return templateString(description).refine((v) => hasTemplate(v) || pattern.test(v), { message });
}

export function expressionString(description: string) {
  return z
    .string()
    .min(1)
    .superRefine((src, ctx) => {
      const compiled = compileExpression(src);
      if (!compiled.ok) {
        ctx.addIssue({
          code: "custom",
          message: `invalid expression at position ${compiled.error.position}: ${compiled.error.message}`,
          params: { position: compiled.error.position },
        });
      }
    })
    .meta({ description: `${description} (JSONata)`, [EDITOR_KEY]: "jsonata" });
}

/** "provider/model", e.g. openai/gpt-4o-mini; the LLM gateway routes on the provider part. */
export const ModelSchema = templatedMatching(
  'Model as "provider/model", e.g. openai/gpt-4o-mini.',
  /^[a-z0-9][a-z0-9._-]*\/\S+$/,
  'must look like "provider/model", e.g. openai/gpt-4o-mini',
);

export const TemperatureSchema = z.number().min(0).max(2);
export const MaxTokensSchema = z.int().min(1).max(200_000);

export const JsonValueSchema = z.unknown().describe("Any JSON value; strings may contain {{ }} templates");

import { z } from "zod";
import { NodeTimeoutSchema, RetryPolicySchema } from "../graph.ts";
import { defineNodeType, expressionString, templateString } from "./define.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
export const MAX_DELAY_MS = 30 * DAY_MS;
export const MAX_APPROVAL_TIMEOUT_MS = 30 * DAY_MS;

export const ConditionConfigSchema = z.strictObject({
  expression: expressionString("Evaluated over { input, nodes }; coerced to a boolean"),
});

export const condition = defineNodeType({
  type: "condition",
  category: "control",
  kind: "control",
  title: "Condition",
  description: "Evaluates an expression to true or false; outgoing edges test nodes.<id>.output.result.",
  config: ConditionConfigSchema,
  output: z.object({ result: z.boolean() }),
  sideEffects: false,
  expressionFields: ["expression"],
  example: { expression: "input.count > 0" },
});

/** The per-item node of a foreach: a node without id/edges; its type is checked in validate.ts. */
export const InlineNodeSchema = z.strictObject({
  type: z.string().min(1).describe("Activity node type run for each item"),
  config: z
    .record(z.string(), z.unknown())
    .default({})
    .describe("Config; {{item}} and {{index}} are in scope"),
  retry: RetryPolicySchema.optional(),
  timeoutMs: NodeTimeoutSchema.optional(),
});

export const ForeachConfigSchema = z.strictObject({
  items: expressionString("Evaluated over { input, nodes }; must produce an array"),
  node: InlineNodeSchema,
  concurrency: z.int().min(1).max(50).default(5).describe("How many items run at once"),
});

export const foreach = defineNodeType({
  type: "foreach",
  category: "control",
  kind: "control",
  title: "For each",
  description: "Runs one node per item of a list with bounded concurrency and collects the outputs in order.",
  config: ForeachConfigSchema,
  output: z.object({ items: z.array(z.unknown()).describe("One output per input item, in order") }),
  sideEffects: false,
  expressionFields: ["items"],
  inlineNodeField: "node",
  example: { items: "input.list", node: { type: "log", config: { message: "{{item}}" } } },
});

export const SubagentConfigSchema = z.strictObject({
  agentId: z.uuid().describe("Agent whose live version runs as a child workflow"),
  input: z
    .record(z.string(), z.unknown())
    .default({})
    .describe("Input for the child run; values may use templates"),
  maxDepth: z
    .int()
    .min(1)
    .max(10)
    .default(5)
    .describe("Max nesting of sub-agents, to stop agents calling each other forever"),
});

export const subagent = defineNodeType({
  type: "subagent",
  category: "control",
  kind: "control",
  title: "Sub-agent",
  description: "Runs another agent's live version as a child run and returns its output.",
  config: SubagentConfigSchema,
  output: z.object({ runId: z.string(), output: z.unknown() }),
  // The child may send email or call APIs; the static flag answers "possibly".
  sideEffects: true,
  example: { agentId: "00000000-0000-4000-8000-000000000000" },
});

export const ApprovalConfigSchema = z.strictObject({
  message: templateString("What the approver is asked.").min(1),
  approvers: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe("Emails of members allowed to decide; default: any EDITOR or above"),
  timeoutMs: z
    .int()
    .min(1000)
    .max(MAX_APPROVAL_TIMEOUT_MS)
    .default(DAY_MS)
    .describe("How long to wait for a decision"),
  onTimeout: z
    .enum(["reject", "approve"])
    .default("reject")
    .describe("Decision applied when nobody answers in time"),
});

export const approval = defineNodeType({
  type: "approval",
  category: "control",
  kind: "control",
  title: "Approval",
  description: "Pauses the run until a member approves or rejects; a rejection fails the node.",
  config: ApprovalConfigSchema,
  output: z.object({
    approved: z.boolean(),
    decidedBy: z.string().optional(),
    comment: z.string().optional(),
    timedOut: z.boolean(),
  }),
  sideEffects: false,
  example: { message: "Send the newsletter?" },
});

export const DelayConfigSchema = z
  .strictObject({
    ms: z.int().min(0).max(MAX_DELAY_MS).optional().describe("Wait this long (up to 30 days)"),
    until: templateString("Wait until this ISO-8601 time.").min(1).optional(),
  })
  .refine((c) => (c.ms === undefined) !== (c.until === undefined), {
    message: "must set exactly one of ms or until",
  });

export const delay = defineNodeType({
  type: "delay",
  category: "control",
  kind: "control",
  title: "Delay",
  description: "Waits for a duration or until a time (durable Temporal timer, survives restarts).",
  config: DelayConfigSchema,
  output: z.object({ resumedAt: z.string() }),
  sideEffects: false,
  example: { ms: 1000 },
});

export type ConditionConfig = z.output<typeof ConditionConfigSchema>;
export type ForeachConfig = z.output<typeof ForeachConfigSchema>;
export type SubagentConfig = z.output<typeof SubagentConfigSchema>;
export type ApprovalConfig = z.output<typeof ApprovalConfigSchema>;
export type DelayConfig = z.output<typeof DelayConfigSchema>;

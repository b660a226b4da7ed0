import { z } from "zod";

/**
 * Graph v1 — the shape stored in `AgentVersion.graph` and carried in the `runAgent` workflow input.
 * This module is shape only; rules that need the node-type catalogue or the whole graph live in
 * `validate.ts`, so the shape can be imported without pulling in JSONata.
 */

/** Node ids appear in templates (`nodes.ID.output`) and URLs, so they stay slug-like and bounded. */
export const NODE_ID_PATTERN = /^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/;
/** Input names are referenced as `input.NAME` in templates and JSONata, so they must be identifiers. */
export const INPUT_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;
/** Secret names are conventionally SCREAMING_SNAKE so they stand out in configs and logs. */
export const SECRET_NAME_PATTERN = /^[A-Z][A-Z0-9_]*$/;

export const MAX_NODE_TIMEOUT_MS = 24 * 60 * 60 * 1000;
export const MIN_NODE_TIMEOUT_MS = 100;
/** A bound on graph size keeps validation, the canvas and workflow history sizes predictable. */
export const MAX_NODES = 500;
export const MAX_EDGES = 2000;

export const NodeIdSchema = z
  .string()
  .regex(NODE_ID_PATTERN, {
    error: "must start with a letter and contain only letters, digits, '_' or '-' (at most 64 characters)",
  })
  .describe("Stable, unique node id; referenced as nodes.<id>.output in templates");

export const SecretNameSchema = z
  .string()
  .regex(SECRET_NAME_PATTERN, { error: "must be an upper-case secret name such as API_KEY" })
  .describe("Name of a workspace secret (upper-case letters, digits and '_')");

export const INPUT_TYPES = ["string", "number", "boolean", "object", "array"] as const;
export type InputType = (typeof INPUT_TYPES)[number];

export const InputDefinitionSchema = z
  .strictObject({
    type: z.enum(INPUT_TYPES).describe("JSON type of the input value"),
    default: z.unknown().optional().describe("Value used when the run does not provide one"),
    description: z.string().max(2000).optional(),
    required: z.boolean().optional().describe("Reject runs that omit this input and have no default"),
  })
  .superRefine((def, ctx) => {
    if (def.default !== undefined && !matchesInputType(def.type, def.default)) {
      ctx.addIssue({ code: "custom", path: ["default"], message: `must be of type ${def.type}` });
    }
  });

export const RetryPolicySchema = z
  .strictObject({
    maxAttempts: z.int().min(1).max(20).describe("Total attempts including the first (1 = no retry)"),
    initialIntervalMs: z.int().min(1).max(MAX_NODE_TIMEOUT_MS).describe("Delay before the first retry"),
    backoff: z.number().min(1).max(100).describe("Multiplier applied to the interval after each retry"),
    maxIntervalMs: z
      .int()
      .min(1)
      .max(MAX_NODE_TIMEOUT_MS)
      .optional()
      .describe("Upper bound for the retry interval"),
  })
  .superRefine((policy, ctx) => {
    if (policy.maxIntervalMs !== undefined && policy.maxIntervalMs < policy.initialIntervalMs) {
      ctx.addIssue({
        code: "custom",
        path: ["maxIntervalMs"],
        message: "must be at least initialIntervalMs",
      });
    }
  });

export const NodeTimeoutSchema = z
  .int()
  .min(MIN_NODE_TIMEOUT_MS)
  .max(MAX_NODE_TIMEOUT_MS)
  .describe("Start-to-close timeout of one attempt, in milliseconds");

export const PositionSchema = z.strictObject({ x: z.number(), y: z.number() });

export const GraphNodeSchema = z.strictObject({
  id: NodeIdSchema,
  type: z.string().min(1).describe("Node type from the catalogue, e.g. http.request"),
  name: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
  // Checked against the node type's own schema in validate.ts; here only "is an object".
  config: z.record(z.string(), z.unknown()),
  retry: RetryPolicySchema.optional(),
  timeoutMs: NodeTimeoutSchema.optional(),
  position: PositionSchema.optional(),
});

export const EDGE_KINDS = ["success", "error"] as const;
export type EdgeKind = (typeof EDGE_KINDS)[number];

export const GraphEdgeSchema = z.strictObject({
  from: z.string().min(1),
  to: z.string().min(1),
  condition: z.string().min(1).max(10_000).optional().describe("JSONata expression over { input, nodes }"),
  on: z.enum(EDGE_KINDS).optional().describe('"error" edges are taken when the source node fails'),
});

export const GraphSchema = z.strictObject({
  version: z.literal(1),
  inputs: z
    .record(
      z.string().regex(INPUT_NAME_PATTERN, { error: "input names must be identifiers" }),
      InputDefinitionSchema,
    )
    .default({}),
  nodes: z.array(GraphNodeSchema).max(MAX_NODES),
  edges: z.array(GraphEdgeSchema).max(MAX_EDGES).default([]),
});

export type Graph = z.output<typeof GraphSchema>;
export type GraphInput = z.input<typeof GraphSchema>;
export type GraphNode = z.output<typeof GraphNodeSchema>;
export type GraphEdge = z.output<typeof GraphEdgeSchema>;
export type RetryPolicy = z.output<typeof RetryPolicySchema>;
export type InputDefinition = z.output<typeof InputDefinitionSchema>;
export type Position = z.output<typeof PositionSchema>;

/** Shared by input defaults and run-input checks so "number" means the same thing everywhere. */
export function matchesInputType(type: InputType, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
  }
}

/** True when an edge is taken on failure of its source; absent `on` means success. */
export function isErrorEdge(edge: Pick<GraphEdge, "on">): boolean {
  return edge.on === "error";
}

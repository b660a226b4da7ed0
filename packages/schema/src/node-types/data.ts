import { z } from "zod";
import { SecretNameSchema } from "../graph.ts";
import { hasTemplate } from "../templates.ts";
import { defineNodeType, expressionString } from "./define.ts";

export const TransformConfigSchema = z.strictObject({
  expression: expressionString("Evaluated over { input, nodes }; the result is the node's output"),
});

export const transform = defineNodeType({
  type: "transform",
  category: "data",
  kind: "activity",
  title: "Transform",
  description: "Reshapes data with a JSONata expression over { input, nodes }.",
  config: TransformConfigSchema,
  output: z.unknown().describe("Whatever the expression returns"),
  sideEffects: false,
  expressionFields: ["expression"],
  example: { expression: "input" },
});

export const DbQueryConfigSchema = z.strictObject({
  connectionSecret: SecretNameSchema.describe("Secret holding the PostgreSQL connection URL"),
  sql: z
    .string()
    .min(1)
    .max(100_000)
    // Values spliced into SQL text are an injection hole; parameters are not.
    .refine((sql) => !hasTemplate(sql), {
      message: "must not contain {{ }} templates — use $1, $2… and params",
    })
    .describe("SQL statement with $1, $2… placeholders"),
  params: z.array(z.unknown()).default([]).describe("Values for $1, $2…; may use templates"),
  readOnly: z.boolean().default(true).describe("Run in a READ ONLY transaction"),
  maxRows: z.int().min(1).max(100_000).default(1000).describe("Fail if the query returns more rows"),
  statementTimeoutMs: z.int().min(100).max(600_000).default(30_000).describe("PostgreSQL statement_timeout"),
});

export const dbQuery = defineNodeType({
  type: "db.query",
  category: "data",
  kind: "activity",
  title: "Database query",
  description: "Runs one parameterised SQL statement against an external PostgreSQL database.",
  config: DbQueryConfigSchema,
  output: z.object({
    rows: z.array(z.record(z.string(), z.unknown())),
    rowCount: z.int(),
  }),
  sideEffects: true,
  hasSideEffects: (config) => !config.readOnly,
  example: { connectionSecret: "DATABASE_URL", sql: "select 1 as one" },
});
export type TransformConfig = z.output<typeof TransformConfigSchema>;
export type DbQueryConfig = z.output<typeof DbQueryConfigSchema>;

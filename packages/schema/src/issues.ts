/**
 * Graph validation issues and the wording of zod issues for people: "config.prompt is required"
 * rather than "Invalid input: expected string, received undefined".
 */
import type { z } from "zod";
import { didYouMean } from "./suggest.ts";
import { formatPath, type PathSegment } from "./templates.ts";
import { defOf, unwrapSchema, type AnySchema, type LooseDef } from "./zod-walk.ts";

export const GRAPH_ISSUE_CODES = [
  "required",
  "invalid_value",
  "unknown_field",
  "duplicate_node_id",
  "unknown_node_type",
  "invalid_inline_node",
  "not_applicable",
  "dangling_edge",
  "self_loop",
  "duplicate_edge",
  "cycle",
  "invalid_condition",
  "invalid_error_edge",
  "template_syntax",
  "unknown_node_reference",
  "reference_not_upstream",
  "unknown_input",
  "invalid_reference",
  "invalid_secret_name",
  "secret_in_control_node",
] as const;
export type GraphIssueCode = (typeof GRAPH_ISSUE_CODES)[number];

export interface GraphIssue {
  /** From the graph root, e.g. ["nodes", 1, "config", "prompt"]. */
  path: PathSegment[];
  nodeId?: string;
  edgeIndex?: number;
  /** The path relative to the node or edge, e.g. "config.prompt". */
  field?: string;
  code: GraphIssueCode;
  message: string;
}

type ZodIssue = z.core.$ZodIssue;

/** Names nodes and edges in messages; built from the raw input so it works on invalid graphs. */
export interface IssueContext {
  nodeIds: (string | undefined)[];
  edges: ({ from?: string; to?: string } | undefined)[];
}

export function nodeLabel(ctx: IssueContext, index: number): string {
  const id = ctx.nodeIds[index];
  return id ? `node "${id}"` : `nodes[${index}]`;
}

export function edgeLabel(ctx: IssueContext, index: number): string {
  const e = ctx.edges[index];
  return e?.from !== undefined && e.to !== undefined
    ? `edge ${index} (${e.from} → ${e.to})`
    : `edge ${index}`;
}

/** Builds an issue whose message is "<node/edge label>: <field> <text>". */
export function makeIssue(
  ctx: IssueContext,
  code: GraphIssueCode,
  path: PathSegment[],
  text: string,
  opts: { field?: boolean } = {},
): GraphIssue {
  const [top, index, ...rest] = path;
  const issue: GraphIssue = { path, code, message: text };
  const fieldText = (segs: PathSegment[]): string => formatPath(segs);
  if ((top === "nodes" || top === "edges") && typeof index === "number") {
    const field = fieldText(rest);
    const label = top === "nodes" ? nodeLabel(ctx, index) : edgeLabel(ctx, index);
    if (top === "nodes") {
      const id = ctx.nodeIds[index];
      if (id) issue.nodeId = id;
    } else {
      issue.edgeIndex = index;
    }
    if (field) issue.field = field;
    issue.message = `${label}: ${opts.field !== false && field ? `${field} ` : ""}${text}`;
    return issue;
  }
  const field = fieldText(path);
  if (field) issue.field = field;
  issue.message = opts.field !== false && field ? `${field} ${text}` : text;
  return issue;
}

/**
 * Converts zod issues (parsed with `reportInput: true`) into graph issues. `schema` and
 * `schemaPath` let unknown-key issues suggest the nearest known key.
 */
export function fromZodIssues(
  ctx: IssueContext,
  issues: readonly ZodIssue[],
  prefix: PathSegment[],
  schema: AnySchema,
): GraphIssue[] {
  const out: GraphIssue[] = [];
  for (const issue of issues) {
    const rel = issue.path.filter((p): p is PathSegment => typeof p !== "symbol");
    const path = [...prefix, ...rel];
    if (issue.code === "unrecognized_keys") {
      const known = knownKeysAt(schema, rel);
      const [top, index] = path;
      const inItem = (top === "nodes" || top === "edges") && typeof index === "number";
      const owner = formatPath(inItem ? path.slice(2) : path);
      const lead = owner
        ? `${owner} has unknown field`
        : inItem
          ? "unknown field"
          : "graph has unknown field";
      for (const key of issue.keys) {
        const text = `${lead} "${key}"${didYouMean(key, known)}`;
        out.push(makeIssue(ctx, "unknown_field", [...path, key], text, { field: false }));
      }
      continue;
    }
    const { code, text } = describeIssue(issue);
    out.push(makeIssue(ctx, code, path, text));
  }
  return out;
}

function describeIssue(issue: ZodIssue): { code: GraphIssueCode; text: string } {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return { code: "required", text: "is required" };
      return { code: "invalid_value", text: `must be ${withArticle(issue.expected)}` };
    case "too_small":
    case "too_big":
      return { code: "invalid_value", text: describeBound(issue) };
    case "invalid_value":
      return {
        code: "invalid_value",
        text:
          issue.values.length === 1
            ? `must be ${JSON.stringify(issue.values[0])}`
            : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
      };
    case "invalid_format":
      if (issue.format === "regex") {
        return {
          code: "invalid_value",
          text: issue.message.startsWith("Invalid") ? "has an invalid format" : issue.message,
        };
      }
      return {
        code: "invalid_value",
        text: `must be a valid ${issue.format === "uuid" ? "UUID" : issue.format}`,
      };
    case "invalid_key":
      return {
        code: "invalid_value",
        text: `is not a valid key: ${issue.issues[0]?.message ?? issue.message}`,
      };
    case "invalid_union":
      return { code: "invalid_value", text: "does not match any of the allowed forms" };
    default:
      return { code: "invalid_value", text: issue.message };
  }
}

function describeBound(issue: Extract<ZodIssue, { code: "too_small" | "too_big" }>): string {
  const small = issue.code === "too_small";
  const limit = Number(
    small ? (issue as { minimum: unknown }).minimum : (issue as { maximum: unknown }).maximum,
  );
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case "string":
      if (small && limit === 1) return "must not be empty";
      return `must be ${small ? "at least" : "at most"} ${limit} characters`;
    case "array":
    case "set":
      if (small && limit === 1) return "must have at least one item";
      return `must have ${small ? "at least" : "at most"} ${limit} items`;
    default:
      if (inclusive) return `must be ${small ? "at least" : "at most"} ${limit}`;
      return `must be ${small ? "greater" : "less"} than ${limit}`;
  }
}

function withArticle(expected: string): string {
  const word = expected === "int" ? "integer" : expected;
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

/** Keys of the object schema at `path`, for "did you mean" on unknown keys. */
export function knownKeysAt(schema: AnySchema, path: readonly PathSegment[]): string[] {
  let current: AnySchema | undefined = unwrapSchema(schema);
  for (const seg of path) {
    const def: LooseDef = defOf(current);
    if (def.type === "object") current = def.shape?.[String(seg)];
    else if (def.type === "array") current = def.element;
    else if (def.type === "record") current = def.valueType;
    else return [];
    if (!current) return [];
    current = unwrapSchema(current);
  }
  const def = defOf(current);
  return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

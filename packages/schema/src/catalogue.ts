import { z } from "zod";
import type { AnyNodeType, NodeCategory, NodeKind } from "./node-types/define.ts";
import type { RetryPolicy } from "./graph.ts";
import { dbQuery, transform } from "./node-types/data.ts";
import { approval, condition, delay, foreach, subagent } from "./node-types/control.ts";
import { httpRequest } from "./node-types/http.ts";
import { llmClassify, llmGenerate, llmStructured } from "./node-types/llm.ts";
import { emailSend, smsSend } from "./node-types/messaging.ts";
import { redditSearch, redditTop } from "./node-types/reddit.ts";
import { log } from "./node-types/utility.ts";

/** Palette order: AI first (what people come for), then integrations, data, control, utility. */
export const nodeTypes: readonly AnyNodeType[] = [
  llmGenerate,
  llmStructured,
  llmClassify,
  httpRequest,
  emailSend,
  smsSend,
  redditTop,
  redditSearch,
  transform,
  dbQuery,
  condition,
  foreach,
  subagent,
  approval,
  delay,
  log,
] as AnyNodeType[];

const byType = new Map(nodeTypes.map((t) => [t.type, t]));

export const NODE_TYPE_NAMES: readonly string[] = nodeTypes.map((t) => t.type);

export function getNodeType(type: string): AnyNodeType | undefined {
  return byType.get(type);
}

/** JSON form of a node type, per API.md's `NodeType` (plus kind, canFail, outputSchema, example). */
export interface NodeTypeInfo {
  type: string;
  category: NodeCategory;
  kind: NodeKind;
  title: string;
  description: string;
  configSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  sideEffects: boolean;
  canFail: boolean;
  defaultRetry: RetryPolicy | null;
  defaultTimeoutMs: number | null;
  example: unknown;
}

export function nodeTypeToJson(def: AnyNodeType): NodeTypeInfo {
  return {
    type: def.type,
    category: def.category,
    kind: def.kind,
    title: def.title,
    description: def.description,
    // io "input": forms edit what users type, where fields with defaults are optional.
    configSchema: z.toJSONSchema(def.config, { target: "draft-2020-12", io: "input" }) as Record<
      string,
      unknown
    >,
    outputSchema: z.toJSONSchema(def.output, { target: "draft-2020-12", io: "output" }) as Record<
      string,
      unknown
    >,
    sideEffects: def.sideEffects,
    canFail: def.canFail,
    defaultRetry: def.defaultRetry,
    defaultTimeoutMs: def.defaultTimeoutMs,
    example: def.example,
  };
}

let cached: readonly NodeTypeInfo[] | undefined;

/** Generated once per process: the schemas are static and generation walks every zod node. */
export function nodeTypeCatalogue(): readonly NodeTypeInfo[] {
  cached ??= nodeTypes.map(nodeTypeToJson);
  return cached;
}

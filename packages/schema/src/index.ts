export * from "./constants.ts";
export * from "./graph.ts";
export * from "./run-events.ts";
export * from "./templates.ts";
export * from "./expressions.ts";
export * from "./catalogue.ts";
export * from "./validate.ts";
export * from "./inputs.ts";
export * from "./text.ts";
export type { AnyNodeType, NodeCategory, NodeKind, NodeTypeDefinition } from "./node-types/define.ts";
export { NODE_CATEGORIES } from "./node-types/define.ts";
export type { HttpRequestConfig } from "./node-types/http.ts";
export type { TransformConfig, DbQueryConfig } from "./node-types/data.ts";
export type {
  ConditionConfig,
  ForeachConfig,
  SubagentConfig,
  ApprovalConfig,
  DelayConfig,
} from "./node-types/control.ts";
export type { LlmGenerateConfig, LlmStructuredConfig, LlmClassifyConfig } from "./node-types/llm.ts";
export type { EmailSendConfig, SmsSendConfig } from "./node-types/messaging.ts";
export type { RedditTopConfig, RedditSearchConfig } from "./node-types/reddit.ts";
export type { LogConfig } from "./node-types/utility.ts";

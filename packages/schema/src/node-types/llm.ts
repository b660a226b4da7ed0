import { z } from "zod";
import { MaxTokensSchema, ModelSchema, TemperatureSchema, defineNodeType, templateString } from "./define.ts";

const UsageSchema = z.object({ tokensIn: z.int(), tokensOut: z.int(), costUsd: z.number() });

/** Absent: the workspace's default model (Provider.defaultModel). */
const NodeModel = ModelSchema.optional().describe(
  'Model as "provider/model"; default: the workspace\'s default model',
);
/** Tried in order when the model's provider is rate-limited, overloaded or unreachable. */
const FallbackModels = z
  .array(ModelSchema)
  .max(5)
  .default([])
  .describe("Models to try, in order, when the first one's provider is rate-limited or down");

export const LlmGenerateConfigSchema = z.strictObject({
  model: NodeModel,
  fallbackModels: FallbackModels,
  prompt: templateString("User prompt.").min(1),
  system: templateString("System prompt.").optional(),
  temperature: TemperatureSchema.default(0.7).describe("Sampling temperature (0 = most deterministic)"),
  maxTokens: MaxTokensSchema.default(1024).describe("Upper bound on generated tokens"),
  stream: z.boolean().default(false).describe("Show partial output in the run view while it is generated"),
});

export const llmGenerate = defineNodeType({
  type: "llm.generate",
  category: "ai",
  kind: "activity",
  title: "Generate text",
  description: "Asks a language model for text.",
  config: LlmGenerateConfigSchema,
  output: z.object({ text: z.string(), model: z.string(), finishReason: z.string(), usage: UsageSchema }),
  sideEffects: false,
  example: { model: "openai/gpt-4o-mini", prompt: "Say hello" },
});

export const LlmStructuredConfigSchema = z.strictObject({
  model: NodeModel,
  fallbackModels: FallbackModels,
  prompt: templateString("User prompt.").min(1),
  system: templateString("System prompt.").optional(),
  jsonSchema: z
    .record(z.string(), z.unknown())
    .refine((s) => Object.keys(s).length > 0, { message: "must be a non-empty JSON Schema object" })
    .describe("JSON Schema the answer must satisfy; the output is validated against it"),
  temperature: TemperatureSchema.default(0).describe("Sampling temperature"),
  maxTokens: MaxTokensSchema.default(2048).describe("Upper bound on generated tokens"),
});

export const llmStructured = defineNodeType({
  type: "llm.structured",
  category: "ai",
  kind: "activity",
  title: "Generate JSON",
  description: "Asks a language model for JSON matching a schema, and validates the answer.",
  config: LlmStructuredConfigSchema,
  output: z.object({ data: z.unknown(), model: z.string(), usage: UsageSchema }),
  sideEffects: false,
  example: {
    model: "openai/gpt-4o-mini",
    prompt: "Extract the title",
    jsonSchema: { type: "object", properties: { title: { type: "string" } }, required: ["title"] },
  },
});

export const LlmClassifyConfigSchema = z.strictObject({
  model: NodeModel,
  fallbackModels: FallbackModels,
  text: templateString("Text to classify.").min(1),
  instructions: templateString("Extra guidance for the classifier.").optional(),
  labels: z
    .array(z.string().min(1).max(200))
    .min(2)
    .max(100)
    .refine((labels) => new Set(labels).size === labels.length, { message: "labels must be unique" })
    .describe("Allowed labels; the answer is exactly one of them"),
});

export const llmClassify = defineNodeType({
  type: "llm.classify",
  category: "ai",
  kind: "activity",
  title: "Classify",
  description: "Asks a language model to pick exactly one label for a text.",
  config: LlmClassifyConfigSchema,
  output: z.object({ label: z.string(), model: z.string(), usage: UsageSchema }),
  sideEffects: false,
  example: { model: "openai/gpt-4o-mini", text: "I love it", labels: ["positive", "negative"] },
});
export type LlmGenerateConfig = z.output<typeof LlmGenerateConfigSchema>;
export type LlmStructuredConfig = z.output<typeof LlmStructuredConfigSchema>;
export type LlmClassifyConfig = z.output<typeof LlmClassifyConfigSchema>;

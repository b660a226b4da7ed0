import type { LlmClassifyConfig, LlmGenerateConfig, LlmStructuredConfig } from "@weft/schema";
import { complete } from "../llm/gateway.ts";
import { completeJson, sumUsage } from "../llm/json-output.ts";
import type { NodeImplementation, NodeOutcome } from "./types.ts";

function outcome(output: Record<string, unknown>, usage: ReturnType<typeof sumUsage>): NodeOutcome {
  return { output: { ...output, usage }, ...usage };
}

export const llmGenerate: NodeImplementation<LlmGenerateConfig> = async (ctx) => {
  const c = ctx.config;
  const answer = await complete(ctx, {
    model: c.model,
    fallbackModels: c.fallbackModels,
    request: {
      ...(c.system ? { system: c.system } : {}),
      messages: [{ role: "user", content: c.prompt }],
      temperature: c.temperature,
      maxTokens: c.maxTokens,
      stream: c.stream,
    },
  });
  return outcome(
    { text: answer.text, model: answer.model, finishReason: answer.finishReason },
    sumUsage([answer]),
  );
};

export const llmStructured: NodeImplementation<LlmStructuredConfig> = async (ctx) => {
  const c = ctx.config;
  const { data, calls } = await completeJson(ctx, {
    model: c.model,
    fallbackModels: c.fallbackModels,
    schema: c.jsonSchema,
    request: {
      ...(c.system ? { system: c.system } : {}),
      messages: [{ role: "user", content: c.prompt }],
      temperature: c.temperature,
      maxTokens: c.maxTokens,
    },
  });
  return outcome({ data, model: calls.at(-1)!.model }, sumUsage(calls));
};

/**
 * The label is constrained twice: the provider is asked for `{"label": <one of the enum>}`
 * (json_schema / forced tool / responseJsonSchema), and the answer is validated against the same
 * enum, so the output is always exactly one of the configured labels.
 */
export const llmClassify: NodeImplementation<LlmClassifyConfig> = async (ctx) => {
  const c = ctx.config;
  const schema = {
    type: "object",
    properties: { label: { type: "string", enum: c.labels } },
    required: ["label"],
    additionalProperties: false,
  };
  const { data, calls } = await completeJson(ctx, {
    model: c.model,
    fallbackModels: c.fallbackModels,
    schema,
    request: {
      system:
        "You are a precise text classifier. Choose exactly one label from the allowed list. " +
        `Answer with JSON {"label": "<label>"} and nothing else. Allowed labels: ${JSON.stringify(c.labels)}.` +
        (c.instructions ? `\n\nGuidance: ${c.instructions}` : ""),
      messages: [{ role: "user", content: c.text }],
      temperature: 0,
      maxTokens: 200,
    },
  });
  return outcome({ label: (data as { label: string }).label, model: calls.at(-1)!.model }, sumUsage(calls));
};

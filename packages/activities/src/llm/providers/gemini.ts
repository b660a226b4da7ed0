import { ProviderProtocolError, type ChatResult, type ProviderAdapter } from "../types.ts";
import { trimSlash } from "./openai.ts";

interface GenerateContentResponse {
  candidates?: Array<{
    content?: { parts?: Array<{ text?: string; thought?: boolean }> };
    finishReason?: string;
  }>;
  usageMetadata?: { promptTokenCount?: number; candidatesTokenCount?: number; thoughtsTokenCount?: number };
  promptFeedback?: { blockReason?: string };
}

const FINISH_REASONS: Record<string, string> = {
  STOP: "stop",
  MAX_TOKENS: "length",
  SAFETY: "content_filter",
  RECITATION: "content_filter",
  PROHIBITED_CONTENT: "content_filter",
  BLOCKLIST: "content_filter",
};

function read(body: GenerateContentResponse): ChatResult {
  const candidate = body.candidates?.[0];
  // Thought summaries are not the answer.
  const text = (candidate?.content?.parts ?? [])
    .filter((p) => !p.thought)
    .map((p) => p.text ?? "")
    .join("");
  const reason = candidate?.finishReason ?? "STOP";
  const usage = body.usageMetadata ?? {};
  return {
    text,
    finishReason: FINISH_REASONS[reason] ?? reason.toLowerCase(),
    tokensIn: usage.promptTokenCount ?? 0,
    // Thinking tokens are billed as output.
    tokensOut: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
  };
}

/** Google Gemini (Generative Language API) `generateContent` / `streamGenerateContent`. */
export const geminiAdapter: ProviderAdapter = {
  build(req, conn) {
    const generationConfig: Record<string, unknown> = { maxOutputTokens: req.maxTokens };
    if (req.temperature !== undefined) generationConfig.temperature = req.temperature;
    if (req.jsonSchema) {
      generationConfig.responseMimeType = "application/json";
      // responseJsonSchema takes standard JSON Schema (responseSchema only an OpenAPI subset).
      generationConfig.responseJsonSchema = req.jsonSchema.schema;
    }
    const method = req.stream ? "streamGenerateContent?alt=sse" : "generateContent";
    return {
      url: `${trimSlash(conn.baseUrl)}/v1beta/models/${encodeURIComponent(req.model)}:${method}`,
      // The header rather than ?key=: URLs end up in logs and proxies.
      headers: { "content-type": "application/json", "x-goog-api-key": conn.apiKey },
      body: {
        contents: req.messages.map((m) => ({
          role: m.role === "assistant" ? "model" : "user",
          parts: [{ text: m.content }],
        })),
        ...(req.system ? { systemInstruction: { parts: [{ text: req.system }] } } : {}),
        generationConfig,
      },
    };
  },

  parse(raw) {
    const body = raw as GenerateContentResponse;
    if (!body.candidates?.length) {
      const blocked = body.promptFeedback?.blockReason;
      throw new ProviderProtocolError(
        blocked ? `the prompt was blocked (${blocked})` : "the answer has no candidates",
      );
    }
    return read(body);
  },

  streamEvent(state, event) {
    const chunk = read(JSON.parse(event.data) as GenerateContentResponse);
    // usageMetadata is cumulative: the last chunk carries the totals.
    if (chunk.tokensIn) state.tokensIn = chunk.tokensIn;
    if (chunk.tokensOut) state.tokensOut = chunk.tokensOut;
    state.finishReason = chunk.finishReason;
    if (!chunk.text) return undefined;
    state.text += chunk.text;
    return chunk.text;
  },

  errorMessage(body) {
    return (body as { error?: { message?: string } })?.error?.message;
  },
};

/** Gemini's 429 names its wait in the body (`google.rpc.RetryInfo.retryDelay`, e.g. "13s"). */
export function geminiRetryDelayMs(body: unknown): number | undefined {
  const details = (body as { error?: { details?: Array<{ "@type"?: string; retryDelay?: string }> } })?.error
    ?.details;
  const delay = details?.find((d) => d["@type"]?.endsWith("RetryInfo"))?.retryDelay;
  const m = delay ? /^(\d+(?:\.\d+)?)s$/.exec(delay) : null;
  return m ? Math.ceil(Number(m[1]) * 1000) : undefined;
}

import { ProviderProtocolError, type ChatResult, type ProviderAdapter } from "../types.ts";

interface OpenAiBody {
  choices?: Array<{ message?: { content?: string | null; refusal?: string | null }; finish_reason?: string }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

interface OpenAiChunk {
  choices?: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

/**
 * OpenAI chat completions, and every server that copies it (Groq, Ollama, vLLM, LM Studio,
 * OpenRouter...). `official` selects OpenAI's current token parameter: its newer models reject
 * `max_tokens`, while most compatible servers only know `max_tokens`.
 */
export function openAiAdapter(official: boolean): ProviderAdapter {
  return {
    build(req, conn) {
      const messages = [
        ...(req.system ? [{ role: "system", content: req.system }] : []),
        ...req.messages.map((m) => ({ role: m.role, content: m.content })),
      ];
      const body: Record<string, unknown> = {
        model: req.model,
        messages,
        ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
        [official ? "max_completion_tokens" : "max_tokens"]: req.maxTokens,
      };
      if (req.jsonSchema) {
        // strict mode would demand additionalProperties:false and every property required, which
        // arbitrary user schemas rarely satisfy; the node validates the answer itself.
        body.response_format = {
          type: "json_schema",
          json_schema: { name: req.jsonSchema.name, schema: req.jsonSchema.schema, strict: false },
        };
      }
      if (req.stream) {
        body.stream = true;
        // Without this the stream carries no token counts at all.
        body.stream_options = { include_usage: true };
      }
      const headers: Record<string, string> = { "content-type": "application/json" };
      // Local servers (Ollama, LM Studio) take no key; sending an empty bearer confuses some proxies.
      if (conn.apiKey) headers.authorization = `Bearer ${conn.apiKey}`;
      return { url: `${trimSlash(conn.baseUrl)}/chat/completions`, headers, body };
    },

    parse(raw): ChatResult {
      const body = raw as OpenAiBody;
      const choice = body.choices?.[0];
      if (!choice?.message) throw new ProviderProtocolError("the answer has no choices[0].message");
      if (choice.message.refusal)
        throw new ProviderProtocolError(`the model refused: ${choice.message.refusal}`);
      return {
        text: choice.message.content ?? "",
        finishReason: choice.finish_reason ?? "stop",
        tokensIn: body.usage?.prompt_tokens ?? 0,
        tokensOut: body.usage?.completion_tokens ?? 0,
      };
    },

    streamEvent(state, event) {
      if (event.data.trim() === "[DONE]") {
        state.done = true;
        return undefined;
      }
      const chunk = JSON.parse(event.data) as OpenAiChunk;
      if (chunk.usage) {
        state.tokensIn = chunk.usage.prompt_tokens ?? state.tokensIn;
        state.tokensOut = chunk.usage.completion_tokens ?? state.tokensOut;
      }
      const choice = chunk.choices?.[0];
      if (choice?.finish_reason) state.finishReason = choice.finish_reason;
      const delta = choice?.delta?.content;
      if (delta) {
        state.text += delta;
        return delta;
      }
      return undefined;
    },

    errorMessage(body) {
      return (body as { error?: { message?: string } })?.error?.message;
    },
  };
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

import { ProviderProtocolError, type ChatResult, type ProviderAdapter } from "../types.ts";
import { trimSlash } from "./openai.ts";

/** The API version whose wire format this adapter speaks (sent as `anthropic-version`). */
export const ANTHROPIC_VERSION = "2023-06-01";
/** Forced tool whose input is the structured answer (Anthropic's documented JSON-output pattern). */
const JSON_TOOL = "respond";

type Block =
  | { type: "text"; text: string }
  | { type: "tool_use"; name: string; input: unknown }
  | { type: string; [k: string]: unknown };

interface MessagesBody {
  content?: Block[];
  stop_reason?: string | null;
  usage?: { input_tokens?: number; output_tokens?: number };
}

const STOP_REASONS: Record<string, string> = {
  end_turn: "stop",
  stop_sequence: "stop",
  tool_use: "stop",
  max_tokens: "length",
  refusal: "content_filter",
};

export const anthropicAdapter: ProviderAdapter = {
  build(req, conn) {
    const body: Record<string, unknown> = {
      model: req.model,
      max_tokens: req.maxTokens,
      messages: req.messages.map((m) => ({ role: m.role, content: [{ type: "text", text: m.content }] })),
      ...(req.system ? { system: req.system } : {}),
      // Anthropic's range is 0..1 (OpenAI's is 0..2).
      ...(req.temperature !== undefined ? { temperature: Math.min(1, req.temperature) } : {}),
      ...(req.stream ? { stream: true } : {}),
    };
    const schema = req.jsonSchema?.schema;
    if (schema && schema.type === "object") {
      body.tools = [
        { name: JSON_TOOL, description: "Give the answer in this exact shape.", input_schema: schema },
      ];
      body.tool_choice = { type: "tool", name: JSON_TOOL };
    }
    return {
      url: `${trimSlash(conn.baseUrl)}/v1/messages`,
      headers: {
        "content-type": "application/json",
        "x-api-key": conn.apiKey,
        "anthropic-version": ANTHROPIC_VERSION,
      },
      body,
    };
  },

  parse(raw): ChatResult {
    const body = raw as MessagesBody;
    if (!Array.isArray(body.content)) throw new ProviderProtocolError("the answer has no content blocks");
    let text = "";
    for (const block of body.content) {
      if (block.type === "text") text += (block as { text: string }).text;
      else if (block.type === "tool_use") text += JSON.stringify((block as { input: unknown }).input);
    }
    const stop = body.stop_reason ?? "end_turn";
    return {
      text,
      finishReason: STOP_REASONS[stop] ?? stop,
      tokensIn: body.usage?.input_tokens ?? 0,
      tokensOut: body.usage?.output_tokens ?? 0,
    };
  },

  streamEvent(state, event) {
    const data = JSON.parse(event.data) as {
      type: string;
      message?: { usage?: { input_tokens?: number; output_tokens?: number } };
      delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string };
      usage?: { output_tokens?: number; input_tokens?: number };
      error?: { message?: string };
    };
    switch (data.type) {
      case "message_start":
        state.tokensIn = data.message?.usage?.input_tokens ?? 0;
        state.tokensOut = data.message?.usage?.output_tokens ?? 0;
        return undefined;
      case "content_block_delta": {
        const piece = data.delta?.type === "input_json_delta" ? data.delta.partial_json : data.delta?.text;
        if (!piece) return undefined;
        state.text += piece;
        return piece;
      }
      case "message_delta":
        // output_tokens here is cumulative for the message.
        if (data.usage?.output_tokens !== undefined) state.tokensOut = data.usage.output_tokens;
        if (data.delta?.stop_reason)
          state.finishReason = STOP_REASONS[data.delta.stop_reason] ?? data.delta.stop_reason;
        return undefined;
      case "message_stop":
        state.done = true;
        return undefined;
      case "error":
        throw new ProviderProtocolError(`stream error: ${data.error?.message ?? event.data}`);
      default:
        return undefined;
    }
  },

  errorMessage(body) {
    return (body as { error?: { message?: string } })?.error?.message;
  },
};

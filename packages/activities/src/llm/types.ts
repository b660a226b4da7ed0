/** What an LLM node asks for, independent of any provider's wire format. */
export interface ChatRequest {
  /** The provider's own model id (without the "provider/" prefix). */
  model: string;
  system?: string;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens: number;
  /** Ask for JSON matching this schema (OpenAI json_schema, Gemini responseSchema, Anthropic by prompt). */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
  /** Stream the answer (server-sent events) and report text as it arrives. */
  stream?: boolean;
}

export interface ChatMessage {
  role: "user" | "assistant";
  content: string;
}

export interface ChatResult {
  text: string;
  /** Normalised: stop | length | content_filter | tool_calls | other provider value. */
  finishReason: string;
  tokensIn: number;
  tokensOut: number;
}

/** An HTTP request the gateway sends through the SSRF-safe client. */
export interface WireRequest {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * One provider's wire format. Adapters are pure (no I/O): the gateway does the HTTP, the rate
 * limiting and the accounting, so each format is tested by what it sends and parses.
 */
export interface ProviderAdapter {
  build(req: ChatRequest, conn: { baseUrl: string; apiKey: string }): WireRequest;
  parse(body: unknown): ChatResult;
  /** Folds one server-sent event into the stream state; returns new text, if any. */
  streamEvent(state: StreamState, event: { event?: string; data: string }): string | undefined;
  /** Pulls a human-readable message out of an error body. */
  errorMessage(body: unknown): string | undefined;
}

export interface StreamState {
  text: string;
  finishReason: string;
  tokensIn: number;
  tokensOut: number;
  done: boolean;
}

export function newStreamState(): StreamState {
  return { text: "", finishReason: "stop", tokensIn: 0, tokensOut: 0, done: false };
}

/** A protocol-level surprise (a body that is not the documented shape): retrying will not help. */
export class ProviderProtocolError extends Error {
  override readonly name = "ProviderProtocolError";
}

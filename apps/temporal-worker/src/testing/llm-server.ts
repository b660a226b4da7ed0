import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for the OpenAI, Anthropic and Gemini APIs that checks requests the way the
 * real services do (path, auth headers, API version, required body fields and their shapes) and
 * answers with bodies shaped like theirs, including usage fields, SSE streams and 429s. A request
 * the real API would reject gets the real API's kind of 4xx, so a wire-format mistake fails the
 * test's run instead of passing silently.
 */

export type Api = "openai" | "anthropic" | "gemini";

export interface LlmRequest {
  api: Api;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** The user-visible prompt text (last user message), for scripted answers. */
  prompt: string;
  at: number;
  /** When the client closed a stalled request (see LlmServer.stall). */
  abandonedAt?: number;
}

/** A scripted failure, consumed by the next matching request. */
export interface Failure {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Only for requests whose model is this (default: any). */
  model?: string;
}

export class LlmServer {
  readonly requests: LlmRequest[] = [];
  readonly failures: Failure[] = [];
  /** What the model "says"; default: a short summary mentioning the prompt's length. */
  answer: (req: LlmRequest) => string = (req) => `Summary: ${req.prompt.length} characters were read.`;
  /**
   * OpenAI requests are recorded and then never answered, like a model that thinks for minutes;
   * the request's abandonedAt says when the client gave up on it.
   */
  stall = false;
  /** Delay between streamed chunks. */
  chunkDelayMs = 60;
  /** Accepted API keys by API. */
  keys: Record<Api, string> = {
    openai: "sk-test-openai",
    anthropic: "sk-ant-test",
    gemini: "AIza-test-gemini",
  };
  private server!: http.Server;
  port = 0;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** ~4 characters per token, like the gateway's own estimate; deterministic for assertions. */
  static tokens(text: string): number {
    return Math.max(1, Math.ceil(text.length / 4));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://llm");
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(payload));
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
    } catch {
      return send(400, {
        error: {
          message: "We could not parse the JSON body of your request.",
          type: "invalid_request_error",
        },
      });
    }
    if (req.method !== "POST" || req.headers["content-type"] !== "application/json") {
      return send(400, { error: { message: "expected POST with content-type application/json" } });
    }
    if (url.pathname === "/v1/chat/completions") return this.openai(req, body, send, res);
    if (url.pathname === "/v1/messages") return this.anthropic(req, body, send, res);
    const gemini = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(url.pathname);
    if (gemini) return this.gemini(req, url, decodeURIComponent(gemini[1]!), gemini[2]!, body, send, res);
    return send(404, { error: { message: `Unknown path ${url.pathname}` } });
  }

  private record(
    api: Api,
    req: http.IncomingMessage,
    body: Record<string, unknown>,
    prompt: string,
  ): LlmRequest {
    const entry = { api, path: req.url ?? "", headers: req.headers, body, prompt, at: Date.now() };
    this.requests.push(entry);
    return entry;
  }

  private takeFailure(model: string): Failure | undefined {
    const i = this.failures.findIndex((f) => !f.model || f.model === model);
    return i === -1 ? undefined : this.failures.splice(i, 1)[0];
  }

  // ── OpenAI chat completions ────────────────────────────────────────────────
  private openai(
    req: http.IncomingMessage,
    body: Record<string, unknown>,
    send: (s: number, p: unknown, h?: Record<string, string>) => void,
    res: http.ServerResponse,
  ) {
    const bad = (message: string) =>
      send(400, { error: { message, type: "invalid_request_error", param: null, code: null } });
    const auth = req.headers.authorization;
    // Local OpenAI-compatible servers (Ollama) accept requests without any key.
    const keyless = auth === undefined && typeof body.model === "string" && body.model.startsWith("llama");
    if (!keyless && auth !== `Bearer ${this.keys.openai}`) {
      return send(401, {
        error: {
          // The real API echoes (a masked form of) the key; echo it whole, to prove redaction.
          message: `Incorrect API key provided: ${String(auth).replace(/^Bearer /, "")}.`,
          type: "invalid_request_error",
          code: "invalid_api_key",
        },
      });
    }
    if (typeof body.model !== "string") return bad("you must provide a model parameter");
    const messages = body.messages as Array<{ role?: string; content?: unknown }> | undefined;
    if (!Array.isArray(messages) || messages.length === 0) return bad("'messages' must be a non-empty array");
    for (const m of messages) {
      if (!["system", "user", "assistant", "developer"].includes(String(m.role)))
        return bad(`invalid role ${m.role}`);
      if (typeof m.content !== "string") return bad("message content must be a string here");
    }
    if (body.max_tokens !== undefined && body.max_completion_tokens !== undefined) {
      return bad("max_tokens and max_completion_tokens cannot both be set");
    }
    const format = body.response_format as
      { type?: string; json_schema?: { name?: string; schema?: unknown } } | undefined;
    if (
      format &&
      (format.type !== "json_schema" ||
        !format.json_schema?.name ||
        typeof format.json_schema.schema !== "object")
    ) {
      return bad("response_format.json_schema needs a name and a schema");
    }
    if (body.stream && !(body.stream_options as { include_usage?: boolean } | undefined)?.include_usage) {
      return bad("this test server insists on stream_options.include_usage (else usage is lost)");
    }
    const prompt = String([...messages].reverse().find((m) => m.role === "user")?.content ?? "");
    const entry = this.record("openai", req, body, prompt);
    if (this.stall) {
      res.on("close", () => (entry.abandonedAt = Date.now()));
      return;
    }
    const failure = this.takeFailure(body.model);
    if (failure)
      return send(
        failure.status,
        failure.body ?? { error: { message: "Rate limit reached", type: "requests" } },
        failure.headers,
      );
    const text = this.answer(entry);
    const promptTokens = LlmServer.tokens(messages.map((m) => String(m.content)).join("\n"));
    const completionTokens = LlmServer.tokens(text);
    const id = `chatcmpl-${Math.random().toString(36).slice(2, 12)}`;
    if (!body.stream) {
      return send(200, {
        id,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: `${body.model}-2024-07-18`,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: text, refusal: null },
            logprobs: null,
            finish_reason: "stop",
          },
        ],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        },
        system_fingerprint: "fp_test",
      });
    }
    const pieces = split(text);
    const events = [
      ...pieces.map((p, i) => ({
        id,
        object: "chat.completion.chunk",
        choices: [
          {
            index: 0,
            delta: i === 0 ? { role: "assistant", content: p } : { content: p },
            finish_reason: null,
          },
        ],
      })),
      { id, object: "chat.completion.chunk", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] },
      {
        id,
        object: "chat.completion.chunk",
        choices: [],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        },
      },
    ].map((e) => `data: ${JSON.stringify(e)}\n\n`);
    return this.stream(res, [...events, "data: [DONE]\n\n"]);
  }

  // ── Anthropic messages ─────────────────────────────────────────────────────
  private anthropic(
    req: http.IncomingMessage,
    body: Record<string, unknown>,
    send: (s: number, p: unknown, h?: Record<string, string>) => void,
    res: http.ServerResponse,
  ) {
    const error = (status: number, type: string, message: string) =>
      send(status, { type: "error", error: { type, message } });
    if (req.headers["x-api-key"] !== this.keys.anthropic)
      return error(401, "authentication_error", "invalid x-api-key");
    if (req.headers["anthropic-version"] !== "2023-06-01")
      return error(400, "invalid_request_error", "anthropic-version header is required");
    if (typeof body.model !== "string") return error(400, "invalid_request_error", "model: Field required");
    if (typeof body.max_tokens !== "number")
      return error(400, "invalid_request_error", "max_tokens: Field required");
    if (typeof body.temperature === "number" && body.temperature > 1) {
      return error(400, "invalid_request_error", "temperature: must be less than or equal to 1");
    }
    const messages = body.messages as Array<{ role?: string; content?: unknown }> | undefined;
    if (!Array.isArray(messages) || messages.length === 0)
      return error(400, "invalid_request_error", "messages: at least one message is required");
    if (messages.some((m) => m.role === "system")) {
      return error(
        400,
        "invalid_request_error",
        'messages: Unexpected role "system". Use the top-level system parameter',
      );
    }
    const texts: string[] = [];
    for (const m of messages) {
      if (
        !Array.isArray(m.content) ||
        !m.content.every(
          (b: { type?: string; text?: unknown }) => b.type === "text" && typeof b.text === "string",
        )
      ) {
        return error(400, "invalid_request_error", "messages.content: expected text content blocks");
      }
      texts.push(...(m.content as Array<{ text: string }>).map((b) => b.text));
    }
    const tools = body.tools as Array<{ name: string; input_schema?: { type?: string } }> | undefined;
    const choice = body.tool_choice as { type?: string; name?: string } | undefined;
    if (choice && !tools?.some((t) => t.name === choice.name && t.input_schema?.type === "object")) {
      return error(
        400,
        "invalid_request_error",
        "tool_choice names a tool that is not defined with an object input_schema",
      );
    }
    const lastUser = [...messages].reverse().find((m) => m.role === "user")!;
    const prompt = (lastUser.content as Array<{ text: string }>).map((b) => b.text).join("");
    const entry = this.record("anthropic", req, body, prompt);
    const failure = this.takeFailure(body.model);
    if (failure)
      return send(
        failure.status,
        failure.body ?? { type: "error", error: { type: "rate_limit_error", message: "rate limited" } },
        failure.headers,
      );
    const text = this.answer(entry);
    const usage = {
      input_tokens: LlmServer.tokens(texts.join("\n") + String(body.system ?? "")),
      output_tokens: LlmServer.tokens(text),
    };
    const id = `msg_${Math.random().toString(36).slice(2, 14)}`;
    const forced = choice?.type === "tool" ? choice.name : undefined;
    const content = forced
      ? [{ type: "tool_use", id: `toolu_${id.slice(4)}`, name: forced, input: JSON.parse(text) as unknown }]
      : [{ type: "text", text }];
    const stopReason = forced ? "tool_use" : "end_turn";
    if (!body.stream) {
      return send(200, {
        id,
        type: "message",
        role: "assistant",
        model: body.model,
        content,
        stop_reason: stopReason,
        stop_sequence: null,
        usage,
      });
    }
    const ev = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    return this.stream(res, [
      ev("message_start", {
        type: "message_start",
        message: {
          id,
          type: "message",
          role: "assistant",
          model: body.model,
          content: [],
          stop_reason: null,
          usage: { input_tokens: usage.input_tokens, output_tokens: 1 },
        },
      }),
      ev("content_block_start", {
        type: "content_block_start",
        index: 0,
        content_block: { type: "text", text: "" },
      }),
      ev("ping", { type: "ping" }),
      ...split(text).map((p) =>
        ev("content_block_delta", {
          type: "content_block_delta",
          index: 0,
          delta: { type: "text_delta", text: p },
        }),
      ),
      ev("content_block_stop", { type: "content_block_stop", index: 0 }),
      ev("message_delta", {
        type: "message_delta",
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: { output_tokens: usage.output_tokens },
      }),
      ev("message_stop", { type: "message_stop" }),
    ]);
  }

  // ── Gemini generateContent ─────────────────────────────────────────────────
  private gemini(
    req: http.IncomingMessage,
    url: URL,
    model: string,
    method: string,
    body: Record<string, unknown>,
    send: (s: number, p: unknown, h?: Record<string, string>) => void,
    res: http.ServerResponse,
  ) {
    const error = (status: number, reason: string, message: string) =>
      send(status, { error: { code: status, message, status: reason } });
    const key = req.headers["x-goog-api-key"] ?? url.searchParams.get("key");
    if (key !== this.keys.gemini)
      return error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.");
    if (method === "streamGenerateContent" && url.searchParams.get("alt") !== "sse") {
      return error(400, "INVALID_ARGUMENT", "this test server only streams with alt=sse");
    }
    const contents = body.contents as Array<{ role?: string; parts?: Array<{ text?: unknown }> }> | undefined;
    if (!Array.isArray(contents) || contents.length === 0)
      return error(400, "INVALID_ARGUMENT", "* GenerateContentRequest.contents: contents is not specified");
    for (const c of contents) {
      if (!["user", "model"].includes(String(c.role)))
        return error(400, "INVALID_ARGUMENT", `Please use a valid role: user, model.`);
      if (!Array.isArray(c.parts) || !c.parts.every((p) => typeof p.text === "string"))
        return error(400, "INVALID_ARGUMENT", "parts must carry text");
    }
    const config = (body.generationConfig ?? {}) as Record<string, unknown>;
    if (config.responseJsonSchema !== undefined && config.responseMimeType !== "application/json") {
      return error(400, "INVALID_ARGUMENT", "responseJsonSchema requires responseMimeType application/json");
    }
    const prompt = String(
      contents
        .at(-1)!
        .parts!.map((p) => p.text)
        .join(""),
    );
    const entry = this.record("gemini", req, body, prompt);
    const failure = this.takeFailure(model);
    if (failure)
      return send(
        failure.status,
        failure.body ?? {
          error: {
            code: failure.status,
            message: "Resource has been exhausted",
            status: "RESOURCE_EXHAUSTED",
          },
        },
        failure.headers,
      );
    const text = this.answer(entry);
    const promptTokenCount = LlmServer.tokens(
      contents.flatMap((c) => c.parts!.map((p) => String(p.text))).join("\n"),
    );
    const candidatesTokenCount = LlmServer.tokens(text);
    const usageMetadata = {
      promptTokenCount,
      candidatesTokenCount,
      totalTokenCount: promptTokenCount + candidatesTokenCount,
    };
    if (method === "generateContent") {
      return send(200, {
        candidates: [{ content: { parts: [{ text }], role: "model" }, finishReason: "STOP", index: 0 }],
        usageMetadata,
        modelVersion: model,
        responseId: "resp-test",
      });
    }
    const pieces = split(text);
    return this.stream(
      res,
      pieces.map((p, i) => {
        const last = i === pieces.length - 1;
        const so = LlmServer.tokens(pieces.slice(0, i + 1).join(""));
        return `data: ${JSON.stringify({
          candidates: [
            {
              content: { parts: [{ text: p }], role: "model" },
              ...(last ? { finishReason: "STOP" } : {}),
              index: 0,
            },
          ],
          usageMetadata: last
            ? usageMetadata
            : { promptTokenCount, candidatesTokenCount: so, totalTokenCount: promptTokenCount + so },
          modelVersion: model,
        })}\r\n\r\n`;
      }),
    );
  }

  private async stream(res: http.ServerResponse, events: string[]) {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    for (const e of events) {
      // Split mid-event now and then: parsers must cope with arbitrary chunk boundaries.
      const cut = Math.floor(e.length / 2);
      res.write(e.slice(0, cut));
      await new Promise((r) => setTimeout(r, 2));
      res.write(e.slice(cut));
      await new Promise((r) => setTimeout(r, this.chunkDelayMs));
    }
    res.end();
  }
}

function split(text: string): string[] {
  const words = text.split(/(?<=\s)/);
  return words.length ? words : [text];
}

import { describe, expect, test } from "vitest";
import { newStreamState, type ChatRequest } from "../types.ts";
import { anthropicAdapter } from "./anthropic.ts";
import { geminiAdapter, geminiRetryDelayMs } from "./gemini.ts";
import { openAiAdapter } from "./openai.ts";
import { retryAfter } from "../gateway.ts";
import { extractJson } from "../json-output.ts";

const req: ChatRequest = {
  model: "m",
  system: "sys",
  messages: [{ role: "user", content: "hi" }],
  temperature: 1.5,
  maxTokens: 100,
};
const conn = { baseUrl: "https://api.example.com/v1/", apiKey: "k" };

describe("OpenAI", () => {
  test("official API takes max_completion_tokens; compatible servers max_tokens; no key, no header", () => {
    const official = openAiAdapter(true).build(req, conn);
    expect(official.url).toBe("https://api.example.com/v1/chat/completions");
    expect(official.body).toMatchObject({
      max_completion_tokens: 100,
      messages: [{ role: "system" }, { role: "user" }],
    });
    const compat = openAiAdapter(false).build({ ...req, stream: true }, { ...conn, apiKey: "" });
    expect(compat.body).toMatchObject({
      max_tokens: 100,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(compat.headers.authorization).toBeUndefined();
  });

  test("stream chunks fold into text, finish reason and usage", () => {
    const a = openAiAdapter(true);
    const s = newStreamState();
    a.streamEvent(s, {
      data: JSON.stringify({ choices: [{ delta: { role: "assistant", content: "Hel" } }] }),
    });
    a.streamEvent(s, {
      data: JSON.stringify({ choices: [{ delta: { content: "lo" }, finish_reason: "length" }] }),
    });
    a.streamEvent(s, {
      data: JSON.stringify({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 2 } }),
    });
    a.streamEvent(s, { data: "[DONE]" });
    expect(s).toEqual({ text: "Hello", finishReason: "length", tokensIn: 5, tokensOut: 2, done: true });
  });

  test("a refusal is an error, not an empty answer", () => {
    expect(() =>
      openAiAdapter(true).parse({
        choices: [{ message: { content: null, refusal: "no" }, finish_reason: "stop" }],
      }),
    ).toThrow(/refused/);
  });
});

describe("Anthropic", () => {
  test("temperature clamped to 1; JSON schemas become a forced tool; tool input is the answer", () => {
    const wire = anthropicAdapter.build(
      { ...req, jsonSchema: { name: "answer", schema: { type: "object" } } },
      conn,
    );
    expect(wire.url).toBe("https://api.example.com/v1/v1/messages");
    expect(wire.headers).toMatchObject({ "x-api-key": "k", "anthropic-version": "2023-06-01" });
    expect(wire.body).toMatchObject({
      temperature: 1,
      system: "sys",
      tool_choice: { type: "tool", name: "respond" },
    });
    const parsed = anthropicAdapter.parse({
      content: [{ type: "tool_use", name: "respond", input: { a: 1 } }],
      stop_reason: "tool_use",
      usage: { input_tokens: 3, output_tokens: 4 },
    });
    expect(parsed).toEqual({ text: '{"a":1}', finishReason: "stop", tokensIn: 3, tokensOut: 4 });
  });
});

describe("Gemini", () => {
  test("roles, systemInstruction, responseJsonSchema, key in a header, thinking tokens billed", () => {
    const wire = geminiAdapter.build({ ...req, jsonSchema: { name: "a", schema: { type: "object" } } }, conn);
    expect(wire.url).toBe("https://api.example.com/v1/v1beta/models/m:generateContent");
    expect(wire.headers["x-goog-api-key"]).toBe("k");
    expect(wire.body).toMatchObject({
      systemInstruction: { parts: [{ text: "sys" }] },
      generationConfig: { responseMimeType: "application/json", responseJsonSchema: { type: "object" } },
    });
    expect(
      geminiAdapter.parse({
        candidates: [
          {
            content: { parts: [{ text: "think", thought: true }, { text: "ok" }] },
            finishReason: "MAX_TOKENS",
          },
        ],
        usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 3, thoughtsTokenCount: 10 },
      }),
    ).toEqual({ text: "ok", finishReason: "length", tokensIn: 2, tokensOut: 13 });
    expect(
      geminiRetryDelayMs({
        error: { details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "13s" }] },
      }),
    ).toBe(13_000);
  });
});

test("Retry-After in seconds, as a date, and OpenAI's retry-after-ms", () => {
  expect(retryAfter({ "retry-after": "2" })).toBe(2000);
  expect(retryAfter({ "retry-after-ms": "350", "retry-after": "1" })).toBe(350);
  const inFive = new Date(Date.now() + 5000).toUTCString();
  expect(retryAfter({ "retry-after": inFive })).toBeGreaterThan(3000);
  expect(retryAfter({})).toBeUndefined();
});

test("JSON is found inside fences and prose", () => {
  expect(extractJson('```json\n{"a":1}\n```')).toBe('{"a":1}');
  expect(extractJson('Sure! {"a":[1]} hope that helps')).toBe('{"a":[1]}');
  expect(extractJson("[1,2]")).toBe("[1,2]");
});

import { afterAll, beforeAll, expect, test } from "vitest";
import { withWorkspace } from "@weft/db";
import { runWorkflowId } from "@weft/schema";
import { createHarness, type Harness } from "./testing/harness.ts";
import { LlmServer } from "./testing/llm-server.ts";
import { putProvider, putSecret, setWorkspaceLlm } from "./testing/workspace-setup.ts";
import { startWorker, type RunningWorker } from "./worker.ts";

/**
 * The LLM gateway end to end: real Postgres, real Temporal, real workers (started here with a
 * 2-second rate-limit window), and a local server speaking each provider's wire format.
 */
const WINDOW_MS = 2_000;
const FAST = { maxAttempts: 3, initialIntervalMs: 100, backoff: 1 };
let h: Harness;
let llm: LlmServer;
const workers: RunningWorker[] = [];

beforeAll(async () => {
  [h, llm] = await Promise.all([createHarness({ worker: false }), new LlmServer().start()]);
  workers.push(await startWorker({ ...h.workerEnv, WEFT_LLM_RATE_WINDOW_MS: WINDOW_MS }));
  await putSecret(h, "OPENAI_KEY", llm.keys.openai);
  await putSecret(h, "ANTHROPIC_KEY", llm.keys.anthropic);
  await putSecret(h, "GEMINI_KEY", llm.keys.gemini);
  await putProvider(h, { provider: "openai", secretName: "OPENAI_KEY", baseUrl: `${llm.origin}/v1` });
  await putProvider(h, { provider: "anthropic", secretName: "ANTHROPIC_KEY", baseUrl: llm.origin });
  await putProvider(h, { provider: "google", secretName: "GEMINI_KEY", baseUrl: llm.origin });
});
afterAll(async () => {
  for (const w of workers) await w.shutdown();
  await h?.close();
  await llm?.stop();
});

const graph = (nodes: unknown[], edges: unknown[] = [], inputs: Record<string, unknown> = {}) => ({
  version: 1,
  inputs,
  nodes,
  edges,
});
const price = (tokensIn: number, tokensOut: number, input: number, output: number) =>
  Math.round(((tokensIn * input + tokensOut * output) / 1e6) * 1e8) / 1e8;

async function runGraph(
  nodes: unknown[],
  input: Record<string, unknown> = {},
  inputs: Record<string, unknown> = {},
) {
  const agent = await h.createAgent(graph(nodes, [], inputs));
  return h.finish(await h.startRun(agent, input));
}

async function usageRow(model: string) {
  const rows = await h.admin.usageRecord.findMany({ where: { workspaceId: h.workspaceId, model } });
  return rows.reduce(
    (t, r) => ({
      runs: t.runs + r.runs,
      succeeded: t.succeeded + r.succeeded,
      failed: t.failed + r.failed,
      tokensIn: t.tokensIn + r.tokensIn,
      tokensOut: t.tokensOut + r.tokensOut,
      costUsd: t.costUsd + Number(r.costUsd),
    }),
    { runs: 0, succeeded: 0, failed: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 },
  );
}

test("OpenAI: chat completions wire format; tokens and cost on the NodeRun, the Run and UsageRecord", async () => {
  const before = await usageRow("openai/gpt-4o-mini");
  const { run, nodes, events } = await runGraph(
    [
      {
        id: "gen",
        type: "llm.generate",
        config: {
          model: "openai/gpt-4o-mini",
          system: "Be brief.",
          prompt: "Summarise {{input.topic}}",
          maxTokens: 300,
        },
      },
    ],
    { topic: "Temporal workflows" },
    { topic: { type: "string" } },
  );
  expect(run.status).toBe("SUCCEEDED");
  const req = llm.requests.at(-1)!;
  expect(req.path).toBe("/v1/chat/completions");
  expect(req.headers.authorization).toBe(`Bearer ${llm.keys.openai}`);
  expect(req.body).toMatchObject({
    model: "gpt-4o-mini",
    max_completion_tokens: 300,
    temperature: 0.7,
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Summarise Temporal workflows" },
    ],
  });
  const tokensIn = LlmServer.tokens("Be brief.\nSummarise Temporal workflows");
  const text = "Summary: 28 characters were read.";
  const tokensOut = LlmServer.tokens(text);
  const cost = price(tokensIn, tokensOut, 0.15, 0.6);
  const gen = nodes.gen!;
  expect(gen.output).toEqual({
    text,
    model: "openai/gpt-4o-mini",
    finishReason: "stop",
    usage: { tokensIn, tokensOut, costUsd: cost },
  });
  expect([gen.tokensIn, gen.tokensOut, Number(gen.costUsd)]).toEqual([tokensIn, tokensOut, cost]);
  expect([run.tokensIn, run.tokensOut, Number(run.costUsd)]).toEqual([tokensIn, tokensOut, cost]);
  const calls = await h.admin.llmCall.findMany({ where: { runId: run.id } });
  expect(calls).toHaveLength(1);
  expect(calls[0]).toMatchObject({
    status: "OK",
    provider: "openai",
    model: "openai/gpt-4o-mini",
    nodeId: "gen",
  });
  const after = await usageRow("openai/gpt-4o-mini");
  expect(after.runs - before.runs).toBe(1);
  expect(after.succeeded - before.succeeded).toBe(1);
  expect(after.tokensIn - before.tokensIn).toBe(tokensIn);
  expect(after.costUsd - before.costUsd).toBeCloseTo(cost, 8);
  // The API key the gateway fetched itself is redacted like a template secret.
  expect(JSON.stringify({ nodes, events })).not.toContain(llm.keys.openai);
  expect(gen.logs.join("\n")).toMatch(/openai\/gpt-4o-mini: \d+ in \/ \d+ out tokens/);
});

test("Anthropic: messages API with content blocks; structured output via a forced tool; classify", async () => {
  llm.answer = (req) =>
    req.prompt.includes("crashes")
      ? JSON.stringify({ label: "bug" })
      : JSON.stringify({ title: "Hello", score: 3 });
  try {
    const { run, nodes } = await runGraph([
      {
        id: "extract",
        type: "llm.structured",
        config: {
          model: "anthropic/claude-haiku-4-5",
          prompt: "Extract the title from: Hello world",
          jsonSchema: {
            type: "object",
            properties: { title: { type: "string" }, score: { type: "integer", minimum: 0 } },
            required: ["title", "score"],
          },
        },
      },
      {
        id: "triage",
        type: "llm.classify",
        config: {
          model: "anthropic/claude-haiku-4-5",
          text: "The app crashes on start",
          labels: ["bug", "feature", "question"],
        },
      },
    ]);
    expect(run.status).toBe("SUCCEEDED");
    expect(nodes.extract!.output).toMatchObject({
      data: { title: "Hello", score: 3 },
      model: "anthropic/claude-haiku-4-5",
    });
    expect(nodes.triage!.output).toMatchObject({ label: "bug" });
    const reqs = llm.requests.filter((r) => r.api === "anthropic").slice(-2);
    for (const r of reqs) {
      expect(r.path).toBe("/v1/messages");
      expect(r.headers["x-api-key"]).toBe(llm.keys.anthropic);
      expect(r.headers["anthropic-version"]).toBe("2023-06-01");
      expect(r.body.tool_choice).toEqual({ type: "tool", name: "respond" });
    }
    const classify = reqs.find((r) => r.prompt.includes("crashes"))!;
    expect((classify.body.tools as Array<{ input_schema: unknown }>)[0]!.input_schema).toMatchObject({
      properties: { label: { enum: ["bug", "feature", "question"] } },
    });
    expect(String(classify.body.system)).toContain("Choose exactly one label");
    const cost = Number(nodes.extract!.costUsd) + Number(nodes.triage!.costUsd);
    expect(Number(nodes.extract!.costUsd)).toBe(
      price(nodes.extract!.tokensIn, nodes.extract!.tokensOut, 1, 5),
    );
    expect(Number(run.costUsd)).toBeCloseTo(cost, 8);
  } finally {
    llm.answer = new LlmServer().answer;
  }
});

test("streaming (Gemini, OpenAI, Anthropic SSE): partial output as throttled node.output.delta events", async () => {
  const long = Array.from({ length: 30 }, (_, i) => `word${i}`).join(" ");
  llm.answer = () => long;
  try {
    const started = Date.now();
    const common = { prompt: "Write thirty words", stream: true };
    const { run, nodes, events } = await runGraph([
      { id: "g", type: "llm.generate", config: { model: "google/gemini-2.5-flash", ...common } },
      { id: "o", type: "llm.generate", config: { model: "openai/gpt-4o-mini", ...common } },
      { id: "a", type: "llm.generate", config: { model: "anthropic/claude-sonnet-4", ...common } },
    ]);
    const elapsed = Date.now() - started;
    expect(run.status).toBe("SUCCEEDED");
    const gemini = llm.requests.filter((r) => r.api === "gemini").at(-1)!;
    expect(gemini.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    expect(gemini.headers["x-goog-api-key"]).toBe(llm.keys.gemini);
    expect(gemini.body).toMatchObject({
      contents: [{ role: "user", parts: [{ text: "Write thirty words" }] }],
      generationConfig: { maxOutputTokens: 1024, temperature: 0.7 },
    });
    for (const id of ["g", "o", "a"]) {
      const node = nodes[id]!;
      expect((node.output as { text: string }).text).toBe(long);
      expect(node.tokensOut).toBe(LlmServer.tokens(long));
      expect(node.tokensIn).toBeGreaterThan(0);
      const deltas = events.filter((e) => e.type === "node.output.delta" && e.nodeId === id);
      const data = deltas.map((e) => e.data as { delta: string; offset: number });
      // Contiguous pieces that add up to the final text...
      expect(data.map((d) => d.delta).join("")).toBe(long);
      let offset = 0;
      for (const d of data) {
        expect(d.offset).toBe(offset);
        offset += d.delta.length;
      }
      // ...written at most every ~250 ms (30 chunks * 60 ms ≈ 1.8 s of streaming).
      expect(deltas.length).toBeGreaterThanOrEqual(3);
      expect(deltas.length).toBeLessThanOrEqual(Math.ceil(elapsed / 250) + 1);
      for (let i = 1; i < deltas.length - 1; i++) {
        expect(deltas[i]!.at.getTime() - deltas[i - 1]!.at.getTime()).toBeGreaterThanOrEqual(200);
      }
    }
  } finally {
    llm.answer = new LlmServer().answer;
  }
});

test("OpenAI-compatible server by base URL (Ollama): no key, workspace default model, free", async () => {
  await putProvider(h, {
    provider: "ollama",
    secretName: "OLLAMA_KEY_UNSET",
    baseUrl: `${llm.origin}/v1`,
    defaultModel: "llama3.2",
  });
  try {
    const { run, nodes } = await runGraph([
      { id: "local", type: "llm.generate", config: { prompt: "Hi there" } },
    ]);
    expect(run.status).toBe("SUCCEEDED");
    const req = llm.requests.at(-1)!;
    expect(req.headers.authorization).toBeUndefined();
    expect(req.body).toMatchObject({ model: "llama3.2", max_tokens: 1024 });
    expect(req.body.max_completion_tokens).toBeUndefined();
    expect(nodes.local!.output).toMatchObject({ model: "ollama/llama3.2" });
    expect(nodes.local!.tokensIn).toBeGreaterThan(0);
    expect(Number(nodes.local!.costUsd)).toBe(0);
  } finally {
    await withWorkspace(h.admin, h.workspaceId, (tx) =>
      tx.provider.deleteMany({ where: { provider: "ollama" } }),
    );
  }
});

test("structured output: an invalid answer gets one repair turn; both calls are paid for", async () => {
  let n = 0;
  llm.answer = () => (++n === 1 ? 'Sure! Here it is: {"title": 42' : '{"title": "Fixed"}');
  try {
    const { run, nodes } = await runGraph([
      {
        id: "s",
        type: "llm.structured",
        config: {
          model: "openai/gpt-4o-mini",
          prompt: "Give me a title",
          jsonSchema: { type: "object", properties: { title: { type: "string" } }, required: ["title"] },
        },
      },
    ]);
    expect(run.status).toBe("SUCCEEDED");
    expect(nodes.s!.output).toMatchObject({ data: { title: "Fixed" } });
    const [first, repair] = llm.requests.slice(-2);
    expect(first!.body.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "answer" },
    });
    const messages = repair!.body.messages as Array<{ role: string; content: string }>;
    expect(messages.at(-2)).toEqual({ role: "assistant", content: 'Sure! Here it is: {"title": 42' });
    expect(messages.at(-1)!.content).toMatch(/That answer is invalid: not valid JSON/);
    const calls = await h.admin.llmCall.findMany({ where: { runId: run.id } });
    expect(calls).toHaveLength(2);
    expect(nodes.s!.tokensIn).toBe(calls[0]!.tokensIn + calls[1]!.tokensIn);
    expect(run.tokensOut).toBe(calls[0]!.tokensOut + calls[1]!.tokensOut);
  } finally {
    llm.answer = new LlmServer().answer;
  }
});

test("a provider 429 with Retry-After: the next attempt waits what the provider asked", async () => {
  llm.failures.push({
    status: 429,
    model: "gpt-4o-mini",
    headers: { "retry-after": "2", "x-ratelimit-remaining-requests": "0" },
    body: {
      error: {
        message: "Rate limit reached for gpt-4o-mini on requests per min (RPM)",
        type: "requests",
        code: "rate_limit_exceeded",
      },
    },
  });
  const { run, nodes } = await runGraph([
    {
      id: "r",
      type: "llm.generate",
      config: { model: "openai/gpt-4o-mini", prompt: "retry me" },
      retry: FAST,
    },
  ]);
  expect(run.status).toBe("SUCCEEDED");
  const [limited, ok] = llm.requests.slice(-2);
  // The node's own policy says 100 ms; the provider said 2 s, and that wins.
  expect(ok!.at - limited!.at).toBeGreaterThanOrEqual(1_900);
  expect(nodes.r!.failedAttempts).toBe(1);
  const calls = await h.admin.llmCall.findMany({ where: { runId: run.id }, orderBy: { startedAt: "asc" } });
  expect(calls.map((c) => c.status)).toEqual(["ERROR", "OK"]);
});

test("fallback chain: an overloaded provider hands over to the next model within the attempt", async () => {
  llm.failures.push({
    status: 529,
    model: "claude-sonnet-4",
    body: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
  });
  const { run, nodes } = await runGraph([
    {
      id: "f",
      type: "llm.generate",
      config: {
        model: "anthropic/claude-sonnet-4",
        fallbackModels: ["openai/gpt-4o-mini"],
        prompt: "anyone there?",
      },
      retry: FAST,
    },
  ]);
  expect(run.status).toBe("SUCCEEDED");
  expect(nodes.f!.output).toMatchObject({ model: "openai/gpt-4o-mini" });
  expect(nodes.f!.failedAttempts).toBe(0);
  expect(nodes.f!.logs.join("\n")).toContain("falling back to openai/gpt-4o-mini");
});

test("an unconfigured provider fails at once, non-retryable, saying how to fix it", async () => {
  const count = llm.requests.length;
  const { run, nodes } = await runGraph([
    {
      id: "m",
      type: "llm.generate",
      config: { model: "mistral/mistral-large-latest", prompt: "hi" },
      retry: FAST,
    },
  ]);
  expect(run.status).toBe("FAILED");
  expect(nodes.m!.error).toBe(
    'No provider "mistral" is configured for this workspace: add one under Settings → Providers (setProvider) with a secret holding its API key',
  );
  expect(nodes.m!.failedAttempts).toBe(1);
  expect(llm.requests.length).toBe(count);
});

test("a rejected API key fails without retrying, and the key the provider echoes back is redacted", async () => {
  const wrongKey = "sk-wrong-key-0b5e9d";
  await putSecret(h, "GROQ_KEY", wrongKey);
  await putProvider(h, { provider: "groq", secretName: "GROQ_KEY", baseUrl: `${llm.origin}/v1` });
  const { run, nodes, events } = await runGraph([
    {
      id: "k",
      type: "llm.generate",
      config: { model: "groq/llama-3.1-8b-instant", prompt: "hi" },
      retry: FAST,
    },
  ]);
  expect(run.status).toBe("FAILED");
  expect(nodes.k!.error).toContain("refused the API key (401): Incorrect API key provided: [REDACTED].");
  expect(nodes.k!.failedAttempts).toBe(1);
  const history = JSON.stringify(await h.client.workflow.getHandle(runWorkflowId(run.id)).fetchHistory());
  expect(JSON.stringify({ nodes, events, run }) + history).not.toContain(wrongKey);
});

test("monthly budget: once spent, LLM nodes fail non-retryable with BUDGET_EXCEEDED", async () => {
  const spent = await h.admin.llmCall.aggregate({
    _sum: { costUsd: true },
    where: { workspaceId: h.workspaceId },
  });
  // Just above what was spent so far: the next call fits, and crosses the line.
  await setWorkspaceLlm(h, { monthlyBudgetUsd: Number(spent._sum.costUsd ?? 0) + 0.000001 });
  try {
    const node = {
      id: "b",
      type: "llm.generate",
      config: { model: "openai/gpt-4o-mini", prompt: "spend" },
      retry: FAST,
    };
    const first = await runGraph([node]);
    expect(first.run.status).toBe("SUCCEEDED");
    const count = llm.requests.length;
    const second = await runGraph([node]);
    expect(second.run.status).toBe("FAILED");
    expect(second.nodes.b!.error).toMatch(/monthly LLM budget of \$0\.00 is used up/);
    expect(second.nodes.b!.failedAttempts).toBe(1);
    expect(llm.requests.length).toBe(count);
    const history = await h.client.workflow.getHandle(runWorkflowId(second.run.id)).fetchHistory();
    const failure = history.events?.find(
      (e) => e.activityTaskFailedEventAttributes,
    )?.activityTaskFailedEventAttributes;
    expect(failure?.failure?.applicationFailureInfo).toMatchObject({
      type: "BUDGET_EXCEEDED",
      nonRetryable: true,
    });
    const usage = await usageRow("none");
    expect(usage.failed).toBeGreaterThanOrEqual(1);
  } finally {
    await setWorkspaceLlm(h, { monthlyBudgetUsd: null });
  }
});

test("rate limits hold across two worker processes' activities sharing only Postgres", async () => {
  // A second worker: its own Prisma pool, HTTP client and activity instances, same task queue.
  workers.push(
    await startWorker({
      ...h.workerEnv,
      WEFT_LLM_RATE_WINDOW_MS: WINDOW_MS,
      WORKER_ID: `${h.workerEnv.WORKER_ID}-b`,
    }),
  );
  await putProvider(h, {
    provider: "vllm",
    secretName: "OPENAI_KEY",
    baseUrl: `${llm.origin}/v1`,
    requestsPerMinute: 2,
  });
  const agent = await h.createAgent(
    graph([{ id: "q", type: "llm.generate", config: { model: "vllm/qwen2.5", prompt: "rate me" } }]),
  );
  const started = Date.now();
  const runIds = await Promise.all(Array.from({ length: 6 }, () => h.startRun(agent)));
  const results = await Promise.all(runIds.map((id) => h.finish(id)));
  const elapsed = Date.now() - started;
  expect(results.map((r) => r.run.status)).toEqual(Array(6).fill("SUCCEEDED"));

  // No window of WINDOW_MS holds more than 2 requests: by the limiter's own clock (Postgres)...
  const calls = await h.admin.llmCall.findMany({
    where: { provider: "vllm" },
    orderBy: { startedAt: "asc" },
  });
  const starts = calls.map((c) => c.startedAt.getTime());
  expect(starts).toHaveLength(6);
  for (let i = 2; i < starts.length; i++)
    expect(starts[i]! - starts[i - 2]!).toBeGreaterThanOrEqual(WINDOW_MS);
  // ...and as the provider saw them arrive (less the jitter between taking a slot and sending).
  const arrivals = llm.requests.filter((r) => r.body.model === "qwen2.5").map((r) => r.at);
  for (let i = 2; i < arrivals.length; i++)
    expect(arrivals[i]! - arrivals[i - 2]!).toBeGreaterThanOrEqual(WINDOW_MS - 150);
  expect(elapsed).toBeGreaterThanOrEqual(2 * WINDOW_MS);
  // Both workers ran LLM nodes.
  const identities = new Set<string>();
  for (const id of runIds) {
    const history = await h.client.workflow.getHandle(runWorkflowId(id)).fetchHistory();
    for (const e of history.events ?? []) {
      const started = e.activityTaskStartedEventAttributes;
      if (started?.identity) identities.add(started.identity);
    }
  }
  expect(identities.size).toBe(2);
  console.log(
    `[rate-limit] 6 calls at 2 per ${WINDOW_MS} ms across 2 workers took ${elapsed} ms; starts +${starts.map((s) => s - starts[0]!).join(", +")} ms`,
  );
});

test("tokens per minute: a window never holds more tokens than the limit", async () => {
  // Each answer is ~500 tokens; with 1200 tokens per window at most two calls fit.
  llm.answer = () => "lorem ".repeat(330).trim();
  await putProvider(h, {
    provider: "lmstudio",
    secretName: "OPENAI_KEY",
    baseUrl: `${llm.origin}/v1`,
    tokensPerMinute: 1200,
  });
  try {
    const agent = await h.createAgent(
      graph([
        {
          id: "t",
          type: "llm.generate",
          config: { model: "lmstudio/phi-4", prompt: "long", maxTokens: 500 },
        },
      ]),
    );
    const runIds = await Promise.all(Array.from({ length: 4 }, () => h.startRun(agent)));
    const results = await Promise.all(runIds.map((id) => h.finish(id)));
    expect(results.map((r) => r.run.status)).toEqual(Array(4).fill("SUCCEEDED"));
    const calls = await h.admin.llmCall.findMany({
      where: { provider: "lmstudio" },
      orderBy: { startedAt: "asc" },
    });
    expect(calls).toHaveLength(4);
    for (const c of calls) {
      const inWindow = calls.filter(
        (o) =>
          o.startedAt.getTime() >= c.startedAt.getTime() &&
          o.startedAt.getTime() < c.startedAt.getTime() + WINDOW_MS,
      );
      expect(inWindow.reduce((t, o) => t + o.tokensIn + o.tokensOut, 0)).toBeLessThanOrEqual(1200);
    }
  } finally {
    llm.answer = new LlmServer().answer;
  }
});

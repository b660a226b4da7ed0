import { NodeFailure, classifyError } from "../errors.ts";
import type { SafeResponse } from "../http/safe-fetch.ts";
import type { NodeContext } from "../nodes/types.ts";
import { deltaStream } from "./deltas.ts";
import { assertWithinBudget, reserveCall, settleCall } from "./ledger.ts";
import { costUsd, priceFor } from "./prices.ts";
import { geminiRetryDelayMs } from "./providers/gemini.ts";
import { providerKind } from "./providers/index.ts";
import {
  loadLlmSettings,
  parseModel,
  providerSettings,
  resolveModel,
  type LlmSettings,
  type ModelRef,
} from "./settings.ts";
import { SseParser } from "./sse.ts";
import { ProviderProtocolError, newStreamState, type ChatRequest, type ChatResult } from "./types.ts";

const DEFAULT_WINDOW_MS = 60_000;
/** Per HTTP read; the node's own timeout (ctx.signal) is what bounds a whole call. */
const HTTP_TIMEOUT_MS = 10 * 60_000;

export interface CompleteOptions {
  /** "provider/model"; absent: the workspace default. */
  model?: string;
  /** Tried in order when a model's provider is rate-limited, overloaded or unreachable. */
  fallbackModels?: string[];
  request: Omit<ChatRequest, "model">;
}

export interface LlmAnswer extends ChatResult {
  /** "provider/model" that answered. */
  model: string;
  costUsd: number;
}

/**
 * The LLM gateway: one chat completion for a node, whichever provider serves it. Per request:
 * budget check, a slot under the workspace's shared rate limits (an LlmCall row), the provider's
 * wire format through the SSRF-safe client (streamed into throttled RunEvents when asked), then
 * the ledger row is settled with real token counts and cost. Retryable provider trouble moves on
 * to the next fallback model; when none is left the last failure goes to Temporal (with the
 * provider's Retry-After as the next retry's delay).
 */
export async function complete(ctx: NodeContext<unknown>, opts: CompleteOptions): Promise<LlmAnswer> {
  const settings = await loadLlmSettings(ctx.deps, ctx.workspaceId);
  const chain = [resolveModel(opts.model, settings), ...(opts.fallbackModels ?? []).map(parseModel)];
  let lastError: unknown;
  for (const [i, model] of chain.entries()) {
    try {
      return await callModel(ctx, settings, model, opts.request);
    } catch (err) {
      lastError = err;
      const next = chain[i + 1];
      // Only trouble another provider could avoid (429, 5xx, network); config errors surface as is.
      const canFallBack = !ctx.signal.aborted && classifyError(err).retryable;
      if (!next || !canFallBack) throw err;
      ctx.log(`${model.id} failed (${(err as Error).message}); falling back to ${next.id}`);
    }
  }
  throw lastError;
}

async function callModel(
  ctx: NodeContext<unknown>,
  settings: LlmSettings,
  model: ModelRef,
  request: Omit<ChatRequest, "model">,
): Promise<LlmAnswer> {
  const provider = providerSettings(settings, model.provider);
  const kind = providerKind(model.provider);
  const baseUrl = provider.baseUrl ?? kind.defaultBaseUrl;
  if (!baseUrl) {
    throw new NodeFailure(
      `provider "${model.provider}" is OpenAI-compatible but has no base URL: set one under Settings → Providers`,
      false,
      "PROVIDER_NOT_CONFIGURED",
    );
  }
  const apiKey = await ctx.deps.secrets(ctx.workspaceId, provider.secretName);
  if (apiKey === undefined && !kind.keyOptional) {
    throw new NodeFailure(
      `secret "${provider.secretName}" (the API key of provider "${model.provider}") does not exist in this workspace`,
      false,
      "MISSING_SECRET",
    );
  }
  if (apiKey) ctx.addSecret(apiKey);
  await assertWithinBudget(ctx.deps, ctx.workspaceId, settings.budgetUsd);

  const full: ChatRequest = { ...request, model: model.name };
  const wire = kind.adapter.build(full, { baseUrl, apiKey: apiKey ?? "" });
  const body = JSON.stringify(wire.body);
  const callId = await reserveCall(ctx.deps, {
    workspaceId: ctx.workspaceId,
    runId: ctx.runId,
    nodeId: ctx.nodeId,
    provider: model.provider,
    model: model.id,
    // ~4 characters per token is the usual rule of thumb for English; good enough for a reservation.
    estimatedTokens: Math.ceil(body.length / 4) + request.maxTokens,
    limits: { requestsPerMinute: provider.requestsPerMinute, tokensPerMinute: provider.tokensPerMinute },
    windowMs: ctx.deps.llm?.rateLimitWindowMs ?? DEFAULT_WINDOW_MS,
    signal: ctx.signal,
    log: ctx.log,
  });

  const started = Date.now();
  let result: ChatResult;
  try {
    result = request.stream
      ? await streamed(ctx, kind.adapter, wire, body)
      : await plain(ctx, kind.adapter, wire, body);
  } catch (err) {
    await settleCall(ctx.deps, ctx.workspaceId, callId, { ok: false, tokensIn: 0, tokensOut: 0, costUsd: 0 });
    throw err;
  }
  const price = priceFor(model.id, settings.priceOverrides);
  const cost = costUsd(price, result.tokensIn, result.tokensOut);
  await settleCall(ctx.deps, ctx.workspaceId, callId, {
    ok: true,
    tokensIn: result.tokensIn,
    tokensOut: result.tokensOut,
    costUsd: cost,
  });
  ctx.reportUsage({ tokensIn: result.tokensIn, tokensOut: result.tokensOut, costUsd: cost });
  ctx.log(
    `${model.id}: ${result.tokensIn} in / ${result.tokensOut} out tokens, $${cost.toFixed(6)}, ${Date.now() - started} ms` +
      (price
        ? ""
        : " (no price known for this model: cost counted as 0; set one in the workspace's LLM prices)"),
  );
  return { ...result, model: model.id, costUsd: cost };
}

type Adapter = ReturnType<typeof providerKind>["adapter"];

async function plain(
  ctx: NodeContext<unknown>,
  adapter: Adapter,
  wire: { url: string; headers: Record<string, string> },
  body: string,
) {
  const res = await send(ctx, wire, body);
  if (res.status !== 200) throw httpFailure(res, adapter);
  try {
    return adapter.parse(JSON.parse(res.body.toString("utf8")));
  } catch (err) {
    throw protocolFailure(err);
  }
}

async function streamed(
  ctx: NodeContext<unknown>,
  adapter: Adapter,
  wire: { url: string; headers: Record<string, string> },
  body: string,
) {
  const parser = new SseParser();
  const state = newStreamState();
  const deltas = deltaStream(ctx);
  let streamError: unknown;
  const onEvents = (events: Array<{ event?: string; data: string }>) => {
    for (const e of events) {
      if (streamError) return;
      try {
        const text = adapter.streamEvent(state, e);
        if (text) deltas.push(text);
      } catch (err) {
        streamError = err;
      }
    }
  };
  let res: SafeResponse;
  try {
    res = await send(ctx, wire, body, (chunk, status) => {
      if (status === 200) onEvents(parser.push(chunk));
    });
    if (res.status === 200) onEvents(parser.end());
  } finally {
    await deltas.close();
  }
  if (res.status !== 200) throw httpFailure(res, adapter);
  if (streamError) throw protocolFailure(streamError);
  return {
    text: state.text,
    finishReason: state.finishReason,
    tokensIn: state.tokensIn,
    tokensOut: state.tokensOut,
  };
}

function send(
  ctx: NodeContext<unknown>,
  wire: { url: string; headers: Record<string, string> },
  body: string,
  onChunk?: (chunk: Buffer, status: number) => void,
): Promise<SafeResponse> {
  return ctx.deps.http.fetch(wire.url, {
    method: "POST",
    headers: { "user-agent": "Weft/1.0 (+https://weft.dev)", ...wire.headers },
    body,
    timeoutMs: HTTP_TIMEOUT_MS,
    followRedirects: false,
    signal: ctx.signal,
    ...(onChunk ? { onChunk } : {}),
  });
}

function protocolFailure(err: unknown): NodeFailure {
  const message = err instanceof Error ? err.message : String(err);
  // A malformed body from a healthy-looking 200 is usually a proxy or an overloaded server.
  return new NodeFailure(
    `the provider's answer could not be read: ${message}`,
    !(err instanceof ProviderProtocolError),
    "PROVIDER_BAD_RESPONSE",
  );
}

/** Overloaded (Anthropic's 529), gateway and server errors are worth another attempt. */
function httpFailure(res: SafeResponse, adapter: Adapter): NodeFailure {
  const text = res.body.toString("utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const detail = (parsed !== undefined ? adapter.errorMessage(parsed) : undefined) ?? text.slice(0, 300);
  const where = new URL(res.url).host;
  if (res.status === 429) {
    const retryAfterMs = retryAfter(res.headers) ?? geminiRetryDelayMs(parsed);
    return new NodeFailure(
      `${where} is rate-limiting this workspace (429${retryAfterMs !== undefined ? `, retry after ${retryAfterMs} ms` : ""}): ${detail}`,
      true,
      "PROVIDER_RATE_LIMITED",
      undefined,
      retryAfterMs,
    );
  }
  if (res.status === 401 || res.status === 403) {
    return new NodeFailure(
      `${where} refused the API key (${res.status}): ${detail}. Check the secret named by the provider settings.`,
      false,
      "PROVIDER_AUTH",
    );
  }
  const retryable = res.status >= 500 || res.status === 408 || res.status === 409;
  return new NodeFailure(
    `${where} answered ${res.status}: ${detail}`,
    retryable,
    retryable ? "PROVIDER_UNAVAILABLE" : "PROVIDER_REJECTED",
    undefined,
    retryable ? retryAfter(res.headers) : undefined,
  );
}

/** `retry-after-ms` (OpenAI), `retry-after` in seconds or as an HTTP date. */
export function retryAfter(headers: Record<string, string>): number | undefined {
  const ms = Number(headers["retry-after-ms"]);
  if (headers["retry-after-ms"] && Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const raw = headers["retry-after"];
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

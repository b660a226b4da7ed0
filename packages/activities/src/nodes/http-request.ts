import type { HttpRequestConfig } from "@weft/schema";
import { NodeFailure } from "../errors.ts";
import type { NodeImplementation } from "./types.ts";

/** Retrying these can succeed: timeouts, "too early", rate limits. Other 4xx would fail the same way. */
const RETRYABLE_4XX = new Set([408, 425, 429]);
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const httpRequest: NodeImplementation<HttpRequestConfig> = async (ctx) => {
  const { config } = ctx;
  const url = new URL(config.url);
  for (const [k, v] of Object.entries(config.query)) url.searchParams.append(k, String(v));

  const headers: Record<string, string> = { "user-agent": "Weft/1.0 (+https://weft.dev)", ...config.headers };
  let body: string | undefined;
  if (config.body !== undefined && config.body !== null) {
    if (typeof config.body === "string") body = config.body;
    else {
      body = JSON.stringify(config.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
        headers["content-type"] = "application/json";
    }
  }
  if (
    !SAFE_METHODS.has(config.method) &&
    !Object.keys(headers).some((h) => h.toLowerCase() === "idempotency-key")
  ) {
    headers["idempotency-key"] = ctx.idempotencyKey;
  }

  const started = Date.now();
  const res = await ctx.deps.http.fetch(url.href, {
    method: config.method,
    headers,
    body,
    timeoutMs: config.timeoutMs,
    followRedirects: config.followRedirects,
    signal: ctx.signal,
  });
  ctx.log(`${config.method} ${url.origin}${url.pathname} → ${res.status} in ${Date.now() - started} ms`);

  const text = res.body.toString("utf8");
  const contentType = res.headers["content-type"] ?? "";
  let parsed: unknown = text;
  if (/\bjson\b/i.test(contentType) && text.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  const output = { status: res.status, headers: res.headers, body: parsed, url: res.url };

  const expected = config.expectStatus === undefined ? null : [config.expectStatus].flat();
  const ok = expected ? expected.includes(res.status) : res.status < 400;
  if (!ok) {
    const retryable = res.status >= 500 || RETRYABLE_4XX.has(res.status);
    const snippet = text.slice(0, 300);
    throw new NodeFailure(
      `${config.method} ${url.origin}${url.pathname} answered ${res.status}${expected ? ` (expected ${expected.join(" or ")})` : ""}: ${snippet}`,
      retryable,
      `HTTP_${res.status}`,
      output,
    );
  }
  return { output };
};

import type { SmsSendConfig } from "@weft/schema";
import { NodeFailure } from "../errors.ts";
import { retryAfter } from "../llm/gateway.ts";
import type { NodeImplementation } from "./types.ts";

const TWILIO = "https://api.twilio.com";
const E164 = /^\+[1-9]\d{6,14}$/;

/** Twilio's Messages API (and compatible services): form-encoded POST, basic auth, 201 + sid. */
export const smsSend: NodeImplementation<SmsSendConfig> = async (ctx) => {
  const c = ctx.config;
  for (const [field, value] of [
    ["to", c.to],
    ["from", c.from],
  ] as const) {
    if (!E164.test(value)) {
      throw new NodeFailure(
        `config.${field}: "${value}" is not an E.164 phone number`,
        false,
        "INVALID_CONFIG",
      );
    }
  }
  const credentials = await ctx.deps.secrets(ctx.workspaceId, c.accountSecret);
  if (credentials === undefined) {
    throw new NodeFailure(
      `secret "${c.accountSecret}" does not exist in this workspace`,
      false,
      "MISSING_SECRET",
    );
  }
  ctx.addSecret(credentials);
  const colon = credentials.indexOf(":");
  if (colon <= 0) {
    throw new NodeFailure(
      `secret "${c.accountSecret}" must hold "ACCOUNT_SID:AUTH_TOKEN"`,
      false,
      "INVALID_SECRET",
    );
  }
  const sid = credentials.slice(0, colon);
  ctx.addSecret(credentials.slice(colon + 1));
  const base = (c.baseUrl ?? ctx.deps.endpoints?.twilio ?? TWILIO).replace(/\/+$/, "");
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(sid)}/Messages.json`;
  const res = await ctx.deps.http.fetch(url, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(credentials).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
      // A retried attempt after a lost response must not text the person twice.
      "idempotency-key": ctx.idempotencyKey,
      "i-twilio-idempotency-token": ctx.idempotencyKey,
    },
    body: new URLSearchParams({ To: c.to, From: c.from, Body: c.body }).toString(),
    followRedirects: false,
    timeoutMs: 20_000,
    signal: ctx.signal,
  });
  let body: { sid?: string; status?: string; message?: string; code?: number } = {};
  try {
    body = JSON.parse(res.body.toString("utf8")) as typeof body;
  } catch {
    // Error pages from proxies are not JSON; the status decides below.
  }
  ctx.log(`POST ${new URL(url).host}/…/Messages.json → ${res.status}`);
  if (res.status === 200 || res.status === 201) {
    if (!body.sid)
      throw new NodeFailure("the SMS API accepted the message but returned no sid", false, "BAD_RESPONSE");
    return { output: { messageId: body.sid, status: body.status ?? "queued" } };
  }
  const detail = body.message
    ? `${body.message}${body.code ? ` (code ${body.code})` : ""}`
    : res.body.toString("utf8").slice(0, 200);
  const retryable = res.status === 429 || res.status >= 500;
  throw new NodeFailure(
    `the SMS API answered ${res.status}: ${detail}`,
    retryable,
    res.status === 429 ? "RATE_LIMITED" : `HTTP_${res.status}`,
    undefined,
    retryable ? retryAfter(res.headers) : undefined,
  );
};

import { createHash } from "node:crypto";
import nodemailer from "nodemailer";
import type { EmailSendConfig } from "@weft/schema";
import { NodeFailure } from "../errors.ts";
import { resolveAllowedHost } from "./resolve-host.ts";
import type { NodeImplementation } from "./types.ts";

const TIMEOUT_MS = 20_000;

/**
 * Email over SMTP with nodemailer. The Message-ID is derived from the run/node idempotency key,
 * so a retried attempt re-sends the *same* message (receivers and mail stores deduplicate on it),
 * and the key also travels as an `Idempotency-Key` header for relays that honour it.
 */
export const emailSend: NodeImplementation<EmailSendConfig> = async (ctx) => {
  const c = ctx.config;
  const smtpUrl = await ctx.deps.secrets(ctx.workspaceId, c.smtpSecret);
  if (smtpUrl === undefined) {
    throw new NodeFailure(
      `secret "${c.smtpSecret}" does not exist in this workspace`,
      false,
      "MISSING_SECRET",
    );
  }
  ctx.addSecret(smtpUrl);
  const smtp = parseSmtpUrl(smtpUrl, c.smtpSecret);
  if (smtp.pass) ctx.addSecret(smtp.pass);
  const from = c.from ?? (smtp.user.includes("@") ? smtp.user : undefined);
  if (!from) {
    throw new NodeFailure(
      "config.from is required: the SMTP account's user name is not an email address",
      false,
      "INVALID_CONFIG",
    );
  }
  const address = await resolveAllowedHost(ctx.deps.http.addressPolicy, smtp.host, `smtp://${smtp.host}`);
  const transport = nodemailer.createTransport({
    host: address,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.pass } } : {}),
    // Connect to the checked address, verify the certificate against the name.
    tls: { servername: smtp.host },
    name: "weft.dev",
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  const abort = () => transport.close();
  ctx.signal.addEventListener("abort", abort, { once: true });
  try {
    const domain = from.slice(from.lastIndexOf("@") + 1).replace(/>$/, "");
    const messageId = `<weft.${createHash("sha256").update(ctx.idempotencyKey).digest("hex").slice(0, 32)}@${domain}>`;
    const info = await transport.sendMail({
      from,
      to: c.to,
      ...(c.cc?.length ? { cc: c.cc } : {}),
      subject: c.subject,
      ...(c.text !== undefined ? { text: c.text } : {}),
      ...(c.html !== undefined ? { html: c.html } : {}),
      messageId,
      headers: { "Idempotency-Key": ctx.idempotencyKey },
    });
    ctx.log(`sent ${messageId} via ${smtp.host}:${smtp.port} to ${info.accepted.length} recipient(s)`);
    return {
      output: {
        messageId: info.messageId,
        accepted: (info.accepted as Array<string | { address: string }>).map((a) =>
          typeof a === "string" ? a : a.address,
        ),
      },
    };
  } catch (err) {
    throw smtpFailure(err);
  } finally {
    ctx.signal.removeEventListener("abort", abort);
    transport.close();
  }
};

interface SmtpTarget {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
}

function parseSmtpUrl(raw: string, secretName: string): SmtpTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new NodeFailure(
      `secret "${secretName}" is not an SMTP URL (smtp://user:pass@host:port)`,
      false,
      "INVALID_SECRET",
    );
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    throw new NodeFailure(
      `secret "${secretName}" must be an smtp:// or smtps:// URL`,
      false,
      "INVALID_SECRET",
    );
  }
  const secure = url.protocol === "smtps:";
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    user: decodeURIComponent(url.username),
    pass: decodeURIComponent(url.password),
  };
}

/** SMTP 5xx replies are permanent (bad recipient, auth); 4xx and network trouble are worth a retry. */
function smtpFailure(err: unknown): NodeFailure {
  const e = err as { message?: string; responseCode?: number; code?: string };
  const message = `SMTP: ${e.message ?? String(err)}`;
  if (e.code === "EAUTH") return new NodeFailure(message, false, "SMTP_AUTH");
  if (typeof e.responseCode === "number") {
    return new NodeFailure(message, e.responseCode < 500, `SMTP_${e.responseCode}`);
  }
  return new NodeFailure(message, true, e.code ? `SMTP_${e.code}` : "SMTP_ERROR");
}

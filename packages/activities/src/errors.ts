import { ApplicationFailure } from "@temporalio/common";
import { ExpressionError, TemplateError } from "@weft/schema";
import { BlockedDestinationError, ResponseTooLargeError } from "./http/safe-fetch.ts";

/**
 * A node's own failure, with the one decision Temporal needs: would trying again help?
 * Validation, template, 4xx and policy errors would fail identically next time.
 */
export class NodeFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code = retryable ? "NODE_ERROR" : "NODE_NON_RETRYABLE",
    readonly details?: unknown,
    /** Earliest sensible next attempt (a provider's Retry-After, a rate-limit window). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "NodeFailure";
  }
}

export interface ClassifiedError {
  message: string;
  code: string;
  retryable: boolean;
  retryAfterMs?: number;
}

export function classifyError(err: unknown): ClassifiedError {
  if (err instanceof NodeFailure)
    return {
      message: err.message,
      code: err.code,
      retryable: err.retryable,
      ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    };
  if (err instanceof TemplateError)
    return { message: err.message, code: `TEMPLATE_${err.code.toUpperCase()}`, retryable: false };
  if (err instanceof ExpressionError)
    return { message: err.message, code: "EXPRESSION_ERROR", retryable: false };
  if (err instanceof BlockedDestinationError)
    return { message: err.message, code: err.code, retryable: false };
  if (err instanceof ResponseTooLargeError) return { message: err.message, code: err.code, retryable: false };
  const message = err instanceof Error ? err.message : String(err);
  // Network trouble (resets, DNS hiccups, timeouts) is exactly what retries are for.
  return { message, code: (err as { code?: string })?.code ?? "ERROR", retryable: true };
}

/**
 * The failure the workflow sees; `type` carries our code, `nonRetryable` stops Temporal's retries,
 * and `nextRetryDelay` replaces the policy's backoff for this one retry when the failure knows
 * better (a provider's Retry-After), but never shortens it below nothing.
 */
export function toApplicationFailure(e: ClassifiedError): ApplicationFailure {
  return ApplicationFailure.create({
    message: e.message,
    type: e.code,
    nonRetryable: !e.retryable,
    ...(e.retryable && e.retryAfterMs !== undefined && e.retryAfterMs > 0
      ? { nextRetryDelay: Math.ceil(e.retryAfterMs) }
      : {}),
  });
}

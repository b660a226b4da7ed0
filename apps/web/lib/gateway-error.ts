/** The error shape the gateway answers with (`extensions.code`, optional `details`). */
export interface GatewayErrorInfo {
  message: string;
  code: string | undefined;
  details: Record<string, unknown> | undefined;
}

interface RawGraphQLError {
  message: string;
  extensions?: { code?: unknown; details?: unknown };
}

export function toGatewayError(error: RawGraphQLError): GatewayErrorInfo {
  const code = typeof error.extensions?.code === "string" ? error.extensions.code : undefined;
  const details =
    error.extensions?.details && typeof error.extensions.details === "object"
      ? (error.extensions.details as Record<string, unknown>)
      : undefined;
  return { message: error.message, code, details };
}

/** `details.fields` of BAD_USER_INPUT as `{ path: firstMessage }`. */
export function fieldErrors(error: GatewayErrorInfo | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const fields = error?.details?.["fields"];
  if (!Array.isArray(fields)) return out;
  for (const field of fields as unknown[]) {
    if (!field || typeof field !== "object") continue;
    const { path, messages } = field as { path?: unknown; messages?: unknown };
    if (typeof path === "string" && Array.isArray(messages) && typeof messages[0] === "string") {
      out[path] ??= messages[0];
    }
  }
  return out;
}

/** A sentence fit for a toast or banner. */
export function describeError(error: GatewayErrorInfo | undefined): string {
  if (!error) return "Something went wrong.";
  switch (error.code) {
    case "RATE_LIMITED": {
      const after = error.details?.["retryAfterSeconds"];
      return typeof after === "number"
        ? `Too many requests. Try again in ${after} s.`
        : "Too many requests. Try again shortly.";
    }
    case "FORBIDDEN":
      return "You do not have permission to do that.";
    case "UNAUTHENTICATED":
      return "Your session has ended. Sign in again.";
    case "INTERNAL":
      return "The server hit an unexpected error. Try again.";
    default:
      return error.message;
  }
}

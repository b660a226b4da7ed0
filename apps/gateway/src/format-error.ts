import { randomUUID } from "node:crypto";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { AppError, type AppErrorCode } from "./errors.ts";

/**
 * Codes produced by the GraphQL machinery itself (Apollo, graphql-js,
 * type-graphql) before any of our code runs. Their messages describe the
 * client's own request, so they are safe to pass through unchanged.
 */
const PROTOCOL_CODES = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

// type-graphql's own auth errors, should a decorator ever raise them instead
// of our auth checker; mapped onto the contract's codes.
const TYPE_GRAPHQL_CODES: Readonly<Record<string, AppErrorCode>> = {
  UNAUTHENTICATED: "UNAUTHENTICATED",
  UNAUTHORIZED: "FORBIDDEN",
};

export type ErrorLogger = (message: string, error: unknown) => void;

export const logToConsole: ErrorLogger = (message, error) => console.error(message, error);

/**
 * The one place where thrown errors become `extensions.code`. Used by Apollo
 * (`formatError`) and by the graphql-ws server so both transports answer alike.
 *
 * `formatted` is what graphql-js would send; `error` is the raw error with its
 * `originalError` chain. Only `message`, `locations`, `path` and our own
 * extensions survive: stack traces and ad-hoc extensions never reach clients.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  log: ErrorLogger = logToConsole,
): GraphQLFormattedError {
  const base = {
    message: formatted.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  };

  for (let current: unknown = error; current !== undefined; current = nextCause(current)) {
    if (current instanceof AppError) {
      if (current.code === "INTERNAL") break; // still log it and hide the message
      return {
        ...base,
        message: current.message,
        extensions: {
          code: current.code,
          ...(current.details
            ? { details: current.code === "BAD_USER_INPUT" ? bothShapes(current.details) : current.details }
            : {}),
        },
      };
    }
    if (current instanceof GraphQLError) {
      const code = current.extensions["code"];
      if (typeof code === "string" && PROTOCOL_CODES.has(code)) {
        return { ...base, extensions: protocolExtensions(code, current) };
      }
      const mapped = typeof code === "string" ? TYPE_GRAPHQL_CODES[code] : undefined;
      if (mapped) return { ...base, message: current.message, extensions: { code: mapped } };
    }
  }

  // Anything else is a bug or an infrastructure failure: the message may leak
  // internals (SQL, hostnames), so clients get a reference to quote instead.
  const errorId = randomUUID();
  log(`[gateway] internal error ${errorId} at ${formatted.path?.join(".") ?? "(request)"}`, error);
  return { ...base, message: "Internal server error", extensions: { code: "INTERNAL", errorId } };
}

function nextCause(error: unknown): unknown {
  return error instanceof GraphQLError ? (error.originalError ?? undefined) : undefined;
}

function protocolExtensions(code: string, error: GraphQLError): Record<string, unknown> {
  // class-validator failures from type-graphql: expose field paths, the way
  // the contract describes BAD_USER_INPUT, without the validator internals.
  const validationErrors = error.extensions["validationErrors"];
  if (code === "BAD_USER_INPUT" && Array.isArray(validationErrors)) {
    return {
      code,
      details: bothShapes({ fields: validationErrors.flatMap((entry) => fieldIssues(entry, [])) }),
    };
  }
  return { code };
}

interface FieldIssue {
  path: string;
  messages: string[];
}

function fieldIssues(entry: unknown, parent: string[]): FieldIssue[] {
  if (typeof entry !== "object" || entry === null) return [];
  const { property, constraints, children } = entry as {
    property?: unknown;
    constraints?: unknown;
    children?: unknown;
  };
  const path = typeof property === "string" ? [...parent, property] : parent;
  const own =
    typeof constraints === "object" && constraints !== null
      ? [{ path: path.join("."), messages: Object.values(constraints).map(String) }]
      : [];
  const nested = Array.isArray(children) ? children.flatMap((child) => fieldIssues(child, path)) : [];
  return [...own, ...nested];
}

interface PathIssue {
  path: Array<string | number>;
  message: string;
}

/**
 * BAD_USER_INPUT names fields in two shapes, and every answer carries both, so a client reads
 * whichever it likes: `fields: [{path: "a.b", messages}]` (argument checks: zod, class-validator)
 * and `issues: [{path: ["a", "b"], message, …}]` (graphs, specs, run input, cron; graph issues
 * also name nodeId and field). Whichever the resolver gave is kept as it is; the other is derived.
 */
function bothShapes(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const fields = Array.isArray(details["fields"]) ? (details["fields"] as FieldIssue[]) : null;
  const issues = Array.isArray(details["issues"]) ? (details["issues"] as PathIssue[]) : null;
  if (fields && !issues) {
    return {
      ...details,
      issues: fields.flatMap((f) =>
        f.messages.map((message) => ({
          path: f.path === "" ? [] : f.path.split(".").map((k) => (/^\d+$/.test(k) ? Number(k) : k)),
          message,
        })),
      ),
    };
  }
  if (issues && !fields) {
    // Issue paths start inside the argument they name (a graph's ["nodes", 0, …]); field paths
    // start at the arguments.
    const argument = typeof details["argument"] === "string" ? details["argument"] : null;
    const byPath = new Map<string, string[]>();
    for (const issue of issues) {
      const inner = Array.isArray(issue.path) ? issue.path : [];
      const path = (argument && inner[0] !== argument ? [argument, ...inner] : inner).join(".");
      byPath.set(path, [...(byPath.get(path) ?? []), String(issue.message)]);
    }
    return { ...details, fields: [...byPath].map(([path, messages]) => ({ path, messages })) };
  }
  return { ...details };
}

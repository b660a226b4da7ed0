/**
 * The only error type resolvers throw on purpose. Everything else that escapes
 * a resolver is treated as a bug and reaches clients as INTERNAL (see
 * format-error.ts), so messages written here are safe to show to users.
 */
export const APP_ERROR_CODES = [
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "BAD_USER_INPUT",
  "CONFLICT",
  "RATE_LIMITED",
  "INTERNAL",
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

/** JSON-serialisable extra data, e.g. field paths for BAD_USER_INPUT. */
export type AppErrorDetails = Readonly<Record<string, unknown>>;

export class AppError extends Error {
  override readonly name = "AppError";

  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: AppErrorDetails,
  ) {
    super(message);
  }
}

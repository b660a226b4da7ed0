import type { z } from "zod";
import { AppError } from "../errors.ts";

export interface FieldIssue {
  path: string;
  messages: string[];
}

/**
 * Parses resolver arguments with zod. Failures become BAD_USER_INPUT naming
 * each field (`details.fields`, the same shape format-error.ts uses), with a
 * message that starts with the first field so a human sees it at once.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const byPath = new Map<string, string[]>();
  for (const issue of result.error.issues) {
    const path = issue.path.map(String).join(".");
    byPath.set(path, [...(byPath.get(path) ?? []), issue.message]);
  }
  const fields: FieldIssue[] = [...byPath].map(([path, messages]) => ({ path, messages }));
  const first = fields[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ""}${first.messages[0]}` : "invalid input";
  throw new AppError("BAD_USER_INPUT", summary, { fields });
}

/** BAD_USER_INPUT for one field, in the same shape as parseInput's. */
export function badField(path: string, message: string): AppError {
  return new AppError("BAD_USER_INPUT", `${path}: ${message}`, { fields: [{ path, messages: [message] }] });
}

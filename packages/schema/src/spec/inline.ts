/**
 * One-line values of step properties: plain-or-quoted text (`name:`, `description:`), the
 * `after:` list with its conditions, and the rules that decide when a description can be
 * printed as prose.
 */
import { closest } from "../suggest.ts";
import type { Parsed } from "./durations.ts";

export const STEP_PROPERTIES = ["after", "name", "description", "retry", "timeout"] as const;
export type StepProperty = (typeof STEP_PROPERTIES)[number];

const PROPERTY_LINE = /^([A-Za-z][A-Za-z_-]*)[ \t]*:(?:[ \t]+|$)(.*)$/s;

export type PropertyMatch =
  | { kind: "property"; key: StepProperty; value: string; valueColumn: number }
  | { kind: "near"; key: string; suggestion: StepProperty }
  | { kind: "other"; key: string }
  | undefined;

/**
 * `key: value` lines. Only exact lower-case keys are properties; a near miss (`Afer:`) is
 * reported so a typo does not silently turn into description text.
 */
export function matchProperty(line: string): PropertyMatch {
  const m = PROPERTY_LINE.exec(line);
  if (!m) return undefined;
  const key = m[1] ?? "";
  const value = m[2] ?? "";
  if ((STEP_PROPERTIES as readonly string[]).includes(key)) {
    return { kind: "property", key: key as StepProperty, value, valueColumn: line.length - value.length + 1 };
  }
  const lower = key.toLowerCase();
  const suggestion = (STEP_PROPERTIES as readonly string[]).includes(lower)
    ? lower
    : closest(lower, STEP_PROPERTIES);
  if (suggestion !== undefined) return { kind: "near", key, suggestion: suggestion as StepProperty };
  return { kind: "other", key };
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029]/;

/** JSON.stringify leaves U+2028/2029 raw; editors treat them as line breaks. */
export function quote(text: string): string {
  return JSON.stringify(text)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Text that survives being written bare after `name:`; anything else is written as a JSON string. */
export function isPlainValue(text: string): boolean {
  return (
    text !== "" &&
    text.trim() === text &&
    !text.startsWith('"') &&
    !/[\n\r]/.test(text) &&
    !CONTROL.test(text)
  );
}

export function formatValue(text: string): string {
  return isPlainValue(text) ? text : quote(text);
}

/** A value starting with `"` is a JSON string (so it can hold newlines and edge spaces). */
export function parseValue(raw: string): Parsed<string> {
  const text = raw.trim();
  if (!text.startsWith('"')) return { ok: true, value: text };
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "string") return { ok: true, value };
  } catch {
    // fall through
  }
  return {
    ok: false,
    message: `is not a valid quoted string — use JSON escapes such as \\" and \\n, or drop the quotes`,
  };
}

/**
 * Whether a description can be printed as prose under the heading and read back unchanged:
 * nothing that would read as a heading, fence, property, setext underline or be trimmed.
 */
export function isProseSafe(text: string): boolean {
  if (text === "" || CONTROL.test(text) || text.includes("\r")) return false;
  const lines = text.split("\n");
  if ((lines[0] ?? "").trim() === "" || (lines[lines.length - 1] ?? "").trim() === "") return false;
  for (const line of lines) {
    if (line !== line.trimEnd()) return false;
    const body = line.trimStart();
    if (/^(#|```|~~~|<!--)/.test(body)) return false;
    if (/^[-=*_]+$/.test(body.replace(/\s/g, "")) && body !== "") return false;
    if (matchProperty(body) && matchProperty(body)?.kind !== "other") return false;
  }
  return true;
}

/** One parent of a step: `fetch`, `fetch (on error)`, ``fetch when `cond` ``. */
export interface AfterRef {
  id: string;
  /** 0-based offsets within the property value. */
  offset: number;
  on?: "success" | "error";
  condition?: string;
  conditionOffset?: number;
}

/** Delimiter and padding for an inline code span, per CommonMark, so any one-line text fits. */
export function formatCodeSpan(text: string): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = "`".repeat(longest + 1);
  const pad =
    text.startsWith("`") || text.endsWith("`") || (text.startsWith(" ") && text.endsWith(" ")) ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

export function formatCondition(condition: string): string {
  return /[\n\r]/.test(condition) || CONTROL.test(condition) || condition.trim() === ""
    ? quote(condition)
    : formatCodeSpan(condition);
}

export function formatAfterRef(ref: Omit<AfterRef, "offset">): string {
  let out = ref.id;
  if (ref.on) out += ` (on ${ref.on})`;
  if (ref.condition !== undefined) out += ` when ${formatCondition(ref.condition)}`;
  return out;
}

const ID_CHARS = /[^\s,()`"]+/y;

/** `a, b (on error), c when `x = 1`` — stops at the first syntax error (the rest is unreliable). */
export function parseAfter(value: string): { refs: AfterRef[]; error?: { message: string; offset: number } } {
  const refs: AfterRef[] = [];
  let i = 0;
  const skip = (): void => {
    while (i < value.length && /\s/.test(value[i] ?? "")) i++;
  };
  const fail = (message: string, offset = i) => ({ refs, error: { message, offset } });
  skip();
  if (i >= value.length) return fail("names no step — write `after: <step id>`, e.g. `after: fetch`");
  for (;;) {
    skip();
    ID_CHARS.lastIndex = i;
    const m = ID_CHARS.exec(value);
    if (!m) return fail("expects a step id here, e.g. `after: fetch`");
    const ref: AfterRef = { id: m[0], offset: i };
    i = ID_CHARS.lastIndex;
    skip();
    const on = /\(\s*on\s+(error|success)\s*\)/iy;
    on.lastIndex = i;
    const onMatch = on.exec(value);
    if (onMatch) {
      ref.on = (onMatch[1] ?? "").toLowerCase() as "error" | "success";
      i = on.lastIndex;
      skip();
    } else if (value[i] === "(") {
      return fail("has an unknown marker — the only one is `(on error)`, e.g. `after: fetch (on error)`");
    }
    const when = /when\b/iy;
    when.lastIndex = i;
    if (when.exec(value)) {
      i = when.lastIndex;
      skip();
      const start = i;
      if (value[i] === "`") {
        const open = /`+/y;
        open.lastIndex = i;
        const fence = open.exec(value)?.[0] ?? "`";
        const close = value.indexOf(fence, i + fence.length);
        // A closing run must be exactly as long as the opening one.
        let end = close;
        while (end !== -1 && (value[end + fence.length] === "`" || value[end - 1] === "`")) {
          end = value.indexOf(fence, end + 1);
        }
        if (end === -1) return fail(`has a condition whose ${fence} is never closed`, start);
        let text = value.slice(i + fence.length, end);
        let contentOffset = i + fence.length;
        if (text.length > 1 && text.startsWith(" ") && text.endsWith(" ") && text.trim() !== "") {
          text = text.slice(1, -1);
          contentOffset++;
        }
        ref.condition = text;
        ref.conditionOffset = contentOffset;
        i = end + fence.length;
      } else if (value[i] === '"') {
        const str = /"(?:[^"\\]|\\.)*"/sy;
        str.lastIndex = i;
        const s = str.exec(value);
        let parsed: unknown;
        try {
          parsed = s ? JSON.parse(s[0]) : undefined;
        } catch {
          parsed = undefined;
        }
        if (!s || typeof parsed !== "string")
          return fail("has a quoted condition that is not a valid JSON string", start);
        ref.condition = parsed;
        ref.conditionOffset = start + 1;
        i = str.lastIndex;
      } else {
        return fail(
          "needs the condition in backticks, e.g. after: fetch when `nodes.fetch.output.status = 200`",
          start,
        );
      }
      if (ref.condition.trim() === "") return fail("has an empty condition", start);
      skip();
    }
    refs.push(ref);
    if (i >= value.length) return { refs };
    if (value[i] !== ",") {
      return fail(
        ref.condition === undefined && /^[A-Za-z]/.test(value.slice(i))
          ? "expects `,`, `(on error)` or `when` here — separate steps with commas"
          : "expects `,` between steps",
      );
    }
    i++;
  }
}

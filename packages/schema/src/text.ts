/**
 * Text the product stores must fit PostgreSQL: `text` and `jsonb` refuse U+0000, `jsonb` refuses
 * an unpaired UTF-16 surrogate (and `text` silently turns one into U+FFFD). A JavaScript string can
 * hold both, so user input is checked here before it reaches the database, where it would
 * otherwise fail as a server error (found by the fuzz drill, drills/fuzz.ts).
 */
import type { PathSegment } from "./templates.ts";

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const UNSTORABLE_TEXT_MESSAGE = "must not contain NUL characters (\\u0000) or unpaired surrogates";

export function isStorableText(text: string): boolean {
  return !text.includes("\u0000") && !LONE_SURROGATE.test(text);
}

/**
 * Paths (relative to `value`) of the strings and object keys inside it that cannot be stored;
 * a bad key is reported at the key's own path. At most `limit` paths.
 */
export function unstorableTextPaths(value: unknown, limit = 20): PathSegment[][] {
  const out: PathSegment[][] = [];
  const visit = (v: unknown, path: PathSegment[]) => {
    if (out.length >= limit) return;
    if (typeof v === "string") {
      if (!isStorableText(v)) out.push(path);
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, [...path, i]));
    } else if (v !== null && typeof v === "object") {
      for (const [key, item] of Object.entries(v)) {
        if (!isStorableText(key)) {
          if (out.length < limit) out.push([...path, key]);
        } else visit(item, [...path, key]);
      }
    }
  };
  visit(value, []);
  return out;
}

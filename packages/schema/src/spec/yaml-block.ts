/**
 * YAML in and out: parsing with a map from value paths to source lines (so a zod issue at
 * `config.headers.Authorization` points at that key), and printing with a fixed key order.
 */
import {
  Document,
  LineCounter,
  Pair,
  Scalar,
  YAMLMap,
  YAMLSeq,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Node as YamlNode,
} from "yaml";
import type { PathSegment } from "../templates.ts";
import { isPlainObject } from "../templates.ts";

export interface Position {
  line: number;
  column: number;
}

/** Path (JSON-encoded) → position of the key or item, in document lines. */
export type KeyLines = Map<string, Position>;

export interface ParsedYaml {
  value: unknown;
  keys: KeyLines;
  errors: { message: string; line: number; column: number }[];
  /** Where the value holds something JSON cannot (`.nan`, `!!binary`…), if anywhere. */
  nonJson?: PathSegment[];
}

const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: true, merge: false, version: "1.2" } as const;

/**
 * The editor compiles on every keystroke, and a keystroke changes one block: parsed blocks are
 * kept (by text, positions relative to the block) so the others are not parsed again.
 */
const CACHE_ENTRIES = 1000;
const CACHE_MAX_TEXT = 20_000;
const cache = new Map<string, ParsedYaml>();

/** `firstLine` is the document line of the block's first line, so positions come out absolute. */
export function parseYamlBlock(text: string, firstLine: number): ParsedYaml {
  let parsed = cache.get(text);
  if (parsed) {
    cache.delete(text); // re-insert: least recently used entries are evicted first
  } else {
    parsed = parseUncached(text, 1);
  }
  if (text.length <= CACHE_MAX_TEXT) {
    cache.set(text, parsed);
    if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  }
  const shift = firstLine - 1;
  const keys: KeyLines = new Map();
  for (const [k, pos] of parsed.keys) keys.set(k, { line: pos.line + shift, column: pos.column });
  return {
    // Callers own the value (it ends up in the compiled graph); the cached one stays untouched.
    value:
      parsed.value === undefined || parsed.nonJson
        ? parsed.value
        : (JSON.parse(JSON.stringify(parsed.value)) as unknown),
    keys,
    errors: parsed.errors.map((e) => ({ ...e, line: e.line + shift })),
    ...(parsed.nonJson ? { nonJson: parsed.nonJson } : {}),
  };
}

function parseUncached(text: string, firstLine: number): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...PARSE_OPTIONS, lineCounter });
  const at = (offset: number): Position => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line + firstLine - 1, column: pos.col };
  };
  // Errors found at the end of input (an unclosed `[`) point at the block's last line, not past it.
  const lastLine = firstLine + Math.max(0, text.replace(/\n$/, "").split("\n").length - 1);
  const errors = [...doc.errors, ...doc.warnings].map((e) => {
    const pos = at(e.pos[0]);
    return {
      message: tidyYamlMessage(e.message),
      ...(pos.line > lastLine ? { line: lastLine, column: 1 } : pos),
    };
  });
  const keys: KeyLines = new Map();
  const walk = (node: unknown, path: PathSegment[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === undefined) continue;
        const range = (pair.key as YamlNode).range;
        const child = [...path, key];
        if (range) keys.set(JSON.stringify(child), at(range[0]));
        walk(pair.value, child);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const range = (item as YamlNode | null)?.range;
        const child = [...path, i];
        if (range) keys.set(JSON.stringify(child), at(range[0]));
        walk(item, child);
      });
    }
  };
  walk(doc.contents, []);
  let value: unknown = undefined;
  if (!doc.errors.length) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      errors.push({ message: err instanceof Error ? err.message : String(err), line: firstLine, column: 1 });
    }
  }
  const nonJson = nonJsonPath(value);
  return { value, keys, errors, ...(nonJson ? { nonJson } : {}) };
}

function tidyYamlMessage(message: string): string {
  const first = message.split("\n")[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, "").replace(/\.$/, "");
}

/** The deepest recorded ancestor of `path`, for issues about a missing key or a whole object. */
export function lookupKey(keys: KeyLines, path: readonly PathSegment[]): Position | undefined {
  for (let n = path.length; n > 0; n--) {
    const hit = keys.get(JSON.stringify(path.slice(0, n)));
    if (hit) return hit;
  }
  return undefined;
}

/** Where a value that is not plain JSON sits (`.nan`, `!!binary`, …), or undefined if it is JSON. */
export function nonJsonPath(value: unknown, path: PathSegment[] = []): PathSegment[] | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = nonJsonPath(value[i], [...path, i]);
      if (hit) return hit;
    }
    return undefined;
  }
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const hit = nonJsonPath(v, [...path, k]);
      if (hit) return hit;
    }
    return undefined;
  }
  return path;
}

/**
 * Key order for printing: the keys a schema declares, in its order, then the rest sorted by
 * code unit (never `localeCompare`, whose answer depends on the machine's locale).
 */
export interface KeyOrder {
  keys?: readonly string[];
  child?: (key: string) => KeyOrder | undefined;
  item?: KeyOrder;
}

export function orderedKeys(value: Record<string, unknown>, order: KeyOrder | undefined): string[] {
  const present = Object.keys(value).filter((k) => value[k] !== undefined);
  const known = (order?.keys ?? []).filter((k) => present.includes(k));
  const rest = present.filter((k) => !known.includes(k)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [...known, ...rest];
}

function toNode(value: unknown, order: KeyOrder | undefined): YamlNode {
  if (Array.isArray(value)) {
    const seq = new YAMLSeq();
    for (const item of value) seq.items.push(toNode(item === undefined ? null : item, order?.item));
    if (!value.length) seq.flow = true;
    return seq;
  }
  if (isPlainObject(value)) {
    const map = new YAMLMap();
    const keys = orderedKeys(value, order);
    for (const key of keys) map.items.push(new Pair(keyScalar(key), toNode(value[key], order?.child?.(key))));
    if (!keys.length) map.flow = true;
    return map;
  }
  return stringScalar(value);
}

// eslint-disable-next-line no-control-regex
const UNSAFE_IN_BLOCK = /[\r\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029]|[ \t]\n|[ \t]$/;

/**
 * Multi-line text reads best as a `|` block, but yaml's block writer loses whitespace-only lines
 * and its folded double quotes mangle some escapes, so anything a block cannot hold exactly
 * (or that an editor trimming trailing spaces would change) becomes one JSON-style quoted line.
 */
function keyScalar(key: string): Scalar {
  const scalar = new Scalar(key);
  if (/[\n\r]/.test(key)) scalar.type = "QUOTE_DOUBLE";
  return scalar;
}

function stringScalar(value: unknown): Scalar {
  const scalar = new Scalar(value);
  if (typeof value === "string" && /[\n\r]/.test(value)) {
    scalar.type = UNSAFE_IN_BLOCK.test(value) ? "QUOTE_DOUBLE" : "BLOCK_LITERAL";
  }
  return scalar;
}

const STRINGIFY_OPTIONS = {
  // Long prompts and URLs stay on one line: easier to diff, and nothing is folded.
  lineWidth: 0,
  minContentWidth: 0,
  blockQuote: "literal",
  indent: 2,
  indentSeq: true,
  doubleQuotedAsJSON: true,
} as const;

export function printYaml(value: Record<string, unknown>, order: KeyOrder | undefined): string {
  const doc = new Document(null, { version: "1.2" });
  doc.contents = toNode(value, order) as typeof doc.contents;
  return doc.toString(STRINGIFY_OPTIONS);
}

/**
 * `{{ path }}` templates in node configs.
 *
 * Templates are rendered inside activities only, never in the workflow, so secret values never
 * enter Temporal history. Parsing is pure and cheap so validation (browser, gateway) and
 * rendering (activities) share one grammar.
 *
 * Grammar inside the braces (surrounding whitespace ignored):
 *   path    := root ( "." name | "[" digits "]" | "[" quoted "]" )*
 *   root    := input | nodes | secrets | item | index
 *   name    := [A-Za-z_][A-Za-z0-9_-]*      (hyphens allowed because node ids may contain them)
 * Shape rules: `nodes.ID.output…` or `nodes.ID.error…`; `secrets.NAME` exactly; `index` alone.
 * `\{{` is a literal `{{`.
 */

export const TEMPLATE_ROOTS = ["input", "nodes", "secrets", "item", "index"] as const;
export type TemplateRoot = (typeof TEMPLATE_ROOTS)[number];
export type PathSegment = string | number;

export interface TemplateReference {
  root: TemplateRoot;
  /** Full path including the root, e.g. ["nodes", "fetch", "output", "items", 0]. */
  path: PathSegment[];
  /** The reference as written, without braces, trimmed. */
  text: string;
  /** 1-based column of the opening `{{` in the template string. */
  column: number;
}

export type TemplatePart = { kind: "literal"; text: string } | { kind: "reference"; ref: TemplateReference };

export interface TemplateSyntaxError {
  message: string;
  /** 1-based column in the template string. */
  column: number;
}

export type ParsedTemplate =
  { ok: true; parts: TemplatePart[] } | { ok: false; errors: TemplateSyntaxError[] };

export function hasTemplate(value: string): boolean {
  return value.includes("{{");
}

export function parseTemplate(source: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const errors: TemplateSyntaxError[] = [];
  let literal = "";
  let i = 0;
  while (i < source.length) {
    if (source.startsWith("\\{{", i)) {
      literal += "{{";
      i += 3;
      continue;
    }
    if (!source.startsWith("{{", i)) {
      literal += source[i];
      i += 1;
      continue;
    }
    const close = source.indexOf("}}", i + 2);
    if (close < 0) {
      errors.push({ message: "unclosed '{{' (missing '}}')", column: i + 1 });
      break;
    }
    const parsed = parseReference(source.slice(i + 2, close), i + 2);
    if ("message" in parsed) {
      errors.push(parsed);
    } else {
      if (literal) parts.push({ kind: "literal", text: literal });
      literal = "";
      parts.push({ kind: "reference", ref: { ...parsed, column: i + 1 } });
    }
    i = close + 2;
  }
  if (literal) parts.push({ kind: "literal", text: literal });
  return errors.length ? { ok: false, errors } : { ok: true, parts };
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_-]/;

function parseReference(
  inner: string,
  offset: number,
): Omit<TemplateReference, "column"> | TemplateSyntaxError {
  const at = (pos: number): number => offset + pos + 1;
  let pos = 0;
  const skipSpace = (): void => {
    while (pos < inner.length && /\s/.test(inner[pos] ?? "")) pos += 1;
  };
  const readName = (): string | undefined => {
    if (!NAME_START.test(inner[pos] ?? "")) return undefined;
    const start = pos;
    while (pos < inner.length && NAME_CHAR.test(inner[pos] ?? "")) pos += 1;
    return inner.slice(start, pos);
  };

  skipSpace();
  if (pos >= inner.length) return { message: "empty reference '{{}}'", column: at(pos) };
  const textStart = pos;
  const rootPos = pos;
  const root = readName();
  if (root === undefined) return { message: `unexpected character '${inner[pos]}'`, column: at(pos) };
  if (!(TEMPLATE_ROOTS as readonly string[]).includes(root)) {
    return {
      message: `unknown reference "${root}" — expected input, nodes, secrets, item or index`,
      column: at(rootPos),
    };
  }
  const path: PathSegment[] = [root];
  while (pos < inner.length) {
    const ch = inner[pos];
    if (ch === ".") {
      pos += 1;
      const name = readName();
      if (name === undefined) return { message: "expected a name after '.'", column: at(pos) };
      path.push(name);
    } else if (ch === "[") {
      const open = pos;
      pos += 1;
      const quote = inner[pos];
      if (quote === '"' || quote === "'") {
        const end = inner.indexOf(quote, pos + 1);
        if (end < 0) return { message: "unterminated quoted key", column: at(open) };
        path.push(inner.slice(pos + 1, end));
        pos = end + 1;
      } else {
        const start = pos;
        while (pos < inner.length && /[0-9]/.test(inner[pos] ?? "")) pos += 1;
        if (pos === start)
          return { message: "expected an index or a quoted key after '['", column: at(open) };
        path.push(Number(inner.slice(start, pos)));
      }
      if (inner[pos] !== "]") return { message: "expected ']'", column: at(pos) };
      pos += 1;
    } else {
      break;
    }
  }
  const textEnd = pos;
  skipSpace();
  if (pos < inner.length) return { message: `unexpected character '${inner[pos]}'`, column: at(pos) };

  const shapeError = checkShape(root as TemplateRoot, path);
  if (shapeError) return { message: shapeError, column: at(rootPos) };
  return { root: root as TemplateRoot, path, text: inner.slice(textStart, textEnd) };
}

function checkShape(root: TemplateRoot, path: PathSegment[]): string | undefined {
  switch (root) {
    case "nodes": {
      const field = path[2];
      if (typeof path[1] !== "string") return "expected nodes.<id>.output…";
      if (field !== "output" && field !== "error")
        return `expected nodes.${path[1]}.output… or nodes.${path[1]}.error…`;
      return undefined;
    }
    case "secrets":
      return path.length === 2 && typeof path[1] === "string" ? undefined : "expected secrets.<NAME>";
    case "index":
      return path.length === 1 ? undefined : "index is a number and has no fields";
    default:
      return undefined;
  }
}

/** `["config", "headers", "Authorization"]` → `config.headers.Authorization`; `items[0]` for indices. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export interface FoundReference {
  ref: TemplateReference;
  /** Where the template string sits in the scanned value, prefixed by the caller's prefix. */
  at: PathSegment[];
}

export interface FoundTemplateError extends TemplateSyntaxError {
  at: PathSegment[];
}

/** Walks any JSON value and parses every string that contains `{{`; object keys are not templates. */
export function scanTemplates(
  value: unknown,
  prefix: PathSegment[] = [],
): { references: FoundReference[]; errors: FoundTemplateError[] } {
  const references: FoundReference[] = [];
  const errors: FoundTemplateError[] = [];
  const walk = (v: unknown, at: PathSegment[]): void => {
    if (typeof v === "string") {
      if (!hasTemplate(v)) return;
      const parsed = parseTemplate(v);
      if (parsed.ok) {
        for (const part of parsed.parts)
          if (part.kind === "reference") references.push({ ref: part.ref, at });
      } else {
        for (const e of parsed.errors) errors.push({ ...e, at });
      }
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, [...at, i]));
    } else if (isPlainObject(v)) {
      for (const [k, item] of Object.entries(v)) walk(item, [...at, k]);
    }
  };
  walk(value, prefix);
  return { references, errors };
}

/** Every template reference in a config value, with its location (e.g. `config.headers.Authorization`). */
export function collectReferences(value: unknown, prefix: PathSegment[] = []): FoundReference[] {
  return scanTemplates(value, prefix).references;
}

export type TemplateErrorCode = "missing_reference" | "missing_secret" | "syntax";

export class TemplateError extends Error {
  override readonly name = "TemplateError";
  constructor(
    readonly code: TemplateErrorCode,
    /** The reference as written (`nodes.fetch.output.body`) or, for syntax errors, the config path. */
    readonly reference: string,
    message: string,
    /** Where in the rendered value the template sits. */
    readonly at: PathSegment[] = [],
  ) {
    super(message);
  }
}

export interface NodeScopeEntry {
  output?: unknown;
  error?: { message: string; code?: string } | unknown;
}

export interface TemplateScope {
  input?: unknown;
  nodes?: Readonly<Record<string, NodeScopeEntry | undefined>>;
  /** Present only while rendering a foreach item's node. */
  item?: unknown;
  index?: number;
}

export interface RenderOptions {
  /** Resolves `secrets.NAME`; called only for secrets actually referenced. */
  secrets?: (name: string) => string | undefined;
  /**
   * "throw" (default) fails on a missing reference; "keep" leaves `{{ ref }}` in place, for
   * best-effort text such as log messages that must never fail a node.
   */
  missing?: "throw" | "keep";
}

export interface RenderResult<T = unknown> {
  value: T;
  /** Secret names that were substituted; look up their values and pass them to `redactSecrets`. */
  usedSecrets: string[];
}

/**
 * Renders every template in a JSON value. A string that is exactly one `{{ ref }}` becomes the raw
 * referenced value (objects and numbers survive); mixed strings stringify (objects as JSON,
 * null as "").
 */
export function renderTemplate<T = unknown>(
  value: unknown,
  scope: TemplateScope,
  opts: RenderOptions = {},
): RenderResult<T> {
  const used = new Set<string>();
  const render = (v: unknown, at: PathSegment[]): unknown => {
    if (typeof v === "string") return renderString(v, scope, opts, used, at);
    if (Array.isArray(v)) return v.map((item, i) => render(item, [...at, i]));
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = render(item, [...at, k]);
      return out;
    }
    return v;
  };
  const rendered = render(value, []);
  return { value: rendered as T, usedSecrets: [...used] };
}

function renderString(
  source: string,
  scope: TemplateScope,
  opts: RenderOptions,
  used: Set<string>,
  at: PathSegment[],
): unknown {
  if (!hasTemplate(source)) return source;
  const parsed = parseTemplate(source);
  if (!parsed.ok) {
    const first = parsed.errors[0];
    const where = formatPath(at) || "template";
    throw new TemplateError(
      "syntax",
      where,
      `${where}: ${first?.message ?? "invalid template"} (column ${first?.column ?? 0})`,
      at,
    );
  }
  const values = parsed.parts.map((part) =>
    part.kind === "literal" ? { found: true, value: part.text } : resolve(part.ref, scope, opts, used, at),
  );
  const only = parsed.parts[0];
  if (parsed.parts.length === 1 && only?.kind === "reference") {
    const v = values[0];
    return v?.found ? v.value : source;
  }
  return parsed.parts
    .map((part, i) => {
      const v = values[i];
      if (part.kind === "literal") return part.text;
      return v?.found ? stringifyValue(v.value) : `{{${part.ref.text}}}`;
    })
    .join("");
}

function resolve(
  ref: TemplateReference,
  scope: TemplateScope,
  opts: RenderOptions,
  used: Set<string>,
  at: PathSegment[],
): { found: boolean; value?: unknown } {
  const missing = (code: TemplateErrorCode, message: string): { found: false } => {
    if (opts.missing === "keep") return { found: false };
    throw new TemplateError(code, ref.text, message, at);
  };

  if (ref.root === "secrets") {
    const name = String(ref.path[1]);
    const secret = opts.secrets?.(name);
    if (secret === undefined)
      return missing("missing_secret", `secret "${name}" is not defined in this workspace`);
    used.add(name);
    return { found: true, value: secret };
  }

  if ((ref.root === "item" || ref.root === "index") && !Object.hasOwn(scope, ref.root)) {
    return missing("missing_reference", `${ref.text}: "${ref.root}" is only available inside a foreach node`);
  }

  let current: unknown =
    ref.root === "input" ? scope.input : ref.root === "nodes" ? scope.nodes : scope[ref.root];
  for (let i = 1; i < ref.path.length; i++) {
    const seg = ref.path[i] as PathSegment;
    const next = step(current, seg);
    if (next === undefined) {
      const reached = formatPath(ref.path.slice(0, i + 1));
      const detail =
        ref.root === "nodes" && i === 1
          ? `node "${seg}" has not produced output in this run`
          : `"${reached}" is undefined`;
      return missing("missing_reference", `${ref.text}: ${detail}`);
    }
    current = next;
  }
  if (current === undefined) return missing("missing_reference", `${ref.text} is undefined`);
  return { found: true, value: current };
}

function step(value: unknown, seg: PathSegment): unknown {
  if (Array.isArray(value)) {
    const i = typeof seg === "number" ? seg : /^\d+$/.test(seg) ? Number(seg) : NaN;
    return Number.isInteger(i) && i >= 0 && i < value.length ? value[i] : undefined;
  }
  // Own properties only: templates must not reach prototype members such as `constructor`.
  if (isPlainObject(value) && Object.hasOwn(value, String(seg))) return value[String(seg)];
  return undefined;
}

export function stringifyValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export const REDACTED = "[REDACTED]";

/**
 * Replaces secret values in text (logs, error messages, recorded inputs). Also replaces the
 * JSON-escaped and URL-encoded forms because secrets are often embedded in bodies and query strings.
 * Longer values go first so a secret that contains another is replaced whole.
 */
export function redactSecrets(text: string, values: Iterable<string>): string {
  const variants = new Set<string>();
  for (const v of values) {
    if (!v) continue;
    variants.add(v);
    variants.add(JSON.stringify(v).slice(1, -1));
    variants.add(encodeURIComponent(v));
  }
  let out = text;
  for (const v of [...variants].sort((a, b) => b.length - a.length)) out = out.split(v).join(REDACTED);
  return out;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Safe expressions (edge conditions, `condition`, `transform`, `foreach.items`) with JSONata.
 *
 * Why JSONata: it is an interpreter over its own AST. `grep -n "new Function\|eval(" jsonata.js`
 * (jsonata 2.2.2) finds no `new Function` and no JS `eval(` — its `$eval` parses JSONata, not JS,
 * and runs in the caller's environment, so the limits below apply to it too. It is one pure-JS
 * file with no Node built-ins, so it loads in the browser and in Temporal's workflow sandbox.
 *
 * Determinism: conditions run inside the workflow, so the default limits count evaluation steps
 * and nesting depth, never wall-clock time. `timeoutMs` is for activities only — in the workflow
 * sandbox `Date.now()` does not advance during a task, so a time limit would never fire.
 * (`$now()`/`$millis()`/`$random()` are deterministic in the sandbox, which patches Date and
 * Math.random; in activities they behave normally.)
 */
import jsonata from "jsonata";

export interface ExpressionLimits {
  /** Max evaluator steps (AST node visits, including each tail-call iteration). Deterministic. */
  maxSteps?: number;
  /** Max evaluator nesting depth; stops non-tail recursion before the JS stack overflows. */
  maxDepth?: number;
  /** Max length of any sequence the expression builds (guards `[1..10000000]`). */
  maxSequence?: number;
  /** Wall-clock limit; activities only (see module comment). */
  timeoutMs?: number;
}

/**
 * Defaults are sized for the workflow sandbox, where JSONata is far slower than in plain Node:
 * the sandbox hooks every promise and JSONata awaits on every step. Measured (Temporal 1.x dev
 * server, this machine): ~0.2 ms per step in the sandbox vs ~3 µs in Node, so 5,000 steps cap a
 * runaway condition at about one second of workflow-task time. Real conditions take tens of
 * steps; mapping over a few hundred items takes a few thousand.
 */
export const DEFAULT_EXPRESSION_LIMITS = {
  maxSteps: 5_000,
  maxDepth: 500,
  maxSequence: 100_000,
} as const satisfies ExpressionLimits;

/** For activities (transform): more room, plus a wall-clock bound, which is meaningful there. */
export const ACTIVITY_EXPRESSION_LIMITS = {
  maxSteps: 2_000_000,
  maxDepth: 500,
  maxSequence: 1_000_000,
  timeoutMs: 5_000,
} as const satisfies ExpressionLimits;

export type ExpressionErrorCode =
  "syntax" | "evaluation" | "step_limit" | "depth_limit" | "sequence_limit" | "timeout" | "not_serialisable";

export class ExpressionError extends Error {
  override readonly name = "ExpressionError";
  constructor(
    readonly code: ExpressionErrorCode,
    message: string,
    /** Character offset JSONata reports (end of the offending token), when known. */
    readonly position?: number,
    /** JSONata's own error code (e.g. T2001), for support. */
    readonly jsonataCode?: string,
  ) {
    super(message);
  }
}

export interface CompiledExpression {
  source: string;
  ast: jsonata.ExprNode;
}

export type CompileResult =
  | { ok: true; expr: CompiledExpression }
  | { ok: false; error: { message: string; position: number; code: string } };

/**
 * Parsing is most of what a short expression costs (a node's config is checked, then evaluated,
 * on every attempt, and an agent's expressions repeat run after run), so each source is parsed
 * once per process: syntax results and idle evaluators are kept, least recently used dropped.
 */
const CACHE_SOURCES = 1_000;
/** Idle evaluators kept per source and limits: concurrent evaluations each need their own. */
const IDLE_PER_KEY = 8;

/** A Map used as an LRU: a hit moves its key to the back, inserts drop from the front. */
function lruGet<V>(cache: Map<string, V>, key: string): V | undefined {
  const value = cache.get(key);
  if (value !== undefined) {
    cache.delete(key);
    cache.set(key, value);
  }
  return value;
}

function lruSet<V>(cache: Map<string, V>, key: string, value: V): void {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > CACHE_SOURCES) cache.delete(cache.keys().next().value!);
}

const syntax = new Map<string, CompileResult>();

/**
 * Syntax check, for validation and editors. The result is shared between callers (cached), so
 * its AST is read-only. Evaluation uses evaluators of its own, with the caller's limits.
 */
export function compileExpression(source: string): CompileResult {
  const cached = lruGet(syntax, source);
  if (cached) return cached;
  let result: CompileResult;
  try {
    const compiled = jsonata(source);
    result = { ok: true, expr: { source, ast: compiled.ast() } };
  } catch (err) {
    const info = jsonataErrorInfo(err);
    result = {
      ok: false,
      error: { message: info.message, position: info.position ?? 0, code: info.code ?? "S0000" },
    };
  }
  lruSet(syntax, source, result);
  return result;
}

/**
 * Idle compiled evaluators by limits + source. A JSONata expression object carries per-evaluation
 * state (the step hook assigned below, the timestamp behind `$now()`), so an evaluator is taken
 * out for one evaluation at a time and put back afterwards.
 */
const idle = new Map<string, jsonata.Expression[]>();

/** Scope for expressions: `{ input, nodes }`, plus `item`/`index` inside foreach. */
export type ExpressionScope = Readonly<Record<string, unknown>>;

const STEP_LIMIT = "WEFT_STEP_LIMIT";

/**
 * Evaluates an expression against `scope` (the root document, so `nodes.fetch.output.status`
 * works); each scope key is also bound as a variable (`$item`) for use inside nested contexts.
 * Results are plain JSON: JSONata's internal sequence arrays are copied, functions rejected.
 */
export async function evaluateExpression(
  source: string,
  scope: ExpressionScope,
  limits: ExpressionLimits = {},
): Promise<unknown> {
  const maxSteps = limits.maxSteps ?? DEFAULT_EXPRESSION_LIMITS.maxSteps;
  const options = {
    stack: limits.maxDepth ?? DEFAULT_EXPRESSION_LIMITS.maxDepth,
    sequence: limits.maxSequence ?? DEFAULT_EXPRESSION_LIMITS.maxSequence,
    ...(limits.timeoutMs ? { timeout: limits.timeoutMs } : {}),
  };
  const key = `${options.stack}/${options.sequence}/${limits.timeoutMs ?? 0}\n${source}`;
  let compiled = lruGet(idle, key)?.pop();
  if (!compiled) {
    try {
      compiled = jsonata(source, options);
    } catch (err) {
      throw toExpressionError(err, limits);
    }
  }

  let steps = 0;
  // JSONata looks this symbol up on every evaluation step; the hook is how its own test suite
  // time-boxes expressions. Counting instead of timing keeps workflow replays deterministic.
  const onStep = (): void => {
    steps += 1;
    if (steps > maxSteps) throw { code: STEP_LIMIT };
  };
  compiled.assign(Symbol.for("jsonata.__evaluate_entry") as unknown as string, onStep);

  let result: unknown;
  try {
    result = await compiled.evaluate(scope, { ...scope });
  } catch (err) {
    throw toExpressionError(err, limits);
  } finally {
    const free = idle.get(key) ?? [];
    if (free.length < IDLE_PER_KEY) free.push(compiled);
    lruSet(idle, key, free);
  }
  return toPlainJson(result);
}

/**
 * Evaluates an expression as a condition. Coercion follows JSONata's `$boolean`, so conditions
 * mean the same as `$boolean(expr)` written by hand:
 * - undefined (no match) and null → false
 * - boolean → itself; number → non-zero; string → non-empty
 * - array → true if any member is truthy by these rules (empty → false)
 * - object → true if it has at least one key
 */
export async function evaluateCondition(
  source: string,
  scope: ExpressionScope,
  limits: ExpressionLimits = {},
): Promise<boolean> {
  return toBoolean(await evaluateExpression(source, scope, limits));
}

export function toBoolean(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0 && !Number.isNaN(value);
  if (typeof value === "string") return value.length > 0;
  if (Array.isArray(value)) return value.some(toBoolean);
  if (typeof value === "object") return Object.keys(value).length > 0;
  return false;
}

export interface ExpressionReference {
  root: "nodes" | "input";
  /** Second path step: the node id or the input name. */
  name: string;
  position: number;
}

/**
 * Best-effort static scan for `nodes.ID…` and `input.NAME…` paths, so validation can check
 * that conditions and transforms only read upstream nodes and declared inputs. Paths built
 * dynamically (`$lookup(nodes, $x)`) are not seen; at runtime those simply evaluate to nothing.
 */
export function expressionReferences(expr: CompiledExpression): ExpressionReference[] {
  const found: ExpressionReference[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const n = node as { type?: unknown; steps?: unknown };
    if (n.type === "path" && Array.isArray(n.steps)) {
      const [first, second] = n.steps as { type?: string; value?: unknown; position?: number }[];
      if (
        first?.type === "name" &&
        (first.value === "nodes" || first.value === "input") &&
        second?.type === "name" &&
        typeof second.value === "string"
      ) {
        found.push({ root: first.value, name: second.value, position: second.position ?? 0 });
      }
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(expr.ast);
  return found;
}

const nodesReadCache = new WeakMap<CompiledExpression, ReadonlySet<string> | null>();

/**
 * The node ids an expression can read from `nodes`, for loading only those outputs; null when it
 * may read any (a path through `nodes` that is not `nodes.ID…`, `$`, `$$`, `$nodes`, `$eval`, a
 * leading wildcard or descendant step, the parent operator). Errs on reading more: a name found
 * in a nested context (`input.list.(nodes.a)`) counts too.
 */
export function nodesRead(expr: CompiledExpression): ReadonlySet<string> | null {
  if (nodesReadCache.has(expr)) return nodesReadCache.get(expr)!;
  const ids = new Set<string>();
  let any = false;
  const visit = (node: unknown, laterStep = false): void => {
    if (any || typeof node !== "object" || node === null) return;
    if (Array.isArray(node)) {
      node.forEach((n) => visit(n));
      return;
    }
    const n = node as { type?: unknown; value?: unknown; steps?: unknown; procedure?: unknown };
    if (n.type === "variable" && (n.value === "" || n.value === "$" || n.value === "nodes")) any = true;
    else if ((n.type === "wildcard" || n.type === "descendant") && !laterStep) any = true;
    else if (n.type === "parent") any = true;
    else if (
      (n.type === "function" || n.type === "partial") &&
      (n.procedure as { type?: unknown; value?: unknown } | undefined)?.value === "eval"
    )
      any = true;
    if (any) return;
    if (n.type === "path" && Array.isArray(n.steps)) {
      const [first, second] = n.steps as Array<Record<string, unknown> | undefined>;
      if (first?.type === "name" && first.value === "nodes") {
        const plain = !first.stages && !first.predicate && !first.group;
        if (plain && second?.type === "name" && typeof second.value === "string") ids.add(second.value);
        else any = true;
      }
      (n.steps as unknown[]).forEach((step, i) => visit(step, i > 0));
      for (const [key, value] of Object.entries(node)) if (key !== "steps") visit(value);
      return;
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(expr.ast);
  const result = any ? null : ids;
  nodesReadCache.set(expr, result);
  return result;
}

interface JsonataErrorInfo {
  code?: string;
  message: string;
  position?: number;
  value?: unknown;
}

function jsonataErrorInfo(err: unknown): JsonataErrorInfo {
  if (typeof err !== "object" || err === null) return { message: String(err) };
  const e = err as {
    code?: unknown;
    message?: unknown;
    position?: unknown;
    value?: unknown;
    error?: unknown;
  };
  // `$eval` wraps the inner failure (D3121); the inner one says what actually went wrong.
  if ((e.code === "D3120" || e.code === "D3121") && typeof e.error === "object" && e.error !== null) {
    return jsonataErrorInfo(e.error);
  }
  return {
    code: typeof e.code === "string" ? e.code : undefined,
    message: typeof e.message === "string" && e.message ? e.message : "expression failed",
    position: typeof e.position === "number" ? e.position : undefined,
    value: e.value,
  };
}

function toExpressionError(err: unknown, limits: ExpressionLimits): ExpressionError {
  if (err instanceof ExpressionError) return err;
  const info = jsonataErrorInfo(err);
  const code = info.code ?? "";
  const at = info.position !== undefined ? ` at position ${info.position}` : "";
  if (code === STEP_LIMIT) {
    const max = limits.maxSteps ?? DEFAULT_EXPRESSION_LIMITS.maxSteps;
    return new ExpressionError(
      "step_limit",
      `expression stopped after ${max} evaluation steps — check for infinite recursion or loops`,
      undefined,
      code,
    );
  }
  if (code === "D1011") {
    const max = limits.maxDepth ?? DEFAULT_EXPRESSION_LIMITS.maxDepth;
    return new ExpressionError(
      "depth_limit",
      `expression exceeded the maximum nesting depth of ${max} — check for non-terminating recursion`,
      info.position,
      code,
    );
  }
  if (code === "D1012") {
    return new ExpressionError(
      "timeout",
      `expression timed out after ${limits.timeoutMs ?? 0} ms`,
      info.position,
      code,
    );
  }
  if (code === "D2014" || code === "D2015") {
    return new ExpressionError(
      "sequence_limit",
      `expression built too large a list: ${info.message}`,
      info.position,
      code,
    );
  }
  if (code.startsWith("S")) return new ExpressionError("syntax", `${info.message}${at}`, info.position, code);
  return new ExpressionError("evaluation", `${info.message}${at}`, info.position, code || undefined);
}

function toPlainJson(value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (typeof value === "function" || (typeof value === "object" && "_jsonata_lambda" in value)) {
    throw new ExpressionError("not_serialisable", "expression returned a function, not a value");
  }
  if (Array.isArray(value)) return value.map(toPlainJson);
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const plain = toPlainJson(v);
      if (plain !== undefined) out[k] = plain;
    }
    return out;
  }
  return value;
}

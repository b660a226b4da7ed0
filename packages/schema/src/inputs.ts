/**
 * Run input against a graph's declared inputs: shared by the gateway (reject bad `startRun`
 * input with field paths) and the worker (same defaults on every path, including schedules).
 */
import { matchesInputType, type Graph } from "./graph.ts";
import { didYouMean } from "./suggest.ts";
import { isPlainObject } from "./templates.ts";
import { UNSTORABLE_TEXT_MESSAGE, unstorableTextPaths } from "./text.ts";

export interface RunInputIssue {
  name: string;
  message: string;
}

export type RunInputResult =
  { ok: true; value: Record<string, unknown> } | { ok: false; errors: RunInputIssue[] };

/** Applies defaults, requires `required` inputs, checks types, rejects undeclared names. */
export function resolveRunInput(inputs: Graph["inputs"], provided: unknown): RunInputResult {
  if (provided !== undefined && provided !== null && !isPlainObject(provided)) {
    return { ok: false, errors: [{ name: "", message: "input must be an object" }] };
  }
  const given = provided ?? {};
  const errors: RunInputIssue[] = [];
  const value: Record<string, unknown> = {};
  const declared = Object.keys(inputs);
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(inputs, name)) {
      errors.push({
        name,
        message: `input "${name}" is not declared by this agent${didYouMean(name, declared)}`,
      });
    }
  }
  for (const [name, def] of Object.entries(inputs)) {
    const v = given[name];
    if (v === undefined) {
      if (def.default !== undefined) value[name] = def.default;
      else if (def.required) errors.push({ name, message: `input "${name}" is required` });
      continue;
    }
    if (!matchesInputType(def.type, v)) {
      errors.push({ name, message: `input "${name}" must be of type ${def.type}` });
      continue;
    }
    if (unstorableTextPaths(v, 1).length) {
      errors.push({ name, message: `input "${name}" ${UNSTORABLE_TEXT_MESSAGE}` });
      continue;
    }
    value[name] = v;
  }
  return errors.length ? { ok: false, errors } : { ok: true, value };
}

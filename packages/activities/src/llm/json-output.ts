import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { NodeFailure } from "../errors.ts";
import type { NodeContext } from "../nodes/types.ts";
import { complete, type CompleteOptions, type LlmAnswer } from "./gateway.ts";

// One validator for every node: compiled schemas are cached by ajv per schema object identity.
const ajv = new Ajv2020({ strict: false, allErrors: true });

export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  try {
    return ajv.compile(schema);
  } catch (err) {
    throw new NodeFailure(
      `config.jsonSchema is not a valid JSON Schema: ${(err as Error).message}`,
      false,
      "INVALID_CONFIG",
    );
  }
}

export interface JsonAnswer {
  data: unknown;
  /** Every call made (the first answer and the repair, if one was needed), for usage totals. */
  calls: LlmAnswer[];
}

/**
 * Asks for JSON matching `schema` and validates what comes back. Models still slip (prose around
 * the JSON, a missing field), so an invalid answer gets exactly one repair turn that shows the
 * model its answer and the validation errors; a second invalid answer fails the node without a
 * retry (the same prompt would most likely fail the same way).
 */
export async function completeJson(
  ctx: NodeContext<unknown>,
  opts: CompleteOptions & { schema: Record<string, unknown>; check?: (data: unknown) => string | null },
): Promise<JsonAnswer> {
  const validate = compileSchema(opts.schema);
  const jsonSchema = { name: "answer", schema: opts.schema };
  const calls: LlmAnswer[] = [];
  const first = await complete(ctx, { ...opts, request: { ...opts.request, jsonSchema } });
  calls.push(first);
  let verdict = judge(first.text, validate, opts.check);
  if (verdict.ok) return { data: verdict.data, calls };

  ctx.log(`the answer did not match the schema (${verdict.problem}); asking the model to repair it`);
  // The repair goes to the model that answered, not back to the start of the fallback chain.
  const repair = await complete(ctx, {
    model: first.model,
    request: {
      ...opts.request,
      jsonSchema,
      messages: [
        ...opts.request.messages,
        { role: "assistant", content: first.text },
        {
          role: "user",
          content:
            `That answer is invalid: ${verdict.problem}. Reply again with only a JSON value that ` +
            `satisfies this JSON Schema, and nothing else:\n${JSON.stringify(opts.schema)}`,
        },
      ],
    },
  });
  calls.push(repair);
  verdict = judge(repair.text, validate, opts.check);
  if (verdict.ok) return { data: verdict.data, calls };
  throw new NodeFailure(
    `the model's answer did not match the JSON Schema, even after a repair request: ${verdict.problem}`,
    false,
    "LLM_INVALID_OUTPUT",
  );
}

type Verdict = { ok: true; data: unknown } | { ok: false; problem: string };

function judge(text: string, validate: ValidateFunction, check?: (data: unknown) => string | null): Verdict {
  let data: unknown;
  try {
    data = JSON.parse(extractJson(text));
  } catch (err) {
    return { ok: false, problem: `not valid JSON (${(err as Error).message})` };
  }
  if (!validate(data)) return { ok: false, problem: describeErrors(validate.errors ?? []) };
  const problem = check?.(data);
  return problem ? { ok: false, problem } : { ok: true, data };
}

/** Tolerates the usual wrapping: a ```json fence, or prose around a single object/array. */
export function extractJson(text: string): string {
  const trimmed = text.trim();
  const fence = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(trimmed);
  if (fence) return fence[1]!;
  if (/^[[{]/.test(trimmed)) return trimmed;
  const start = trimmed.search(/[[{]/);
  const end = Math.max(trimmed.lastIndexOf("}"), trimmed.lastIndexOf("]"));
  return start !== -1 && end > start ? trimmed.slice(start, end + 1) : trimmed;
}

function describeErrors(errors: ErrorObject[]): string {
  return errors
    .slice(0, 5)
    .map((e) => `${e.instancePath || "(root)"} ${e.message ?? "is invalid"}`)
    .join("; ");
}

export function sumUsage(calls: LlmAnswer[]) {
  return calls.reduce(
    (t, c) => ({
      tokensIn: t.tokensIn + c.tokensIn,
      tokensOut: t.tokensOut + c.tokensOut,
      costUsd: Math.round((t.costUsd + c.costUsd) * 1e8) / 1e8,
    }),
    { tokensIn: 0, tokensOut: 0, costUsd: 0 },
  );
}

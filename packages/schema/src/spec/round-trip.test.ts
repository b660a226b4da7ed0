import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NODE_TYPE_NAMES, getNodeType } from "../catalogue.ts";
import type { Graph, GraphEdge, GraphInput, InputDefinition, RetryPolicy } from "../graph.ts";
import { validateGraph } from "../validate.ts";
import { compileSpec, printSpec } from "./index.ts";
import type { SpecMeta } from "./types.ts";

/**
 * The round trip the editor relies on: for any valid graph g,
 *   compile(print(g)).graph == g (positions dropped, edges grouped by target step), and
 *   print(compile(print(g)).graph) === print(g).
 * Graphs are generated per node type from hand-written arbitraries of each config schema, with
 * strings chosen to break naive printers (markdown syntax, yaml syntax, edge whitespace, unicode).
 */

/** SPEC_PROPERTY_SCALE=20 for a long soak run; CI uses the default. */
const SCALE = Number(process.env.SPEC_PROPERTY_SCALE ?? "1") || 1;
const RUNS_PER_TYPE = 60 * SCALE;
const RUNS_MIXED = 300 * SCALE;

// ---------- strings ----------

const TRICKY = [
  "#",
  "# not a heading",
  "## fetch · http.request",
  "```",
  "```yaml\nmethod: GET\n```",
  "~~~",
  "---",
  "...",
  "a\nb",
  "\n",
  "\n\nleading newlines",
  "trailing newline\n",
  " lead",
  "trail ",
  "  both  ",
  "\t tab",
  "after: fetch",
  "retry: 3 attempts",
  "name: x",
  "Note: this is prose",
  "key: value",
  "- item",
  "* star",
  "> quote",
  "`tick`",
  "``double``",
  "` edge `",
  "true",
  "null",
  "~",
  "123",
  "1e3",
  "0x1F",
  "-",
  "? q",
  ": colon",
  "&anchor",
  "*alias",
  "!tag",
  "%directive",
  "@at",
  "'single'",
  '"double"',
  "\\{{ escaped",
  "}} close",
  "é ✓ 😀 中文",
  "\u00a0nbsp",
  "line1\r\nline2",
  "cr\ronly",
  "<!-- comment -->",
  "|",
  ">",
  "=====",
  "\u2028sep",
  "\u0007bell",
];

/** Any text without `{{` (templates are generated separately, where they are valid). */
const text = (min = 0, max = 60): fc.Arbitrary<string> =>
  fc
    .oneof(
      { weight: 3, arbitrary: fc.constantFrom(...TRICKY) },
      { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: max }) },
      { weight: 2, arbitrary: fc.string({ maxLength: max }) },
      {
        weight: 2,
        arbitrary: fc
          .array(fc.constantFrom(...TRICKY, "word", "Some prose.", " ", "\n", "\n\n"), { maxLength: 6 })
          .map((parts) => parts.join("")),
      },
    )
    .map((s) => s.replace(/\{(?=\{)/g, "{ "))
    .filter((s) => s.length >= min && s.length <= Math.max(max, 200));

const nonEmpty = (max = 60) => text(1, max);

/** JSON values with tricky strings and keys, but no `{{` and no -0 (JSON has no -0). */
const json: fc.Arbitrary<unknown> = fc
  .letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      text(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie("value"), { maxLength: 3 }),
      fc.dictionary(text(0, 12), tie("value"), { maxKeys: 3 }),
    ),
  }))
  .value.map((v) => JSON.parse(JSON.stringify(v)) as unknown);

const jsonObject = fc
  .dictionary(text(0, 12), json, { maxKeys: 4 })
  .map((v) => JSON.parse(JSON.stringify(v)) as Record<string, unknown>);

const EXPRESSIONS = [
  "1 + 1",
  "true",
  "$count([1, 2, 3]) > 2",
  '"a" & "b"',
  "`weird key` = 1",
  "(\n  $x := 1;\n  $x + 1\n)",
  " spaced ",
  "`weird key` = `other`",
  "[1,2,3][$ > 1]",
  "/* comment */ 42",
];
const expression = fc.constantFrom(...EXPRESSIONS);

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

function compact<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

// ---------- per-type configs ----------

/** Strings in templated fields: plain text or a valid template over what is in scope. */
function templated(scope: string[], min = 0, max = 60): fc.Arbitrary<string> {
  if (!scope.length) return text(min, max);
  return fc.oneof(
    text(min, max),
    fc
      .tuple(text(0, 20), fc.constantFrom(...scope), text(0, 20))
      .map(([a, ref, b]) => `${a.replace(/[{\\]+$/, "")}{{${ref}}}${b.replace(/^}+/, "")}`),
  );
}

const MODELS = ["openai/gpt-4o-mini", "anthropic/claude-3-5-sonnet", "local/llama3:8b"];
const model = fc.constantFrom(...MODELS);
/** Optional since the workspace default model; plus the fallback list. */
const modelFields = {
  model: optional(model),
  fallbackModels: optional(fc.array(model, { maxLength: 2 })),
};
const secretName = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,15}$/);
const email = fc.constantFrom("team@example.com", "a.b+c@sub.example.org", "ünï@exämple.com");
const phone = fc.stringMatching(/^\+[1-9]\d{6,14}$/);
const subreddit = fc.stringMatching(/^[A-Za-z0-9_]{2,21}$/);
const url = fc.constantFrom(
  "https://example.com/api",
  "http://example.com/a?b=c&d=e#frag",
  "https://example.com/path with space".replace(/ /g, "%20"),
  "HTTPS://EXAMPLE.COM/",
);

function configFor(type: string, scope: string[]): fc.Arbitrary<Record<string, unknown>> {
  const t = (min = 0, max = 60) => templated(scope, min, max);
  switch (type) {
    case "llm.generate":
      return fc
        .record({
          ...modelFields,
          prompt: t(1, 200),
          system: optional(t()),
          temperature: optional(fc.double({ min: 0, max: 2, noNaN: true })),
          maxTokens: optional(fc.integer({ min: 1, max: 200_000 })),
          stream: optional(fc.boolean()),
        })
        .map(compact);
    case "llm.structured":
      return fc
        .record({
          ...modelFields,
          prompt: t(1),
          system: optional(t()),
          jsonSchema: jsonObject.filter((o) => Object.keys(o).length > 0),
          temperature: optional(fc.double({ min: 0, max: 2, noNaN: true })),
          maxTokens: optional(fc.integer({ min: 1, max: 200_000 })),
        })
        .map(compact);
    case "llm.classify":
      return fc
        .record({
          ...modelFields,
          text: t(1),
          instructions: optional(t()),
          labels: fc.uniqueArray(nonEmpty(40), { minLength: 2, maxLength: 5 }),
        })
        .map(compact);
    case "http.request":
      return fc
        .record({
          method: optional(fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")),
          url,
          headers: optional(fc.dictionary(text(0, 20), t(), { maxKeys: 3 })),
          query: optional(
            fc.dictionary(text(0, 20), fc.oneof(text(), fc.integer(), fc.boolean()), { maxKeys: 3 }),
          ),
          body: optional(json),
          timeoutMs: optional(fc.integer({ min: 100, max: 300_000 })),
          followRedirects: optional(fc.boolean()),
          expectStatus: optional(
            fc.oneof(
              fc.integer({ min: 100, max: 599 }),
              fc.array(fc.integer({ min: 100, max: 599 }), { minLength: 1, maxLength: 3 }),
            ),
          ),
        })
        .map(compact);
    case "email.send":
      return fc
        .record({
          to: fc.array(email, { minLength: 1, maxLength: 3 }),
          cc: optional(fc.array(email, { maxLength: 2 })),
          subject: t(1),
          text: t(),
          html: optional(t()),
          from: optional(email),
          smtpSecret: secretName,
        })
        .map(compact);
    case "sms.send":
      return fc
        .record({
          to: phone,
          body: t(1),
          from: phone,
          accountSecret: secretName,
          baseUrl: optional(url),
        })
        .map(compact);
    case "reddit.top":
      return fc
        .record({
          subreddit,
          t: optional(fc.constantFrom("hour", "day", "week", "month", "year", "all")),
          limit: optional(fc.integer({ min: 1, max: 100 })),
        })
        .map(compact);
    case "reddit.search":
      return fc
        .record({
          query: t(1),
          subreddit: optional(subreddit),
          sort: optional(fc.constantFrom("relevance", "hot", "top", "new", "comments")),
          t: optional(fc.constantFrom("hour", "day", "week", "month", "year", "all")),
          limit: optional(fc.integer({ min: 1, max: 100 })),
        })
        .map(compact);
    case "transform":
    case "condition":
      return fc.record({ expression });
    case "db.query":
      return fc
        .record({
          connectionSecret: secretName,
          sql: nonEmpty(),
          params: optional(fc.array(json, { maxLength: 3 })),
          readOnly: optional(fc.boolean()),
          maxRows: optional(fc.integer({ min: 1, max: 100_000 })),
          statementTimeoutMs: optional(fc.integer({ min: 100, max: 600_000 })),
        })
        .map(compact);
    case "foreach": {
      const activityTypes = NODE_TYPE_NAMES.filter((n) => getNodeType(n)?.kind === "activity");
      const inline = fc.constantFrom(...activityTypes).chain((inner) =>
        fc
          .record({
            type: fc.constant(inner),
            config: configFor(inner, [...scope, "item", "index"]),
            retry: optional(retryPolicy),
            timeoutMs: optional(fc.integer({ min: 100, max: 86_400_000 })),
          })
          .map(compact),
      );
      return fc
        .record({ items: expression, node: inline, concurrency: optional(fc.integer({ min: 1, max: 50 })) })
        .map(compact);
    }
    case "subagent":
      return fc
        .record({
          agentId: fc.uuid({ version: 4 }),
          input: optional(fc.dictionary(text(0, 12), json, { maxKeys: 3 })),
          maxDepth: optional(fc.integer({ min: 1, max: 10 })),
        })
        .map((c) => compact(JSON.parse(JSON.stringify(c)) as Record<string, unknown>));
    case "approval":
      return fc
        .record({
          message: t(1),
          approvers: optional(fc.array(nonEmpty(30), { minLength: 1, maxLength: 3 })),
          timeoutMs: optional(fc.integer({ min: 1000, max: 30 * 86_400_000 })),
          onTimeout: optional(fc.constantFrom("reject", "approve")),
        })
        .map(compact);
    case "delay":
      return fc.oneof(
        fc.record({ ms: fc.integer({ min: 0, max: 30 * 86_400_000 }) }),
        fc.record({ until: t(1) }),
      );
    case "log":
      return fc
        .record({ message: t(1), level: optional(fc.constantFrom("debug", "info", "warn", "error")) })
        .map(compact);
    default:
      throw new Error(`no arbitrary for node type ${type} — add one when adding a node type`);
  }
}

const retryPolicy: fc.Arbitrary<RetryPolicy> = fc
  .record({
    maxAttempts: fc.integer({ min: 1, max: 20 }),
    initialIntervalMs: fc.oneof(
      fc.integer({ min: 1, max: 86_400_000 }),
      fc.constantFrom(1000, 60_000, 3_600_000, 1500, 90_000),
    ),
    backoff: fc.oneof(fc.double({ min: 1, max: 100, noNaN: true }), fc.constantFrom(1, 2, 1.5)),
    maxIntervalMs: optional(fc.integer({ min: 1, max: 86_400_000 })),
  })
  .map((r) => {
    const policy: RetryPolicy = {
      maxAttempts: r.maxAttempts,
      initialIntervalMs: r.initialIntervalMs,
      backoff: r.backoff,
    };
    if (r.maxIntervalMs !== undefined) policy.maxIntervalMs = Math.max(r.maxIntervalMs, r.initialIntervalMs);
    return policy;
  });

// ---------- graphs ----------

const inputDefinition: fc.Arbitrary<InputDefinition> = fc
  .constantFrom("string", "number", "boolean", "object", "array")
  .chain((type) => {
    const value: fc.Arbitrary<unknown> =
      type === "string"
        ? text()
        : type === "number"
          ? fc.oneof(
              fc.integer(),
              fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => n + 0),
            )
          : type === "boolean"
            ? fc.boolean()
            : type === "object"
              ? jsonObject
              : fc.array(json, { maxLength: 3 });
    return fc
      .record({
        type: fc.constant(type),
        default: optional(value),
        description: optional(text(0, 100)),
        required: optional(fc.boolean()),
      })
      .map((d) => compact(d) as InputDefinition);
  });

const inputName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/);
const nodeId = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{0,10}$/);

const CONDITIONS = [...EXPRESSIONS, "nodes.`SRC`.output.status = 200", "input.INPUT != null"];

function graphArb(types: fc.Arbitrary<string>, maxNodes: number): fc.Arbitrary<Graph> {
  return fc
    .record({
      inputs: fc.uniqueArray(fc.tuple(inputName, inputDefinition), {
        maxLength: 4,
        selector: ([name]) => name,
      }),
      ids: fc.uniqueArray(nodeId, { minLength: 1, maxLength: maxNodes }),
    })
    .chain(({ inputs, ids }) => {
      const inputNames = inputs.map(([n]) => n);
      const nodes = fc.tuple(...ids.map(() => types)).chain((typeList) => {
        // Edges only go forward in id order, so the graph is acyclic by construction.
        const pairs: [number, number][] = [];
        for (let j = 0; j < ids.length; j++) for (let i = 0; i < j; i++) pairs.push([i, j]);
        const edgeArb = pairs.length
          ? fc.uniqueArray(
              fc.record({
                pair: fc.constantFrom(...pairs),
                on: fc.constantFrom(undefined, undefined, "error", "success"),
                condition: optional(fc.constantFrom(...CONDITIONS)),
              }),
              {
                maxLength: Math.min(12, pairs.length * 2),
                selector: (e) => `${e.pair.join()}:${e.on ?? ""}`,
              },
            )
          : fc.constant([]);
        return edgeArb.chain((rawEdges) => {
          const edges: GraphEdge[] = [];
          for (const e of rawEdges) {
            const [i, j] = e.pair;
            const from = ids[i] as string;
            const fromDef = getNodeType(typeList[i] as string);
            const on = e.on === "error" && !fromDef?.canFail ? undefined : e.on;
            if (
              edges.some((x) => x.from === from && x.to === ids[j] && (x.on === "error") === (on === "error"))
            )
              continue;
            const edge: GraphEdge = { from, to: ids[j] as string };
            if (e.condition !== undefined) {
              const condition = e.condition.replace("SRC", from).replace("INPUT", inputNames[0] ?? "");
              if (!condition.endsWith("input. != null")) edge.condition = condition;
            }
            if (on !== undefined) edge.on = on as "error" | "success";
            edges.push(edge);
          }
          const nodeArbs = ids.map((id, j) => {
            const type = typeList[j] as string;
            const def = getNodeType(type);
            const parents = edges.filter((e) => e.to === id).map((e) => `nodes.${e.from}.output`);
            const scope = [...inputNames.map((n) => `input.${n}`), ...parents];
            const activity = def?.kind === "activity";
            return fc
              .record({
                name: optional(text(0, 80)),
                description: optional(text(0, 300)),
                config: configFor(
                  type,
                  def?.kind === "control" ? inputNames.map((n) => `input.${n}`) : scope,
                ),
                retry: activity ? optional(retryPolicy) : fc.constant(undefined),
                timeoutMs: activity
                  ? optional(fc.integer({ min: 100, max: 86_400_000 }))
                  : fc.constant(undefined),
              })
              .map((n) => compact({ id, type, ...n }));
          });
          return fc.tuple(...nodeArbs).map(
            (nodes) =>
              ({
                version: 1,
                inputs: Object.fromEntries(inputs),
                nodes,
                edges,
              }) as Graph,
          );
        });
      });
      return nodes;
    });
}

const meta: fc.Arbitrary<SpecMeta> = fc
  .record({
    name: optional(text(0, 80)),
    description: optional(text(0, 200)),
    schedule: optional(fc.constantFrom("0 8 * * 1-5", "*/15 * * * *", "0 0 1 JAN ?")),
  })
  .map(compact);

/** The spec groups edges under their target step; within a step their order is kept. */
function canonicalEdges(graph: Graph): Graph {
  const index = new Map(graph.nodes.map((n, i) => [n.id, i]));
  const edges = graph.edges
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (index.get(a.e.to) ?? 0) - (index.get(b.e.to) ?? 0) || a.i - b.i)
    .map(({ e }) => e);
  return { ...graph, edges };
}

function checkRoundTrip(graph: Graph, m: SpecMeta): void {
  const valid = validateGraph(graph);
  if (!valid.ok) throw new Error(`generator produced an invalid graph: ${JSON.stringify(valid.errors)}`);
  const printed = printSpec(graph, m);
  const result = compileSpec(printed);
  if (!result.ok) {
    throw new Error(`compile failed:\n${JSON.stringify(result.diagnostics, null, 1)}\n---\n${printed}`);
  }
  expect(result.graph).toStrictEqual(canonicalEdges(JSON.parse(JSON.stringify(valid.graph)) as Graph));
  expect(result.meta).toStrictEqual(m);
  expect(result.diagnostics).toEqual([]);
  expect(printSpec(result.graph as Graph, result.meta)).toBe(printed);
}

describe("AgentSpec round trip (property)", () => {
  it.each(NODE_TYPE_NAMES)(
    "holds for graphs of %s nodes",
    (type) => {
      fc.assert(
        fc.property(graphArb(fc.constant(type), 3), meta, (graph, m) => checkRoundTrip(graph, m)),
        { numRuns: RUNS_PER_TYPE },
      );
    },
    60_000 * SCALE,
  );

  it(
    "holds for mixed graphs of every node type",
    () => {
      fc.assert(
        fc.property(graphArb(fc.constantFrom(...NODE_TYPE_NAMES), 8), meta, (graph, m) =>
          checkRoundTrip(graph, m),
        ),
        { numRuns: RUNS_MIXED },
      );
    },
    60_000 * SCALE,
  );

  it("drops canvas positions and nothing else", () => {
    const graph: GraphInput = {
      version: 1,
      inputs: {},
      nodes: [{ id: "a", type: "log", config: { message: "hi" }, position: { x: 10, y: 20 } }],
      edges: [],
    };
    const result = compileSpec(printSpec(graph));
    expect(result.graph?.nodes[0]).toStrictEqual({ id: "a", type: "log", config: { message: "hi" } });
  });
});

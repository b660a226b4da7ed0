import fc from "fast-check";
import { NODE_TYPE_NAMES, nodeTypes, validateGraph } from "@weft/schema";
import { EXAMPLE_GRAPH } from "@weft/schema/examples";
import { printSpec } from "@weft/schema/spec/index";

/**
 * Inputs for the fuzz drill: structured mutations of valid graphs, specs and run inputs (the
 * near-misses a user or a buggy client produces), plus random JSON and text.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** A graph with one node of every type (its catalogue example), chained, minus any that do not validate alone. */
function catalogueGraph(): Json {
  let nodes = nodeTypes.map((t, i) => ({
    id: `n${i}_${t.type.replace(/\W/g, "_")}`,
    type: t.type,
    config: t.example,
  }));
  for (let round = 0; round < nodeTypes.length; round++) {
    const graph = {
      version: 1,
      inputs: { topic: { type: "string", default: "weft" } },
      nodes,
      edges: nodes.slice(1).map((n, i) => ({ from: nodes[i]!.id, to: n.id })),
    };
    const checked = validateGraph(graph);
    if (checked.ok) return JSON.parse(JSON.stringify(graph)) as Json;
    const bad = new Set(checked.errors.map((e) => e.nodeId).filter(Boolean));
    if (!bad.size) break;
    nodes = nodes.filter((n) => !bad.has(n.id));
  }
  return JSON.parse(JSON.stringify(EXAMPLE_GRAPH)) as Json;
}

const BRANCHY: Json = {
  version: 1,
  inputs: {
    who: { type: "string", required: true },
    count: { type: "number", default: 2 },
    tags: { type: "array", default: [] },
  },
  nodes: [
    { id: "check", type: "condition", config: { expression: "input.count > 1" } },
    { id: "many", type: "transform", config: { expression: "input.tags" } },
    { id: "call", type: "http.request", config: { method: "GET", url: "https://example.com/{{input.who}}" } },
    { id: "rescue", type: "log", config: { message: "failed: {{nodes.call.error.message}}" } },
    { id: "done", type: "log", config: { message: "{{nodes.many.output}}" } },
  ],
  edges: [
    { from: "check", to: "many", condition: "nodes.check.output.result" },
    { from: "many", to: "call" },
    { from: "call", to: "rescue", on: "error" },
    { from: "call", to: "done" },
  ],
};

export const SEED_GRAPHS: Json[] = [
  JSON.parse(JSON.stringify(EXAMPLE_GRAPH)) as Json,
  catalogueGraph(),
  BRANCHY,
];
export const SEED_SPECS: string[] = SEED_GRAPHS.map((g) => {
  const checked = validateGraph(g);
  if (!checked.ok) throw new Error("seed graph does not validate");
  return printSpec(checked.graph, { name: "Fuzz seed" });
});

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Every path to a value inside `value` (the root is []). */
function paths(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

/** Sets an own property, even one named __proto__ (plain assignment would change the prototype). */
function setOwn(target: object, key: string | number, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function containerAt(root: Json, path: Path): { parent: object; key: string | number } | null {
  if (!path.length) return null;
  let parent: Json = root;
  for (const seg of path.slice(0, -1)) {
    if (parent === null || typeof parent !== "object") return null;
    parent = (parent as Record<string | number, Json>)[seg] as Json;
  }
  if (parent === null || typeof parent !== "object") return null;
  return { parent, key: path[path.length - 1]! };
}

/** Values users and clients get wrong: wrong types, edge numbers, template and expression junk. */
const nastyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    "",
    " ",
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    2 ** 53,
    true,
    false,
    [],
    {},
    "{{",
    "}}",
    "{{input.}}",
    "{{nodes.nope.output}}",
    "{{secrets.lower_case}}",
    "{{secrets.}}",
    "{{ input.who | upper }}",
    "$eval('1')",
    "nodes.",
    "(((",
    "__proto__",
    "constructor",
    "x".repeat(70),
    "x".repeat(20_000),
    "\u0000",
    "\ud800",
    "😀",
    "../../etc/passwd",
    "http://169.254.169.254/latest/meta-data",
    "javascript:alert(1)",
    "1 day",
    "P1D",
  ),
  fc.constantFrom<Json>(...NODE_TYPE_NAMES, "nope", "llm", "http.request "),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.string({ maxLength: 40 }),
);

type Mutation = (value: Json, pick: number, extra: Json, key: string) => Json;

const MUTATIONS: Mutation[] = [
  // Replace a value anywhere.
  (v, pick, extra) => {
    const all = paths(v);
    const target = all[pick % all.length]!;
    const at = containerAt(v, target);
    if (!at) return extra;
    setOwn(at.parent, at.key, extra);
    return v;
  },
  // Delete a key or array element anywhere.
  (v, pick) => {
    const all = paths(v).filter((p) => p.length);
    if (!all.length) return v;
    const at = containerAt(v, all[pick % all.length]!);
    if (!at) return v;
    if (Array.isArray(at.parent)) at.parent.splice(Number(at.key), 1);
    else delete (at.parent as Record<string, Json>)[at.key];
    return v;
  },
  // Add an unknown key to an object.
  (v, pick, extra, key) => {
    const objects = paths(v).filter((p) => {
      const at = p.length ? containerAt(v, p) : null;
      const target = at ? (at.parent as Record<string | number, Json>)[at.key] : v;
      return target !== null && typeof target === "object" && !Array.isArray(target);
    });
    if (!objects.length) return v;
    const p = objects[pick % objects.length]!;
    const at = p.length ? containerAt(v, p) : null;
    const target = (at ? (at.parent as Record<string | number, Json>)[at.key] : v) as Record<string, Json>;
    setOwn(target, key, extra);
    return v;
  },
  // Duplicate a node (same id), or an edge.
  (v, pick) => {
    if (!v || typeof v !== "object" || Array.isArray(v)) return v;
    const list = (pick % 2 ? v["nodes"] : v["edges"]) as Json;
    if (Array.isArray(list) && list.length) list.push(clone(list[pick % list.length]!));
    return v;
  },
  // An edge between whatever: unknown ids, itself, backwards (cycles).
  (v, pick, _extra, key) => {
    if (!v || typeof v !== "object" || Array.isArray(v)) return v;
    const nodes = Array.isArray(v["nodes"]) ? (v["nodes"] as Json[]) : [];
    const ids = nodes.map((n) => (n && typeof n === "object" && !Array.isArray(n) ? n["id"] : null));
    const from = ids.length ? ids[ids.length - 1 - (pick % ids.length)] : key;
    const to = pick % 3 === 0 ? key : ids.length ? ids[pick % ids.length] : key;
    if (!Array.isArray(v["edges"])) v["edges"] = [];
    (v["edges"] as Json[]).push({ from: from ?? key, to: to ?? key });
    return v;
  },
  // Swap two nodes' configs (valid config, wrong type).
  (v, pick) => {
    if (!v || typeof v !== "object" || Array.isArray(v) || !Array.isArray(v["nodes"])) return v;
    const nodes = v["nodes"] as Record<string, Json>[];
    if (nodes.length < 2) return v;
    const a = nodes[pick % nodes.length];
    const b = nodes[(pick + 1) % nodes.length];
    const isObject = (n: unknown): n is Record<string, Json> =>
      !!n && typeof n === "object" && !Array.isArray(n);
    if (!isObject(a) || !isObject(b)) return v;
    const config = a["config"] ?? null;
    a["config"] = b["config"] ?? null;
    b["config"] = config;
    return v;
  },
];

const mutationStep = fc.tuple(
  fc.nat({ max: MUTATIONS.length - 1 }),
  fc.nat(),
  nastyValue,
  fc.oneof(
    fc.constantFrom("id", "type", "config", "extra", "__proto__", "constructor", ""),
    fc.string({ maxLength: 12 }),
  ),
);

/** A seed with 1–4 mutations applied. */
function mutated(seeds: Json[]): fc.Arbitrary<Json> {
  return fc
    .tuple(fc.nat({ max: seeds.length - 1 }), fc.array(mutationStep, { minLength: 1, maxLength: 4 }))
    .map(([seed, steps]) => {
      let value: Json = clone<Json>(seeds[seed] ?? null);
      for (const [m, pick, extra, key] of steps) value = MUTATIONS[m]!(value, pick, clone<Json>(extra), key);
      return value;
    });
}

/** Graphs for updateDraft(graph): mostly near-misses, some valid, some arbitrary JSON. */
export const graphArbitrary: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: mutated(SEED_GRAPHS) },
  { weight: 1, arbitrary: fc.constantFrom(...SEED_GRAPHS) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json> },
  {
    weight: 1,
    arbitrary: fc.record({
      version: nastyValue,
      inputs: nastyValue,
      nodes: fc.oneof(nastyValue, fc.array(fc.dictionary(fc.string({ maxLength: 8 }), nastyValue))),
      edges: nastyValue,
    }),
  },
);

const SPEC_FRAGMENTS = [
  "---",
  "```yaml",
  "```",
  "## Steps",
  "### fetch",
  "- type: http.request",
  "  url: {{input.x}}",
  "when: nodes.a.output.ok",
  "on error: rescue",
  "after: nope",
  "inputs:",
  "  who: { type: strin }",
  "retry: 3 times every -1s",
  "timeout: forever",
  ":",
  "- - -",
  "\t\t",
  "&anchor *alias",
  "!!binary AAAA",
  "{{",
  "# ",
  "\u0000",
];

/** Text mutations of a spec: lines deleted, duplicated, swapped, inserted; cut short; characters replaced. */
function mutatedSpec(): fc.Arbitrary<string> {
  const step = fc.tuple(
    fc.nat({ max: 5 }),
    fc.nat(),
    fc.nat(),
    fc.oneof(fc.constantFrom(...SPEC_FRAGMENTS), fc.string({ maxLength: 30 })),
  );
  return fc
    .tuple(fc.nat({ max: SEED_SPECS.length - 1 }), fc.array(step, { minLength: 1, maxLength: 5 }))
    .map(([seed, steps]) => {
      let text = SEED_SPECS[seed]!;
      for (const [kind, a, b, fragment] of steps) {
        const lines = text.split("\n");
        const i = a % lines.length;
        const j = b % lines.length;
        switch (kind) {
          case 0:
            lines.splice(i, 1);
            break;
          case 1:
            lines.splice(i, 0, lines[j]!);
            break;
          case 2:
            [lines[i], lines[j]] = [lines[j]!, lines[i]!];
            break;
          case 3:
            lines.splice(i, 0, fragment);
            break;
          case 4:
            lines[i] = lines[i]!.slice(0, b % (lines[i]!.length + 1)) + fragment;
            break;
          default:
            return lines.join("\n").slice(0, a % (text.length + 1));
        }
        text = lines.join("\n");
      }
      return text;
    });
}

/** Specs for updateDraft(spec) and compileSpec. */
export const specArbitrary: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: mutatedSpec() },
  { weight: 1, arbitrary: fc.constantFrom(...SEED_SPECS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 200 }) },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
);

/** Declared inputs of the agent the startRun cases run against: one of each type. */
export const RUN_INPUTS = {
  who: { type: "string", required: true },
  count: { type: "number", default: 1 },
  loud: { type: "boolean", default: false },
  options: { type: "object", default: {} },
  tags: { type: "array", default: [] },
} as const;

const VALID_RUN_INPUT: Json = { who: "ada", count: 3, loud: true, options: { a: 1 }, tags: ["x"] };

/** Inputs for startRun: valid ones, near-misses (a wrong type, a missing required, an extra name) and junk. */
export const runInputArbitrary: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: mutated([VALID_RUN_INPUT, { who: "x" }]) },
  { weight: 1, arbitrary: fc.constant(VALID_RUN_INPUT) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  {
    weight: 1,
    arbitrary: fc.dictionary(
      fc.oneof(
        fc.constantFrom("who", "count", "loud", "options", "tags", "Who", "__proto__"),
        fc.string({ maxLength: 8 }),
      ),
      nastyValue,
    ),
  },
);

import { describe, expect, it } from "vitest";
import { canonicalJson, graphChecksum } from "./checksum.ts";
import { EXAMPLE_GRAPH } from "./examples.ts";
import { GraphSchema, type Graph } from "./graph.ts";

const base = (): Graph => GraphSchema.parse(structuredClone(EXAMPLE_GRAPH));

/** Rebuilds every object with its keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  }
  return value;
}

describe("graphChecksum", () => {
  it("is a SHA-256 hex digest and stable", () => {
    const sum = graphChecksum(base());
    expect(sum).toMatch(/^[0-9a-f]{64}$/);
    expect(graphChecksum(base())).toBe(sum);
  });

  it("ignores key order and canvas positions", () => {
    const moved = base();
    moved.nodes[0]!.position = { x: 500, y: -20 };
    moved.nodes[1]!.position = { x: 1, y: 2 };
    expect(graphChecksum(reverseKeys(moved) as Graph)).toBe(graphChecksum(base()));
  });

  it("changes for real edits", () => {
    const sums = new Set([graphChecksum(base())]);
    const edits: ((g: Graph) => void)[] = [
      (g) => ((g.nodes[1]!.config as { prompt: string }).prompt += "!"),
      (g) => (g.edges[0]!.condition = "true"),
      (g) => (g.nodes[0]!.timeoutMs = 1000),
      (g) => g.nodes.reverse(),
      (g) => (g.inputs.extra = { type: "number" }),
      (g) => ((g.nodes[1]!.config as { prompt: string }).prompt = "Summarize: {{nodes.fetch.output.body}} ü"),
    ];
    for (const edit of edits) {
      const g = base();
      edit(g);
      sums.add(graphChecksum(g));
    }
    expect(sums.size).toBe(edits.length + 1);
  });

  it("matches a known SHA-256 vector (UTF-8 encoding included)", async () => {
    const { sha256 } = await import("@noble/hashes/sha2.js");
    const { createHash } = await import("node:crypto");
    const graph = {
      version: 1,
      inputs: {},
      nodes: [{ id: "a", type: "log", config: { message: "héllo 🌍" } }],
      edges: [],
    } as Graph;
    const expected = createHash("sha256").update(canonicalJson(graph), "utf8").digest("hex");
    expect(graphChecksum(graph)).toBe(expected);
    expect(sha256).toBeTypeOf("function");
  });

  it("serialises canonically", () => {
    expect(canonicalJson({ b: [1, { d: 1, c: undefined, a: "x" }], a: null })).toBe(
      '{"a":null,"b":[1,{"a":"x","d":1}]}',
    );
  });
});

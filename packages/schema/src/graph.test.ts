import { describe, expect, it } from "vitest";
import { EXAMPLE_GRAPH as architectureExample } from "./examples.ts";
import { GraphSchema, RetryPolicySchema } from "./graph.ts";

describe("GraphSchema", () => {
  it("accepts the ARCHITECTURE.md example", () => {
    expect(GraphSchema.safeParse(architectureExample).success).toBe(true);
  });

  it("defaults inputs and edges", () => {
    const g = GraphSchema.parse({ version: 1, nodes: [] });
    expect(g.inputs).toEqual({});
    expect(g.edges).toEqual([]);
  });

  it("rejects unknown keys at every level", () => {
    const r = GraphSchema.safeParse({
      ...architectureExample,
      extra: 1,
      nodes: [{ id: "a", type: "log", config: {}, colour: "red" }],
      edges: [{ from: "a", to: "b", kind: "x" }],
    });
    expect(r.success).toBe(false);
    const keys = r.error?.issues.filter((i) => i.code === "unrecognized_keys").map((i) => i.path.join("."));
    expect(keys?.sort()).toEqual(["", "edges.0", "nodes.0"]);
  });

  it.each([
    ["1abc", false],
    ["a", true],
    ["fetch-posts_2", true],
    ["a".repeat(64), true],
    ["a".repeat(65), false],
    ["has space", false],
  ])("node id %s valid=%s", (id, valid) => {
    const r = GraphSchema.safeParse({ version: 1, nodes: [{ id, type: "log", config: {} }] });
    expect(r.success).toBe(valid);
  });

  it("bounds retry policies and timeouts", () => {
    expect(RetryPolicySchema.safeParse({ maxAttempts: 21, initialIntervalMs: 1, backoff: 1 }).success).toBe(
      false,
    );
    expect(RetryPolicySchema.safeParse({ maxAttempts: 1, initialIntervalMs: 1, backoff: 0.5 }).success).toBe(
      false,
    );
    expect(
      RetryPolicySchema.safeParse({ maxAttempts: 2, initialIntervalMs: 1000, backoff: 2, maxIntervalMs: 10 })
        .success,
    ).toBe(false);
    const node = (timeoutMs: number) => ({
      version: 1,
      nodes: [{ id: "a", type: "log", config: {}, timeoutMs }],
    });
    expect(GraphSchema.safeParse(node(99)).success).toBe(false);
    expect(GraphSchema.safeParse(node(24 * 3600 * 1000)).success).toBe(true);
    expect(GraphSchema.safeParse(node(24 * 3600 * 1000 + 1)).success).toBe(false);
  });

  it("checks input defaults against the declared type", () => {
    const r = GraphSchema.safeParse({
      version: 1,
      inputs: { n: { type: "number", default: "3" } },
      nodes: [],
    });
    expect(r.success).toBe(false);
  });
});

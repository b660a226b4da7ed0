import { describe, expect, it } from "vitest";
import { downstreamOf, findCycles, topologicalOrder, upstreamOf } from "./graph-order.ts";

const g = (ids: string[], edges: [string, string][]) => ({
  nodes: ids.map((id) => ({ id })),
  edges: edges.map(([from, to]) => ({ from, to })),
});

describe("graph order", () => {
  const diamond = g(
    ["d", "b", "c", "a"],
    [
      ["a", "b"],
      ["a", "c"],
      ["b", "d"],
      ["c", "d"],
    ],
  );

  it("orders topologically, breaking ties by node order", () => {
    expect(topologicalOrder(diamond)).toEqual(["a", "b", "c", "d"]);
    expect(topologicalOrder(g(["z", "y", "x"], []))).toEqual(["z", "y", "x"]);
  });

  it("computes transitive upstream and downstream sets", () => {
    expect([...upstreamOf(diamond, "d")].sort()).toEqual(["a", "b", "c"]);
    expect([...upstreamOf(diamond, "a")]).toEqual([]);
    expect([...downstreamOf(diamond, "b")]).toEqual(["d"]);
  });

  it("finds one named cycle per strongly connected component", () => {
    const cyclic = g(
      ["a", "b", "c", "x", "y"],
      [
        ["a", "b"],
        ["b", "c"],
        ["c", "a"],
        ["x", "y"],
        ["y", "x"],
      ],
    );
    expect(findCycles(cyclic)).toEqual([
      ["a", "b", "c"],
      ["x", "y"],
    ]);
    expect(() => topologicalOrder(cyclic)).toThrow(/cycle: a → b → c → a/);
  });

  it("handles long chains without recursion limits", () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `n${i}`);
    const chain = g(
      ids,
      ids.slice(1).map((id, i) => [ids[i] as string, id]),
    );
    expect(topologicalOrder(chain)).toHaveLength(5000);
    expect(findCycles(chain)).toEqual([]);
  });
});

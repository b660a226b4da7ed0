import { describe, expect, it } from "vitest";
import { nodesReadBy } from "./run-scope.ts";

describe("nodesReadBy", () => {
  it("collects the nodes named by templates, expression fields and edge conditions", () => {
    expect(
      nodesReadBy(
        {
          url: "https://x.test/{{nodes.a.output.id}}?q={{input.q}}",
          headers: { k: "{{nodes.b.error.message}}" },
          expression: "nodes.c.output",
        },
        ["expression"],
        [{ to: "z", condition: "nodes.d.output.ok" }, { to: "y" }],
      )?.sort(),
    ).toEqual(["a", "b", "c", "d"]);
    expect(nodesReadBy({ message: "hello" }, [], [])).toEqual([]);
  });

  it("an expression field is never read as a template, nor a template as an expression", () => {
    expect(nodesReadBy({ expression: "'{{nodes.a.output}}'" }, ["expression"], [])).toEqual([]);
    expect(nodesReadBy({ message: "nodes.a.output" }, [], [])).toEqual([]);
  });

  it("is null (every node) when an expression or condition reads `nodes` dynamically or does not parse", () => {
    expect(nodesReadBy({ expression: "$keys(nodes)" }, ["expression"], [])).toBeNull();
    expect(nodesReadBy({}, [], [{ to: "z", condition: "$.nodes.a" }])).toBeNull();
    expect(nodesReadBy({ expression: "nodes.a.(" }, ["expression"], [])).toBeNull();
    expect(nodesReadBy({ expression: 42 }, ["expression"], [])).toBeNull();
  });
});

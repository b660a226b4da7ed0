import { describe, expect, it } from "vitest";
import {
  ACTIVITY_EXPRESSION_LIMITS,
  compileExpression,
  evaluateCondition,
  evaluateExpression,
  ExpressionError,
  expressionReferences,
  nodesRead,
  toBoolean,
} from "./expressions.ts";

const scope = {
  input: { threshold: 10, tags: ["a", "b"] },
  nodes: { fetch: { output: { status: 200, body: { items: [{ score: 5 }, { score: 20 }] } } } },
};

async function failure(p: Promise<unknown>): Promise<ExpressionError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionError);
    return err as ExpressionError;
  }
  throw new Error("expected the expression to fail");
}

describe("compileExpression", () => {
  it("accepts valid expressions and exposes the AST", () => {
    const r = compileExpression("nodes.fetch.output.status = 200");
    expect(r.ok).toBe(true);
  });

  it("reports syntax errors with a position", () => {
    const r = compileExpression("nodes.fetch.output.status = ");
    expect(r).toEqual({
      ok: false,
      error: { message: "Unexpected end of expression", position: 28, code: "S0207" },
    });
    const r2 = compileExpression("a b");
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error.position).toBe(3);
  });
});

describe("evaluateCondition", () => {
  it("evaluates edge conditions over { input, nodes }", async () => {
    expect(await evaluateCondition("nodes.fetch.output.status = 200", scope)).toBe(true);
    expect(await evaluateCondition("nodes.fetch.output.status = 404", scope)).toBe(false);
    // Inside a predicate, bare paths are relative to the item; scope keys are also variables.
    expect(
      await evaluateCondition("$count(nodes.fetch.output.body.items[score > $input.threshold]) > 0", scope),
    ).toBe(true);
    expect(await evaluateCondition("$count(nodes.fetch.output.body.items[score > 100]) > 0", scope)).toBe(
      false,
    );
  });

  it("treats a missing path as false rather than an error", async () => {
    expect(await evaluateCondition("nodes.nope.output.ok", scope)).toBe(false);
  });

  it.each([
    [undefined, false],
    [null, false],
    [0, false],
    [2, true],
    ["", false],
    ["x", true],
    [[], false],
    [[0, ""], false],
    [[0, 1], true],
    [{}, false],
    [{ a: 1 }, true],
  ])("coerces %j to %s like $boolean", (value, expected) => {
    expect(toBoolean(value)).toBe(expected);
  });

  it("agrees with JSONata's own $boolean", async () => {
    for (const literal of ["0", "1", "''", "'a'", "[]", "[0]", "[0, 1]", "{}", "{'a': 1}", "null"]) {
      const own = await evaluateExpression(`$boolean(${literal})`, {});
      expect(await evaluateCondition(literal, {}), literal).toBe(own);
    }
  });
});

describe("evaluateExpression", () => {
  it("returns plain JSON (no JSONata sequence markers)", async () => {
    const r = await evaluateExpression("nodes.fetch.output.body.items.score", scope);
    expect(r).toEqual([5, 20]);
    expect(Object.keys(r as object)).toEqual(["0", "1"]);
  });

  it("binds scope keys as variables for nested contexts", async () => {
    expect(
      await evaluateExpression("$map([1, 2], function($v) { $v + $item.n })", { item: { n: 10 } }),
    ).toEqual([11, 12]);
  });

  it("stops runaway tail recursion with the step limit", async () => {
    const err = await failure(evaluateExpression("($f := function($x){ $f($x) }; $f(1))", {}));
    expect(err.code).toBe("step_limit");
    expect(err.message).toMatch(/stopped after 5000 evaluation steps/);
  });

  it("honours a custom step limit", async () => {
    const err = await failure(evaluateExpression("$sum([1..1000].($ * 2))", {}, { maxSteps: 50 }));
    expect(err.code).toBe("step_limit");
    expect(await evaluateExpression("$sum([1..1000].($ * 2))", {}, ACTIVITY_EXPRESSION_LIMITS)).toBe(1001000);
  });

  it("reuses parsed expressions without sharing state between evaluations", async () => {
    // Evaluators are kept per source and limits: concurrent evaluations must each see their own
    // scope, and a step count that ran out must not carry over to the next evaluation.
    const source = "$sum(nodes.a.output) + input.k";
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, k) =>
        evaluateExpression(
          source,
          { input: { k }, nodes: { a: { output: [k, k] } } },
          ACTIVITY_EXPRESSION_LIMITS,
        ),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, k) => 3 * k));
    const loop = "$sum([1..100].($ * 2))";
    expect((await failure(evaluateExpression(loop, {}, { maxSteps: 50 }))).code).toBe("step_limit");
    expect((await failure(evaluateExpression(loop, {}, { maxSteps: 50 }))).code).toBe("step_limit");
    expect(await evaluateExpression(loop, {}, { maxSteps: 5_000 })).toBe(10100);
    expect(compileExpression("1 +")).toBe(compileExpression("1 +"));
  });

  it("stops deep non-tail recursion with the depth limit", async () => {
    const err = await failure(evaluateExpression("($f := function($x){ 1 + $f($x) }; $f(1))", {}));
    expect(err.code).toBe("depth_limit");
  });

  it("bounds sequence sizes", async () => {
    const err = await failure(evaluateExpression("$count([1..5000000])", {}));
    expect(err.code).toBe("sequence_limit");
  });

  it("supports a wall-clock limit for activities", async () => {
    const err = await failure(
      evaluateExpression(
        "($f := function($x){ $f($x) }; $f(1))",
        {},
        { timeoutMs: 20, maxSteps: Number.MAX_SAFE_INTEGER },
      ),
    );
    expect(err.code).toBe("timeout");
  });

  it("reports evaluation errors with a position", async () => {
    const err = await failure(evaluateExpression("1 + 'a'", {}));
    expect(err.code).toBe("evaluation");
    expect(err.position).toBeTypeOf("number");
  });

  it("rejects functions as results", async () => {
    const err = await failure(evaluateExpression("function($x) { $x }", {}));
    expect(err.code).toBe("not_serialisable");
  });

  it("keeps limits inside $eval", async () => {
    const err = await failure(evaluateExpression("$eval('($f := function($x){ $f($x) }; $f(1))')", {}));
    expect(err.code).toBe("step_limit");
  });
});

describe("expressionReferences", () => {
  it("finds nodes.* and input.* paths", () => {
    const r = compileExpression("nodes.`my-node`.output.x = input.limit and $count(nodes.b.output) > 0");
    if (!r.ok) throw new Error("should compile");
    expect(expressionReferences(r.expr).map((x) => `${x.root}.${x.name}`)).toEqual([
      "nodes.my-node",
      "input.limit",
      "nodes.b",
    ]);
  });
});

describe("nodesRead", () => {
  const read = (source: string) => {
    const compiled = compileExpression(source);
    if (!compiled.ok) throw new Error(compiled.error.message);
    const ids = nodesRead(compiled.expr);
    return ids === null ? null : [...ids].sort();
  };

  it("lists the nodes a static path names, wherever the path sits", () => {
    expect(read("42")).toEqual([]);
    expect(read("input.n * 2")).toEqual([]);
    expect(read("nodes.fetch.output.status = 200")).toEqual(["fetch"]);
    expect(read('{ "a": nodes.a.output, "b": $count(nodes.b.output.items[x > 1]) }')).toEqual(["a", "b"]);
    expect(read("input.list.(nodes.c.output)")).toEqual(["c"]);
    expect(read("`nodes`.d.output")).toEqual(["d"]);
    expect(read("input.*")).toEqual([]);
  });

  it("gives up (null: any node) wherever `nodes` could be reached dynamically", () => {
    for (const source of [
      "nodes",
      "$keys(nodes)",
      "nodes.*",
      'nodes["a"]',
      "nodes[0]",
      "$nodes.a",
      "$.nodes.a",
      "$$.nodes.a",
      "input.items.($ * 2)",
      "*.a",
      "**.output",
      "nodes.a.output.%.b",
      "$eval('nodes.a.output')",
      "$lookup(nodes, 'a')",
    ]) {
      expect(read(source), source).toBeNull();
    }
  });
});

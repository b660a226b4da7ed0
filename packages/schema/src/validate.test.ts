import { describe, expect, it } from "vitest";
import { EXAMPLE_GRAPH } from "./examples.ts";
import type { GraphInput } from "./graph.ts";
import { validateGraph, type GraphIssue } from "./validate.ts";

const clone = (): GraphInput => structuredClone(EXAMPLE_GRAPH);

function errorsOf(input: unknown): GraphIssue[] {
  const r = validateGraph(input);
  if (r.ok) throw new Error("expected validation to fail");
  return r.errors;
}

function only(input: unknown, code: GraphIssue["code"]): GraphIssue {
  const matching = errorsOf(input).filter((e) => e.code === code);
  expect(matching, JSON.stringify(errorsOf(input), null, 1)).toHaveLength(1);
  return matching[0] as GraphIssue;
}

const node = (id: string, type: string, config: Record<string, unknown>) => ({ id, type, config });
const log = (id: string, message = "hi") => node(id, "log", { message });

describe("validateGraph", () => {
  it("accepts the ARCHITECTURE.md example and returns the parsed graph with defaults", () => {
    const r = validateGraph(EXAMPLE_GRAPH);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.graph.nodes[0]?.id).toBe("fetch");
  });

  it("rejects non-objects and wrong versions", () => {
    expect(errorsOf(null)[0]?.message).toMatch(/must be an object/);
    expect(errorsOf({ version: 2, nodes: [] })[0]?.message).toBe("version must be 1");
  });

  it("refuses strings and keys PostgreSQL cannot store, with their path", () => {
    const graph = clone();
    graph.nodes[1]!.config = { ...graph.nodes[1]!.config, prompt: "Summarize\u0000" };
    const issue = only(graph, "invalid_value");
    expect(issue).toMatchObject({ path: ["nodes", 1, "config", "prompt"], nodeId: "summarize" });
    expect(issue.message).toMatch(/must not contain NUL/);
    const badKey = { ...clone(), inputs: { ["x\ud800"]: { type: "string" } } };
    expect(errorsOf(badKey).some((e) => e.path.join(".") === "inputs.x\ud800")).toBe(true);
  });

  it("reports a missing required config field with node and field", () => {
    const g = clone();
    g.nodes[1] = { id: "summarize", type: "llm.generate", config: { model: "openai/gpt-4o-mini" } };
    const e = only(g, "required");
    expect(e).toMatchObject({
      path: ["nodes", 1, "config", "prompt"],
      nodeId: "summarize",
      field: "config.prompt",
      message: 'node "summarize": config.prompt is required',
    });
  });

  it("suggests the nearest name for unknown config keys and node types", () => {
    const g = clone();
    g.nodes[1] = {
      id: "summarize",
      type: "llm.generate",
      config: { model: "openai/x", prompt: "p", temprature: 1 },
    };
    expect(only(g, "unknown_field").message).toBe(
      'node "summarize": config has unknown field "temprature" — did you mean "temperature"?',
    );
    g.nodes[1] = { id: "summarize", type: "llm.genrate", config: {} };
    expect(only(g, "unknown_node_type")).toMatchObject({
      path: ["nodes", 1, "type"],
      message: 'node "summarize": unknown node type "llm.genrate" — did you mean "llm.generate"?',
    });
  });

  it("reports dangling edges with a suggestion", () => {
    const g = clone();
    g.edges = [
      { from: "fetch", to: "summarize" },
      { from: "fetch", to: "sumarize" },
    ];
    // edge index 1 in the message matches path ["edges", 1, "to"]
    expect(only(g, "dangling_edge")).toMatchObject({
      path: ["edges", 1, "to"],
      edgeIndex: 1,
      message: 'edge 1 (fetch → sumarize): target node "sumarize" does not exist — did you mean "summarize"?',
    });
  });

  it("reports duplicate ids, self-loops and duplicate edges", () => {
    const g = {
      version: 1,
      nodes: [log("a"), log("a"), log("b")],
      edges: [
        { from: "b", to: "b" },
        { from: "a", to: "b" },
        { from: "a", to: "b" },
      ],
    };
    const codes = errorsOf(g).map((e) => e.code);
    expect(codes).toEqual(expect.arrayContaining(["duplicate_node_id", "self_loop", "duplicate_edge"]));
    expect(only(g, "duplicate_node_id").message).toBe('node "a": id is already used by nodes[0]');
  });

  it("names the nodes of a cycle in order", () => {
    const g = {
      version: 1,
      nodes: [log("start"), log("a"), log("b"), log("c")],
      edges: [
        { from: "start", to: "a" },
        { from: "a", to: "b" },
        { from: "b", to: "c" },
        { from: "c", to: "a" },
      ],
    };
    const e = only(g, "cycle");
    expect(e.message).toBe("graph has a cycle: a → b → c → a — remove one of these edges");
    expect(e).toMatchObject({ nodeId: "a", path: ["edges", 3] });
  });

  it("reports condition syntax errors with their position", () => {
    const g = clone();
    g.edges = [{ from: "fetch", to: "summarize", condition: "nodes.fetch.output.status = " }];
    expect(only(g, "invalid_condition").message).toBe(
      "edge 0 (fetch → summarize): condition has a syntax error at position 28: Unexpected end of expression",
    );
  });

  it("rejects error edges from nodes that cannot fail", () => {
    const g = {
      version: 1,
      nodes: [log("a"), log("b"), node("c", "transform", { expression: "1" })],
      edges: [
        { from: "a", to: "b", on: "error" },
        { from: "c", to: "b", on: "error" },
      ],
    };
    expect(only(g, "invalid_error_edge")).toMatchObject({ edgeIndex: 0, path: ["edges", 0, "on"] });
  });

  it("rejects references to nodes that are not upstream and accepts transitive upstream ones", () => {
    const g = {
      version: 1,
      nodes: [
        log("a"),
        log("b", "{{nodes.a.output.message}}"),
        log("c", "{{nodes.a.output.message}} {{nodes.d.output}}"),
        log("d"),
      ],
      edges: [
        { from: "a", to: "b" },
        { from: "b", to: "c" },
      ],
    };
    const e = only(g, "reference_not_upstream");
    expect(e).toMatchObject({ nodeId: "c", path: ["nodes", 2, "config", "message"] });
    expect(e.message).toBe(
      'node "c": config.message references {{nodes.d.output}}, but "d" does not run before "c" — connect "d" to "c" (directly or through other nodes)',
    );
    const ok = { ...g, nodes: [g.nodes[0], g.nodes[1], log("c", "{{nodes.a.output.message}}"), log("d")] };
    expect(validateGraph(ok).ok).toBe(true);
  });

  it("rejects references to unknown nodes and own output", () => {
    const g = {
      version: 1,
      nodes: [log("a", "{{nodes.a.output}}"), log("b", "{{nodes.sumary.output}}"), log("summary")],
    };
    const errors = errorsOf(g);
    expect(errors.find((e) => e.nodeId === "a")?.message).toMatch(/a node cannot read its own output/);
    expect(errors.find((e) => e.code === "unknown_node_reference")?.message).toMatch(
      /no node "sumary" — did you mean "summary"\?/,
    );
  });

  it("rejects undeclared inputs, with a suggestion", () => {
    const g = clone();
    (g.nodes[0]?.config as { url: string }).url = "https://www.reddit.com/r/{{input.subredit}}/top.json";
    expect(only(g, "unknown_input").message).toBe(
      'node "fetch": config.url references input.subredit, which is not declared (declared inputs: subreddit) — did you mean "subreddit"?',
    );
  });

  it("checks references inside expressions and edge conditions", () => {
    const g = {
      version: 1,
      inputs: { limit: { type: "number" } },
      nodes: [
        log("a"),
        node("t", "transform", { expression: "nodes.b.output.message & input.max" }),
        log("b"),
      ],
      edges: [{ from: "a", to: "t", condition: "nodes.b.output.level = 'info' and input.limit > 1" }],
    };
    const errors = errorsOf(g);
    expect(errors.map((e) => [e.code, e.path.join(".")])).toEqual([
      ["reference_not_upstream", "nodes.1.config.expression"],
      ["unknown_input", "nodes.1.config.expression"],
      ["reference_not_upstream", "edges.0.condition"],
    ]);
  });

  it("checks secret names and keeps secrets out of control nodes", () => {
    const g = {
      version: 1,
      nodes: [
        node("h", "http.request", {
          url: "https://x.test",
          headers: { Authorization: "Bearer {{secrets.apiKey}}" },
        }),
        node("ok", "approval", { message: "token {{secrets.TOKEN}}" }),
      ],
    };
    expect(only(g, "invalid_secret_name")).toMatchObject({ field: "config.headers.Authorization" });
    expect(only(g, "secret_in_control_node").nodeId).toBe("ok");
  });

  it("validates foreach inline nodes and allows item/index only there", () => {
    const good = {
      version: 1,
      inputs: { urls: { type: "array" } },
      nodes: [
        node("each", "foreach", {
          items: "input.urls",
          node: { type: "http.request", config: { url: "{{item}}", headers: { "X-Index": "{{index}}" } } },
        }),
        log("after", "{{item}}"),
      ],
      edges: [{ from: "each", to: "after" }],
    };
    expect(only(good, "invalid_reference").nodeId).toBe("after");
    const bad = structuredClone(good);
    bad.nodes[1] = log("after");
    (bad.nodes[0]?.config as { node: unknown }).node = { type: "http.request", config: { urll: "x" } };
    const errors = errorsOf(bad);
    expect(errors.map((e) => e.message)).toEqual([
      'node "each": config.node.config.url is required',
      'node "each": config.node.config has unknown field "urll" — did you mean "url"?',
    ]);
    (bad.nodes[0]?.config as { node: unknown }).node = { type: "delay", config: { ms: 1 } };
    expect(only(bad, "invalid_inline_node").path).toEqual(["nodes", 0, "config", "node", "type"]);
  });

  it("rejects retry and timeout on control nodes", () => {
    const g = { version: 1, nodes: [{ ...node("wait", "delay", { ms: 10 }), timeoutMs: 1000 }] };
    expect(only(g, "not_applicable").message).toMatch(
      /^node "wait": timeoutMs does not apply to delay nodes/,
    );
  });

  it("reports template syntax errors with their column", () => {
    const g = { version: 1, nodes: [log("a", "x {{input.y")] };
    expect(only(g, "template_syntax").message).toBe(
      `node "a": config.message has a template error at column 3: unclosed '{{' (missing '}}')`,
    );
  });

  it("reports every problem together", () => {
    const g = {
      version: 1,
      extra: true,
      nodes: [
        {
          id: "fetch",
          type: "http.request",
          config: { method: "GRT", url: "https://x.test" },
          retry: { maxAttempts: 0, initialIntervalMs: 1, backoff: 1 },
        },
        node("summarize", "llm.generate", { model: "openai/x" }),
        node("x", "nope", {}),
      ],
      edges: [
        { from: "fetch", to: "sumarize" },
        { from: "summarize", to: "summarize" },
      ],
    };
    const codes = errorsOf(g)
      .map((e) => e.code)
      .sort();
    expect(codes).toEqual(
      [
        "unknown_field",
        "invalid_value",
        "invalid_value",
        "required",
        "unknown_node_type",
        "dangling_edge",
        "self_loop",
      ].sort(),
    );
    const messages = errorsOf(g).map((e) => e.message);
    expect(messages).toContain('node "fetch": retry.maxAttempts must be at least 1');
    expect(messages).toContain(
      'node "fetch": config.method must be one of "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"',
    );
    expect(messages).toContain('graph has unknown field "extra"');
  });
});

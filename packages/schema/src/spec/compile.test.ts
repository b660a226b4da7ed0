import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLE_GRAPH } from "../examples.ts";
import type { Graph, GraphInput } from "../graph.ts";
import { validateGraph } from "../validate.ts";
import { compileSpec, printSpec } from "./index.ts";

const DOCS = join(import.meta.dirname, "../../../../docs/agentspec.md");

describe("compileSpec", () => {
  it("reads the sketch from the design: inputs, prose, config, conditions, retry and timeout", () => {
    const spec = [
      "---",
      "name: Reddit digest",
      "description: Summarise the top posts of a subreddit and email them.",
      "inputs:",
      "  subreddit: { type: string, default: typescript, description: Which subreddit }",
      'schedule: "0 8 * * 1-5"',
      "---",
      "",
      "# Reddit digest",
      "",
      "## fetch · http.request",
      "Fetch the top posts",
      "of the week.",
      "",
      "```yaml",
      "method: GET",
      "url: https://www.reddit.com/r/{{input.subreddit}}/top.json?t=week",
      "```",
      "retry: 3 attempts, wait 1s, backoff ×2",
      "timeout: 30s",
      "",
      "## summarize: llm.generate",
      "name: Summarise",
      "after: fetch when `nodes.fetch.output.status = 200`",
      "```yml",
      "model: openai/gpt-4o-mini",
      'prompt: "Summarize: {{nodes.fetch.output.body}}"',
      "```",
      "",
      "## alert · log",
      "after: fetch (on error), summarize (on error)",
      "```yaml",
      "message: it failed",
      "level: error",
      "```",
    ].join("\n");
    const result = compileSpec(spec);
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.meta).toEqual({
      name: "Reddit digest",
      description: "Summarise the top posts of a subreddit and email them.",
      schedule: "0 8 * * 1-5",
    });
    expect(result.graph).toEqual({
      version: 1,
      inputs: { subreddit: { type: "string", default: "typescript", description: "Which subreddit" } },
      nodes: [
        {
          id: "fetch",
          type: "http.request",
          description: "Fetch the top posts\nof the week.",
          config: { method: "GET", url: "https://www.reddit.com/r/{{input.subreddit}}/top.json?t=week" },
          retry: { maxAttempts: 3, initialIntervalMs: 1000, backoff: 2 },
          timeoutMs: 30_000,
        },
        {
          id: "summarize",
          type: "llm.generate",
          name: "Summarise",
          config: { model: "openai/gpt-4o-mini", prompt: "Summarize: {{nodes.fetch.output.body}}" },
        },
        { id: "alert", type: "log", config: { message: "it failed", level: "error" } },
      ],
      edges: [
        { from: "fetch", to: "summarize", condition: "nodes.fetch.output.status = 200" },
        { from: "fetch", to: "alert", on: "error" },
        { from: "summarize", to: "alert", on: "error" },
      ],
    } satisfies Graph);
    expect(validateGraph(result.graph).ok).toBe(true);
  });

  it("accepts CRLF line endings, a BOM, tilde fences and compound durations", () => {
    const spec =
      "\uFEFF---\r\nname: x\r\ninputs:\r\n  n: number\r\n---\r\n## a · log\r\n~~~yaml\r\nmessage: hi\r\n~~~\r\nretry: 2 attempts, wait 1m30s, max wait 2 minutes\r\ntimeout: 1.5s\r\n";
    const result = compileSpec(spec);
    expect(result.diagnostics).toEqual([]);
    expect(result.graph?.inputs).toEqual({ n: { type: "number" } });
    expect(result.graph?.nodes[0]).toMatchObject({
      retry: { maxAttempts: 2, initialIntervalMs: 90_000, backoff: 1, maxIntervalMs: 120_000 },
      timeoutMs: 1500,
    });
  });

  it("takes conditions with backticks, JSON-string conditions and quoted values", () => {
    const spec = [
      "---",
      "---",
      "## a · transform",
      "```yaml",
      'expression: "{ `odd key`: 1 }"',
      "```",
      "## b · log",
      'description: "  spaced\\n# not a heading"',
      "after: a when `` nodes.a.output.`odd key` = 1 ``",
      'after: a (on error) when "nodes.a.output = null\\n or true"',
      "```yaml",
      "message: hi",
      "```",
    ].join("\n");
    const result = compileSpec(spec);
    expect(result.diagnostics).toEqual([]);
    expect(result.graph?.nodes[1]?.description).toBe("  spaced\n# not a heading");
    expect(result.graph?.edges).toEqual([
      { from: "a", to: "b", condition: "nodes.a.output.`odd key` = 1" },
      { from: "a", to: "b", condition: "nodes.a.output = null\n or true", on: "error" },
    ]);
  });

  it("ignores headings and text inside config blocks", () => {
    const spec = "---\n---\n## a · log\n````yaml\nmessage: |\n  ## not a step\n  ```\n  still text\n````\n";
    const result = compileSpec(spec);
    expect(result.diagnostics).toEqual([]);
    expect(result.graph?.nodes).toHaveLength(1);
    expect(result.graph?.nodes[0]?.config.message).toBe("## not a step\n```\nstill text\n");
  });
});

describe("printSpec", () => {
  it("prints the architecture example canonically", () => {
    expect(printSpec(EXAMPLE_GRAPH, { name: "Reddit digest" })).toBe(
      [
        "---",
        "name: Reddit digest",
        "inputs:",
        "  subreddit:",
        "    type: string",
        "    default: typescript",
        "---",
        "",
        "# Reddit digest",
        "",
        "## fetch · http.request",
        "",
        "```yaml",
        "method: GET",
        "url: https://www.reddit.com/r/{{input.subreddit}}/top.json",
        "```",
        "",
        "retry: 3 attempts, wait 1s, backoff 2",
        "timeout: 30s",
        "",
        "## summarize · llm.generate",
        "",
        "after: fetch when `nodes.fetch.output.status = 200`",
        "",
        "```yaml",
        "model: openai/gpt-4o-mini",
        'prompt: "Summarize: {{nodes.fetch.output.body}}"',
        "```",
        "",
      ].join("\n"),
    );
  });

  it("orders config keys by the node type's schema, then alphabetically, whatever the graph's order", () => {
    const graph: GraphInput = {
      version: 1,
      nodes: [
        {
          id: "a",
          type: "http.request",
          config: { headers: { b: "2", a: "1", "10": "x", "9": "y" }, url: "https://x.test", method: "POST" },
        },
      ],
    };
    const text = printSpec(graph);
    expect(text).toContain(
      'method: POST\nurl: https://x.test\nheaders:\n  "10": x\n  "9": y\n  a: "1"\n  b: "2"\n',
    );
  });

  it("keeps values equal to defaults and explicit on: success", () => {
    const graph: GraphInput = {
      version: 1,
      nodes: [
        { id: "a", type: "log", config: { message: "x", level: "info" } },
        { id: "b", type: "log", config: { message: "y" } },
      ],
      edges: [{ from: "a", to: "b", on: "success" }],
    };
    const text = printSpec(graph);
    expect(text).toContain("level: info");
    expect(text).toContain("after: a (on success)");
    expect(compileSpec(text).graph?.edges).toEqual([{ from: "a", to: "b", on: "success" }]);
  });

  it("refuses edges to steps that do not exist instead of dropping them", () => {
    expect(() => printSpec({ version: 1, nodes: [], edges: [{ from: "a", to: "b" }] })).toThrow(
      /targets a node that does not exist/,
    );
  });
});

describe("docs/agentspec.md", () => {
  const examples = [...readFileSync(DOCS, "utf8").matchAll(/^````markdown\n([\s\S]*?)^````$/gm)].map(
    (m) => m[1] ?? "",
  );

  it("has at least three full examples", () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  it.each(examples.map((text, i) => [i + 1, text] as const))(
    "example %i compiles cleanly and is in canonical form",
    (_i, text) => {
      const result = compileSpec(text);
      expect(result.diagnostics).toEqual([]);
      expect(printSpec(result.graph as Graph, result.meta)).toBe(text);
    },
  );
});

describe("size", () => {
  it("compiles and prints a 200-step spec", () => {
    const nodes: GraphInput["nodes"] = [];
    const edges: NonNullable<GraphInput["edges"]> = [];
    for (let i = 0; i < 200; i++) {
      const id = `step_${i}`;
      if (i % 4 === 0) {
        nodes.push({
          id,
          type: "http.request",
          description: `Fetch page ${i}.`,
          config: { url: `https://example.com/${i}?q={{input.q}}`, headers: { Accept: "application/json" } },
          retry: { maxAttempts: 3, initialIntervalMs: 1000, backoff: 2 },
          timeoutMs: 30_000,
        });
      } else if (i % 4 === 1) {
        nodes.push({
          id,
          type: "llm.generate",
          config: {
            model: "openai/gpt-4o-mini",
            prompt: `Summarise:\n{{nodes.step_${i - 1}.output.body}}\n`,
            temperature: 0.2,
          },
        });
      } else if (i % 4 === 2) {
        nodes.push({
          id,
          type: "condition",
          config: { expression: `$length(nodes.step_${i - 1}.output.text) > 10` },
        });
      } else {
        nodes.push({ id, type: "log", config: { message: `done ${i}` } });
      }
      if (i > 0) {
        edges.push(
          i % 4 === 3
            ? { from: `step_${i - 1}`, to: id, condition: `nodes.step_${i - 1}.output.result` }
            : { from: `step_${i - 1}`, to: id },
        );
      }
      if (i % 4 === 0 && i > 0) edges.push({ from: `step_${i - 3}`, to: id, on: "error" });
    }
    const graph = { version: 1, inputs: { q: { type: "string" } }, nodes, edges } as Graph;
    expect(validateGraph(graph).ok).toBe(true);
    const text = printSpec(graph);
    const result = compileSpec(text);
    expect(result.diagnostics).toEqual([]);
    expect(result.graph?.nodes).toHaveLength(200);
    expect(printSpec(result.graph as Graph)).toBe(text);
  });
});

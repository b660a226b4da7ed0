import type { GraphInput } from "./graph.ts";

/** The Graph v1 example from ARCHITECTURE.md, for tests, seeds and docs across packages. */
export const EXAMPLE_GRAPH: GraphInput = {
  version: 1,
  inputs: { subreddit: { type: "string", default: "typescript" } },
  nodes: [
    {
      id: "fetch",
      type: "http.request",
      config: { method: "GET", url: "https://www.reddit.com/r/{{input.subreddit}}/top.json" },
      retry: { maxAttempts: 3, initialIntervalMs: 1000, backoff: 2 },
      timeoutMs: 30000,
      position: { x: 0, y: 0 },
    },
    {
      id: "summarize",
      type: "llm.generate",
      config: { model: "openai/gpt-4o-mini", prompt: "Summarize: {{nodes.fetch.output.body}}" },
    },
  ],
  edges: [{ from: "fetch", to: "summarize", condition: "nodes.fetch.output.status = 200" }],
};

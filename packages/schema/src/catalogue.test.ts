import { describe, expect, it } from "vitest";
import { getNodeType, nodeTypeCatalogue, nodeTypes } from "./catalogue.ts";
import { NODE_CATEGORIES } from "./node-types/define.ts";
import { NODE_RUN_DEFAULTS, nodeRunDefaults } from "./node-types/run-defaults.ts";

const EXPECTED_TYPES = [
  "http.request",
  "transform",
  "condition",
  "foreach",
  "subagent",
  "approval",
  "delay",
  "log",
  "llm.generate",
  "llm.structured",
  "llm.classify",
  "email.send",
  "sms.send",
  "db.query",
  "reddit.top",
  "reddit.search",
];
const CONTROL = ["condition", "foreach", "subagent", "approval", "delay"];

describe("node-type catalogue", () => {
  it("has every type exactly once", () => {
    const types = nodeTypes.map((t) => t.type);
    expect(new Set(types).size).toBe(types.length);
    expect([...types].sort()).toEqual([...EXPECTED_TYPES].sort());
  });

  it("takes every type's retry and timeout from the workflow's zod-free table, which has no extras", () => {
    expect(Object.keys(NODE_RUN_DEFAULTS).sort()).toEqual([...EXPECTED_TYPES].sort());
    for (const t of nodeTypes) {
      expect({ defaultRetry: t.defaultRetry, defaultTimeoutMs: t.defaultTimeoutMs }).toEqual(
        nodeRunDefaults(t.type),
      );
    }
    expect(nodeRunDefaults("constructor")).toBeUndefined();
  });

  it("marks exactly the workflow-interpreted types as control", () => {
    expect(
      nodeTypes
        .filter((t) => t.kind === "control")
        .map((t) => t.type)
        .sort(),
    ).toEqual([...CONTROL].sort());
    for (const t of nodeTypes) {
      expect(NODE_CATEGORIES).toContain(t.category);
      if (t.kind === "control") {
        expect(t.defaultRetry).toBeNull();
        expect(t.defaultTimeoutMs).toBeNull();
      } else {
        expect(t.defaultRetry?.maxAttempts).toBeGreaterThanOrEqual(1);
        expect(t.defaultTimeoutMs).toBeGreaterThanOrEqual(100);
      }
    }
  });

  it.each(nodeTypes.map((t) => [t.type, t] as const))(
    "%s: example parses and fills defaults",
    (_type, def) => {
      const parsed = def.config.safeParse(def.example);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    },
  );

  it.each(nodeTypes.map((t) => [t.type, t] as const))(
    "%s: generates a draft 2020-12 JSON Schema",
    (type, def) => {
      const info = nodeTypeCatalogue().find((t) => t.type === type);
      expect(info?.configSchema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
      expect(info?.configSchema.type).toBe("object");
      expect(info?.configSchema.additionalProperties).toBe(false);
      expect(JSON.parse(JSON.stringify(info))).toEqual(info);
      // Required fields in the JSON Schema are exactly the example's keys that have no default.
      const required = (info?.configSchema.required as string[] | undefined) ?? [];
      for (const key of required) expect(Object.keys(def.example as object)).toContain(key);
    },
  );

  it("fills documented defaults", () => {
    const http = getNodeType("http.request")?.config.parse({ url: "https://x.test" });
    expect(http).toEqual({
      method: "GET",
      url: "https://x.test",
      headers: {},
      query: {},
      timeoutMs: 30000,
      followRedirects: true,
    });
    expect(getNodeType("foreach")?.config.parse({ items: "input.xs", node: { type: "log" } })).toEqual({
      items: "input.xs",
      node: { type: "log", config: {} },
      concurrency: 5,
    });
    expect(getNodeType("approval")?.config.parse({ message: "ok?" })).toMatchObject({
      timeoutMs: 86_400_000,
      onTimeout: "reject",
    });
    expect(getNodeType("db.query")?.config.parse({ connectionSecret: "DB", sql: "select 1" })).toMatchObject({
      readOnly: true,
      maxRows: 1000,
      params: [],
    });
    expect(
      getNodeType("subagent")?.config.parse({ agentId: "6f1c1c2e-4a8b-4c1e-9b7a-0e5d2c3b4a59" }),
    ).toMatchObject({ maxDepth: 5, input: {} });
  });

  it("derives side effects from config", () => {
    const http = getNodeType("http.request");
    expect(http?.sideEffects).toBe(true);
    expect(http?.hasSideEffects(http.config.parse({ url: "https://x.test" }))).toBe(false);
    expect(http?.hasSideEffects(http.config.parse({ url: "https://x.test", method: "HEAD" }))).toBe(false);
    expect(http?.hasSideEffects(http.config.parse({ url: "https://x.test", method: "POST" }))).toBe(true);
    const db = getNodeType("db.query");
    expect(db?.hasSideEffects(db.config.parse({ connectionSecret: "DB", sql: "select 1" }))).toBe(false);
    expect(
      db?.hasSideEffects(db.config.parse({ connectionSecret: "DB", sql: "delete from t", readOnly: false })),
    ).toBe(true);
    expect(getNodeType("email.send")?.sideEffects).toBe(true);
    expect(getNodeType("llm.generate")?.sideEffects).toBe(false);
  });

  it("enforces type-specific rules", () => {
    const bad = (type: string, config: unknown) =>
      getNodeType(type)?.config.safeParse(config).success === false;
    expect(bad("db.query", { connectionSecret: "DB", sql: "select * from t where id = {{input.id}}" })).toBe(
      true,
    );
    expect(bad("delay", {})).toBe(true);
    expect(bad("delay", { ms: 1, until: "2030-01-01T00:00:00Z" })).toBe(true);
    expect(bad("delay", { ms: 31 * 24 * 3600 * 1000 })).toBe(true);
    expect(bad("llm.classify", { model: "openai/x", text: "t", labels: ["only"] })).toBe(true);
    expect(bad("llm.generate", { model: "gpt-4o", prompt: "p" })).toBe(true);
    expect(bad("llm.generate", { model: "{{input.model}}", prompt: "p" })).toBe(false);
    expect(bad("transform", { expression: "a +" })).toBe(true);
    expect(bad("email.send", { to: ["a@b.co"], subject: "s", smtpSecret: "SMTP" })).toBe(true);
    expect(bad("reddit.top", { subreddit: "r/typescript" })).toBe(true);
    expect(bad("reddit.top", { subreddit: "{{input.subreddit}}", limit: 101 })).toBe(true);
    expect(bad("foreach", { items: "x", node: { type: "log" }, concurrency: 51 })).toBe(true);
  });

  it("annotates editor hints for generated forms", () => {
    const transform = nodeTypeCatalogue().find((t) => t.type === "transform");
    const props = transform?.configSchema.properties as Record<string, Record<string, unknown>>;
    expect(props.expression?.["x-weft-editor"]).toBe("jsonata");
  });
});

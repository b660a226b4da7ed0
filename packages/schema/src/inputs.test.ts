import { describe, expect, it } from "vitest";
import { resolveRunInput } from "./inputs.ts";

describe("resolveRunInput", () => {
  const inputs = {
    subreddit: { type: "string" as const, default: "typescript" },
    limit: { type: "number" as const, required: true },
    tags: { type: "array" as const },
  };

  it("applies defaults and keeps provided values", () => {
    expect(resolveRunInput(inputs, { limit: 5 })).toEqual({
      ok: true,
      value: { subreddit: "typescript", limit: 5 },
    });
  });

  it("reports missing, mistyped and undeclared inputs together", () => {
    const r = resolveRunInput(inputs, { tags: "x", limt: 3 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.message)).toEqual([
      'input "limt" is not declared by this agent — did you mean "limit"?',
      'input "limit" is required',
      'input "tags" must be of type array',
    ]);
  });

  it("rejects text PostgreSQL cannot store, naming the input", () => {
    const r = resolveRunInput(inputs, { limit: 1, subreddit: "a\u0000b", tags: [{ x: "\ud800" }] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.name)).toEqual(["subreddit", "tags"]);
    expect(r.errors[0]?.message).toMatch(/must not contain NUL/);
  });

  it("rejects non-object input", () => {
    expect(resolveRunInput(inputs, [1]).ok).toBe(false);
  });
});

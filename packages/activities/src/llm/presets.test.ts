import { describe, expect, test } from "vitest";
import { validateGraph } from "@weft/schema";
import { LLM_PATTERNS } from "./presets.ts";

describe("LLM patterns", () => {
  test.each(Object.keys(LLM_PATTERNS))("%s is a valid graph", (name) => {
    const checked = validateGraph(LLM_PATTERNS[name as keyof typeof LLM_PATTERNS]);
    expect(checked.ok ? [] : checked.errors).toEqual([]);
  });
});

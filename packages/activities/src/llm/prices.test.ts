import { expect, test } from "vitest";
import { costUsd, priceFor } from "./prices.ts";

test("dated snapshots use their family's price; the longest prefix wins", () => {
  expect(priceFor("openai/gpt-4o-mini-2024-07-18", null)).toEqual({ input: 0.15, output: 0.6 });
  expect(priceFor("openai/gpt-4o-2024-08-06", null)).toEqual({ input: 2.5, output: 10 });
  expect(priceFor("anthropic/claude-3-5-haiku-20241022", null)).toEqual({ input: 0.8, output: 4 });
  expect(priceFor("gemini/gemini-2.5-flash", null)).toEqual({ input: 0.3, output: 2.5 });
  expect(priceFor("ollama/llama3.2", null)).toEqual({ input: 0, output: 0 });
  expect(priceFor("acme/unknown", null)).toBeUndefined();
});

test("workspace overrides beat the table, wildcards included; malformed entries are ignored", () => {
  const overrides = {
    "openai/gpt-4o-mini": { input: 0.1, output: 0.2 },
    "acme/*": { input: 1, output: 2 },
    "openai/gpt-4o": { input: "free" },
  };
  expect(priceFor("openai/gpt-4o-mini", overrides)).toEqual({ input: 0.1, output: 0.2 });
  expect(priceFor("acme/anything", overrides)).toEqual({ input: 1, output: 2 });
  expect(priceFor("openai/gpt-4o", overrides)).toEqual({ input: 2.5, output: 10 });
});

test("cost is per million tokens, rounded to the column's 8 decimals", () => {
  expect(costUsd({ input: 0.15, output: 0.6 }, 1_000_000, 500_000)).toBe(0.45);
  expect(costUsd({ input: 0.15, output: 0.6 }, 7, 3)).toBe(0.00000285);
  expect(costUsd(undefined, 1000, 1000)).toBe(0);
});

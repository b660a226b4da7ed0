import { expect, test } from "vitest";
import { canary } from "./canary.ts";

// The short version of `npm run drills -- --only canary`: one run of the canary agent.
test("a canary secret used as a header and a provider key never shows up in logs, history, responses or rows", async () => {
  const result = await canary.run(canary.short);
  console.log(result.results.join("\n"));
  expect(result.failures).toEqual([]);
  expect(result.numbers["hits"]).toBe(0);
  expect(result.numbers["sinkReceived"]).toBeGreaterThan(0);
  expect(result.numbers["llmReceived"]).toBeGreaterThan(0);
}, 240_000);

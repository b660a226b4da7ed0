import { expect, test } from "vitest";
import { fuzz } from "./fuzz.ts";

// The short version of `npm run drills -- --only fuzz`: the same generators, fewer cases.
test("fuzzed updateDraft, compileSpec and startRun inputs: no server error, every rejection BAD_USER_INPUT with a path", async () => {
  const result = await fuzz.run(fuzz.short);
  console.log(result.results.join("\n"));
  expect(result.failures).toEqual([]);
  expect(result.numbers).toMatchObject({
    cases: fuzz.short.cases * 4,
    serverErrors: 0,
    unstructured: 0,
    otherCodes: 0,
    withoutPath: 0,
    internalLogged: 0,
  });
}, 240_000);

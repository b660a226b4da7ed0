import { expect, test } from "vitest";
import { workerKill } from "./worker-kill.ts";

// The short version of `npm run drills -- --only worker-kill`: the same code, small K and R.
test("kill -9 the worker during concurrent runs: every run completes, every side effect applied once", async () => {
  const result = await workerKill.run(workerKill.short);
  console.log(result.results.join("\n"));
  expect(result.failures).toEqual([]);
  expect(result.numbers).toMatchObject({
    completed: workerKill.short.runs,
    effectsApplied: workerKill.short.runs * workerKill.short.steps,
    effectsLost: 0,
    duplicateEffects: 0,
    duplicateNodeEvents: 0,
    failedAttempts: 0,
  });
}, 240_000);

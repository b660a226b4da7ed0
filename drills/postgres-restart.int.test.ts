import { expect, test } from "vitest";
import { postgresRestart } from "./postgres-restart.ts";

// The short version of `npm run drills -- --only postgres-restart`: its own PostgreSQL, stopped mid-run.
test("restart PostgreSQL mid-run: every run completes, every node and side effect recorded once", async () => {
  const result = await postgresRestart.run(postgresRestart.short);
  console.log(result.results.join("\n"));
  expect(result.failures).toEqual([]);
  expect(result.numbers).toMatchObject({
    completed: postgresRestart.short.runs,
    nodesNotSucceeded: 0,
    duplicateNodeEvents: 0,
    effectsLost: 0,
    duplicateEffects: 0,
    eventsMissed: 0,
    eventsDuplicated: 0,
  });
}, 300_000);

import fs from "node:fs";
import path from "node:path";
import { historyFromJSON } from "@temporalio/common/lib/proto-utils";
import { Worker } from "@temporalio/worker";
import { expect, test } from "vitest";
import { workflowBundle } from "./worker.ts";

const dir = path.join(import.meta.dirname, "histories");
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json"));

test("there are committed histories to replay", () => {
  expect(files.length).toBeGreaterThanOrEqual(3);
});

// A change to workflow code that would make running workflows non-deterministic fails here,
// before it can strand runs in production. Re-record (testing/record-histories.ts) only for a
// deliberate, patched (workflow.patched) change.
test.each(files)("replays %s deterministically", async (file) => {
  const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")));
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), replayName: file }, history);
});

// Temporal evaluates a workflow's own modules once per workflow execution (the reusable V8
// context isolates module state per workflow), so whatever the workflows import at run time is
// paid on every run. Importing the whole of @weft/schema (zod, the node catalogue, JSONata) cost
// more worker CPU per run than the run's activities did (bench/RESULTS.md, scenario 3).
test("the workflow bundle carries no zod, JSONata or node catalogue", async () => {
  const { code } = await workflowBundle();
  const modules = [...code.matchAll(/^\/\*\*\*\/ "([^"]+)"/gm)].map((m) => m[1]!);
  expect(modules.length).toBeGreaterThan(10);
  const heavy = modules.filter((m) =>
    /node_modules\/(zod|jsonata|yaml)\/|packages\/schema\/src\/(?!constants\.ts$|node-types\/run-defaults\.ts$)/.test(
      m,
    ),
  );
  expect(heavy).toEqual([]);
});

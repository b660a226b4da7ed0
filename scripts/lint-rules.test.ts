import fs from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import { afterEach, expect, test } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const probes: string[] = [];
afterEach(() => {
  for (const p of probes.splice(0)) fs.rmSync(p, { force: true });
});

async function lint(relativePath: string, source: string) {
  const file = path.join(root, relativePath);
  fs.writeFileSync(file, source);
  probes.push(file);
  const [result] = await new ESLint({ cwd: root }).lintFiles([file]);
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

test("workflow files may not import Node built-ins, the database, or activity implementations", async () => {
  const messages = await lint(
    "apps/temporal-worker/src/workflows/zz-probe-bad.ts",
    [
      'import fs from "node:fs";',
      'import { createActivities } from "@weft/activities";',
      'import { PrismaClient } from "@prisma/client";',
      "export const used = [fs, createActivities, PrismaClient];",
      "",
    ].join("\n"),
  );
  expect(messages.join("\n")).toMatch(/node:fs.*Node built-ins/);
  expect(messages.join("\n")).toMatch(/@weft\/activities.*import type/);
  expect(messages.join("\n")).toMatch(/@prisma\/client.*database/);
});

test("workflow files may import activities as types", async () => {
  const messages = await lint(
    "apps/temporal-worker/src/workflows/zz-probe-ok.ts",
    'import type { Activities } from "@weft/activities";\nexport type A = Activities;\n',
  );
  expect(messages).toEqual([]);
});

test("floating promises are errors everywhere", async () => {
  const messages = await lint(
    "packages/schema/src/zz-probe-floating.ts",
    "async function later(): Promise<number> {\n  return 1;\n}\nexport function f() {\n  later();\n}\n",
  );
  expect(messages.join("\n")).toMatch(/no-floating-promises/);
});

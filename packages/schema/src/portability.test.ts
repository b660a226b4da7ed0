import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * This package runs in the browser and in Temporal's workflow sandbox. Guard the rules that
 * lint cannot see across files: no Node built-ins, only the approved dependencies, and no
 * clock or randomness at module load.
 */
const SRC = import.meta.dirname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

describe("package portability", () => {
  const files = sourceFiles(SRC);

  it("imports only relative modules and approved pure-JS packages", () => {
    // yaml (eemeli/yaml): AgentSpec front matter and config blocks; pure JS, no dependencies,
    // no Node built-ins, and it reports line/column positions for diagnostics.
    const allowed = /^(\.{1,2}\/|zod$|jsonata$|yaml$|@noble\/hashes\/)/;
    for (const file of files) {
      const imports = [
        ...readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)[^'"]*from\s+["']([^"']+)["']/gm),
      ].map((m) => m[1]);
      for (const spec of imports) expect(spec, `${file} imports ${spec}`).toMatch(allowed);
    }
  });

  it("does not read the clock or randomness", () => {
    for (const file of files) {
      const text = readFileSync(file, "utf8").replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, "");
      expect(text, file).not.toMatch(/Date\.now|new Date\(|Math\.random|setTimeout|process\./);
    }
  });

  it("jsonata's evaluator builds no functions from strings", () => {
    const source = readFileSync(createRequire(import.meta.url).resolve("jsonata"), "utf8");
    expect(source).not.toMatch(/new Function\s*\(/);
    expect(source).not.toMatch(/[^.\w]eval\s*\(/);
  });
});

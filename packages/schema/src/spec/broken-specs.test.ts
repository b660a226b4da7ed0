import { describe, expect, it } from "vitest";
import { compileSpec } from "./index.ts";
import type { SpecDiagnostic } from "./types.ts";

/**
 * A corpus of broken specs. Each names the diagnostic it must produce: a message fragment, the
 * line (1-based, counted in the spec text below) and the step it belongs to.
 */

const FM = "---\nname: Test agent\n---\n";

interface Case {
  name: string;
  spec: string;
  line: number;
  message: string;
  nodeId?: string;
  column?: number;
}

const CASES: Case[] = [
  {
    name: "missing front matter",
    spec: "## fetch · http.request\n```yaml\nurl: https://example.com\n```\n",
    line: 1,
    message: "must start with front matter",
  },
  {
    name: "front matter not closed",
    spec: "---\nname: x\n\n## a · log\n",
    line: 1,
    message: "front matter is not closed",
  },
  {
    name: "bad yaml in front matter",
    spec: "---\nname: x\ninputs:\n  a: { type: string\n---\n",
    line: 4,
    message: "front matter:",
  },
  {
    name: "unknown front-matter key",
    spec: "---\nname: x\ndescripton: y\n---\n",
    line: 3,
    message: "unknown front-matter key `descripton` — did you mean `description`?",
  },
  {
    name: "input default of the wrong type",
    spec: "---\nname: x\ninputs:\n  count:\n    type: number\n    default: ten\n---\n",
    line: 6,
    message: "input `count`: `default` must be of type number",
  },
  {
    name: "input with an unknown type",
    spec: "---\ninputs:\n  count: integer\n---\n",
    line: 3,
    message: "input `count` has unknown type `integer`",
  },
  {
    name: "schedule that is not cron",
    spec: "---\nname: x\nschedule: every morning\n---\n",
    line: 3,
    message: "is not a cron expression",
  },
  {
    name: "heading without a type",
    spec: `${FM}\n## fetch\n`,
    line: 5,
    message: "step `fetch` has no node type — write `## fetch · <type>`",
    nodeId: "fetch",
  },
  {
    name: "unknown node type",
    spec: `${FM}\n## summarize · llm.genrate\n`,
    line: 5,
    message: "step `summarize` uses unknown node type `llm.genrate` — did you mean `llm.generate`?",
    nodeId: "summarize",
  },
  {
    name: "duplicate step id",
    spec: `${FM}\n## a · log\n\`\`\`yaml\nmessage: one\n\`\`\`\n\n## a · log\n\`\`\`yaml\nmessage: two\n\`\`\`\n`,
    line: 10,
    message: "step id `a` is already used by the step at line 5",
    nodeId: "a",
  },
  {
    name: "invalid step id",
    spec: `${FM}\n## 1fetch · log\n\`\`\`yaml\nmessage: hi\n\`\`\`\n`,
    line: 5,
    message: "step id `1fetch` must start with a letter",
    nodeId: "1fetch",
  },
  {
    name: "after names a missing step",
    spec: `${FM}\n## fetch · log\n\`\`\`yaml\nmessage: hi\n\`\`\`\n\n## summarize · log\nafter: fetc\n\`\`\`yaml\nmessage: hi\n\`\`\`\n`,
    line: 11,
    column: 8,
    message: "`after` names `fetc`, but there is no step `fetc` — did you mean `fetch`?",
    nodeId: "summarize",
  },
  {
    name: "cycle",
    spec: `${FM}\n## a · log\nafter: b\n\`\`\`yaml\nmessage: a\n\`\`\`\n\n## b · log\nafter: a\n\`\`\`yaml\nmessage: b\n\`\`\`\n`,
    line: 6,
    message: "steps form a cycle: a → b → a",
    nodeId: "a",
  },
  {
    name: "step after itself",
    spec: `${FM}\n## a · log\nafter: a\n\`\`\`yaml\nmessage: a\n\`\`\`\n`,
    line: 6,
    message: "step `a` cannot run after itself",
    nodeId: "a",
  },
  {
    name: "condition without backticks",
    spec: `${FM}\n## a · log\n\`\`\`yaml\nmessage: a\n\`\`\`\n\n## b · log\nafter: a when nodes.a.output.level = "info"\n\`\`\`yaml\nmessage: b\n\`\`\`\n`,
    line: 11,
    column: 15,
    message: "needs the condition in backticks",
    nodeId: "b",
  },
  {
    name: "condition with a JSONata syntax error",
    spec: `${FM}\n## a · log\n\`\`\`yaml\nmessage: a\n\`\`\`\n\n## b · log\nafter: a when \`nodes.a.output.level = \`\n\`\`\`yaml\nmessage: b\n\`\`\`\n`,
    line: 11,
    message: "the condition on `after: a` has a syntax error",
    nodeId: "b",
  },
  {
    name: "unknown marker on after",
    spec: `${FM}\n## a · log\n\`\`\`yaml\nmessage: a\n\`\`\`\n\n## b · log\nafter: a (on failure)\n`,
    line: 11,
    message: "the only one is `(on error)`",
    nodeId: "b",
  },
  {
    name: "error edge from a step that cannot fail",
    spec: `${FM}\n## a · log\n\`\`\`yaml\nmessage: a\n\`\`\`\n\n## b · log\nafter: a (on error)\n\`\`\`yaml\nmessage: b\n\`\`\`\n`,
    line: 11,
    message: "`after: a (on error)` is never taken",
    nodeId: "b",
  },
  {
    name: "invalid config value, mapped to its yaml line",
    spec: `${FM}\n## fetch · http.request\nFetch it.\n\n\`\`\`yaml\nmethod: GETT\nurl: https://example.com\n\`\`\`\n`,
    line: 9,
    message: "step `fetch`: `method` must be one of `GET`, `POST`",
    nodeId: "fetch",
  },
  {
    name: "nested config value, mapped to the nested key",
    spec: `${FM}\n## fetch · http.request\n\`\`\`yaml\nurl: https://example.com\nheaders:\n  Accept: text/html\n  X-Count: 5\n\`\`\`\n`,
    line: 10,
    column: 3,
    message: "`headers.X-Count` must be a string",
    nodeId: "fetch",
  },
  {
    name: "unknown config field with a suggestion",
    spec: `${FM}\n## s · llm.generate\n\`\`\`yaml\nmodel: openai/gpt-4o-mini\npromt: Say hi\n\`\`\`\n`,
    line: 8,
    message: "config has unknown field `promt` — did you mean `prompt`?",
    nodeId: "s",
  },
  {
    name: "missing required config field",
    spec: `${FM}\n## s · llm.generate\n\`\`\`yaml\nmodel: openai/gpt-4o-mini\n\`\`\`\n`,
    line: 6,
    message: "step `s`: `prompt` is required — add it to the yaml block",
    nodeId: "s",
  },
  {
    name: "missing config block altogether",
    spec: `${FM}\n## s · log\n`,
    line: 5,
    message: "`message` is required — add a ```yaml block with it",
    nodeId: "s",
  },
  {
    name: "bad yaml in a config block, with its line",
    spec: `${FM}\n## s · log\n\`\`\`yaml\nlevel: info\nmessage: [unclosed\n\`\`\`\n`,
    line: 8,
    message: "step `s`: config yaml:",
    nodeId: "s",
  },
  {
    name: "config that is a list",
    spec: `${FM}\n## s · log\n\`\`\`yaml\n- message: hi\n\`\`\`\n`,
    line: 7,
    message: "config must be `key: value` lines",
    nodeId: "s",
  },
  {
    name: "bad retry syntax",
    spec: `${FM}\n## s · log\n\`\`\`yaml\nmessage: hi\n\`\`\`\nretry: 3 tries, wait 1s\n`,
    line: 9,
    column: 8,
    message: "retry has an unknown part `3 tries`",
    nodeId: "s",
  },
  {
    name: "retry without a wait",
    spec: `${FM}\n## s · log\n\`\`\`yaml\nmessage: hi\n\`\`\`\nretry: 3 attempts\n`,
    line: 9,
    message: "must say how long to wait between attempts",
    nodeId: "s",
  },
  {
    name: "retry attempts out of range",
    spec: `${FM}\n## s · log\n\`\`\`yaml\nmessage: hi\n\`\`\`\nretry: 50 attempts, wait 1s\n`,
    line: 9,
    message: "attempts must be between 1 and 20",
    nodeId: "s",
  },
  {
    name: "timeout without a unit",
    spec: `${FM}\n## s · log\n\`\`\`yaml\nmessage: hi\n\`\`\`\ntimeout: 30\n`,
    line: 9,
    message: "timeout `30` has no unit",
    nodeId: "s",
  },
  {
    name: "timeout out of range",
    spec: `${FM}\n## s · log\n\`\`\`yaml\nmessage: hi\n\`\`\`\ntimeout: 2 days\n`,
    line: 9,
    message: "is not a duration",
    nodeId: "s",
  },
  {
    name: "timeout over a day",
    spec: `${FM}\n## s · log\n\`\`\`yaml\nmessage: hi\n\`\`\`\ntimeout: 25h\n`,
    line: 9,
    message: "timeout must be between 100ms and 24h",
    nodeId: "s",
  },
  {
    name: "retry on a control step",
    spec: `${FM}\n## check · condition\n\`\`\`yaml\nexpression: "1 = 1"\n\`\`\`\nretry: 3 attempts, wait 1s\n`,
    line: 9,
    message: "`retry` does not apply to condition nodes",
    nodeId: "check",
  },
  {
    name: "property given twice",
    spec: `${FM}\n## s · log\n\`\`\`yaml\nmessage: hi\n\`\`\`\ntimeout: 1s\ntimeout: 2s\n`,
    line: 10,
    message: "`timeout` is given twice (first at line 9)",
    nodeId: "s",
  },
  {
    name: "misspelt property after the config",
    spec: `${FM}\n## s · log\n\`\`\`yaml\nmessage: hi\n\`\`\`\ntimout: 1s\n`,
    line: 9,
    message: "unknown property `timout` — did you mean `timeout`?",
    nodeId: "s",
  },
  {
    name: "reference to a step that does not run before",
    spec: `${FM}\n## a · log\n\`\`\`yaml\nmessage: a\n\`\`\`\n\n## b · log\n\`\`\`yaml\nmessage: "{{nodes.a.output.message}}"\n\`\`\`\n`,
    line: 12,
    message: "add `after: a` to step `b`",
    nodeId: "b",
  },
  {
    name: "reference to an undeclared input",
    spec: `${FM}\n## a · log\n\`\`\`yaml\nmessage: "{{input.topic}}"\n\`\`\`\n`,
    line: 7,
    message: "references input.topic, which is not declared",
    nodeId: "a",
  },
  {
    name: "a second config block",
    spec: `${FM}\n## a · log\n\`\`\`yaml\nmessage: a\n\`\`\`\n\`\`\`yaml\nlevel: info\n\`\`\`\n`,
    line: 9,
    message: "has a second config block",
    nodeId: "a",
  },
  {
    name: "a code block that is not yaml",
    spec: `${FM}\n## a · log\n\`\`\`js\nconsole.log(1)\n\`\`\`\n`,
    line: 6,
    message: "config block must be ```yaml",
    nodeId: "a",
  },
  {
    name: "prose after the properties",
    spec: `${FM}\n## a · log\nafter: b\nThis explains the step.\n\n## b · log\n`,
    line: 7,
    message: "put the description right under the heading",
    nodeId: "a",
  },
  {
    name: "an unclosed config block does not swallow the next step",
    spec: `${FM}\n## a · log\n\`\`\`yaml\nmessage: a\n\n## b · llm.genrate\n`,
    line: 9,
    message: "uses unknown node type `llm.genrate`",
    nodeId: "b",
  },
];

function describeAll(diagnostics: SpecDiagnostic[]): string {
  return diagnostics.map((d) => `  ${d.line}:${d.column ?? ""} [${d.nodeId ?? ""}] ${d.message}`).join("\n");
}

describe("broken specs", () => {
  it("has a corpus of at least 20 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  it.each(CASES)("$name", (c) => {
    const result = compileSpec(c.spec);
    expect(result.ok).toBe(false);
    expect(result.graph).toBeUndefined();
    const hit = result.diagnostics.find(
      (d) =>
        d.message.includes(c.message) &&
        d.line === c.line &&
        d.nodeId === c.nodeId &&
        (c.column === undefined || d.column === c.column),
    );
    expect(
      hit,
      `expected line ${c.line}${c.column ? `:${c.column}` : ""} [${c.nodeId ?? ""}] "${c.message}", got:\n${describeAll(result.diagnostics)}`,
    ).toBeDefined();
    expect(hit?.severity).toBe("error");
  });

  it("reports every broken step, not just the first", () => {
    const spec = [
      FM,
      "## a · llm.genrate",
      "",
      "## b · log",
      "timeout: soon",
      "",
      "## c · http.request",
      "after: zzz",
      "```yaml",
      "url: ftp://example.com",
      "```",
      "",
      "## d · log",
      "```yaml",
      "message: fine",
      "```",
    ].join("\n");
    const result = compileSpec(spec);
    const byStep = new Set(result.diagnostics.map((d) => d.nodeId));
    expect([...byStep].sort()).toEqual(["a", "b", "c"]);
    expect(result.diagnostics.map((d) => d.line)).toEqual(
      [...result.diagnostics.map((d) => d.line)].sort((x, y) => x - y),
    );
    expect(result.diagnostics.length).toBeGreaterThanOrEqual(4);
  });

  it("warns about a misspelt property in the prose and about text before the first step", () => {
    const spec = `${FM}\nSome intro.\n\n## a · log\nAfer: b\n\`\`\`yaml\nmessage: hi\n\`\`\`\n`;
    const result = compileSpec(spec);
    expect(result.ok).toBe(true);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        line: 5,
        message: expect.stringContaining("not saved"),
      }),
      expect.objectContaining({
        severity: "warning",
        line: 8,
        nodeId: "a",
        message: expect.stringContaining("misspelt `after:`"),
      }),
    ]);
    expect(result.graph?.nodes[0]?.description).toBe("Afer: b");
  });
});

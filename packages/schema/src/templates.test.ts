import { describe, expect, it } from "vitest";
import {
  collectReferences,
  parseTemplate,
  redactSecrets,
  renderTemplate,
  TemplateError,
} from "./templates.ts";

describe("parseTemplate", () => {
  it("splits literals and references with full paths", () => {
    const r = parseTemplate("Hi {{ input.user.name }}, top: {{nodes.fetch.output.items[0]['the title']}}");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.parts).toEqual([
      { kind: "literal", text: "Hi " },
      {
        kind: "reference",
        ref: { root: "input", path: ["input", "user", "name"], text: "input.user.name", column: 4 },
      },
      { kind: "literal", text: ", top: " },
      {
        kind: "reference",
        ref: {
          root: "nodes",
          path: ["nodes", "fetch", "output", "items", 0, "the title"],
          text: "nodes.fetch.output.items[0]['the title']",
          column: 32,
        },
      },
    ]);
  });

  it("allows hyphenated node ids and escaped braces", () => {
    const r = parseTemplate("\\{{literal}} {{nodes.my-node.output}}");
    expect(r.ok && r.parts[0]).toEqual({ kind: "literal", text: "{{literal}} " });
  });

  it.each([
    ["a {{ input.x", "unclosed", 3],
    ["{{}}", "empty reference", 3],
    ["x{{ foo.bar }}", 'unknown reference "foo"', 5],
    ["{{nodes.fetch.body}}", "expected nodes.fetch.output", 3],
    ["{{secrets.A.B}}", "expected secrets.<NAME>", 3],
    ["{{index.x}}", "index is a number", 3],
    ["{{input.}}", "expected a name", 9],
    ["{{input.a b}}", "unexpected character 'b'", 11],
    ["{{input[x]}}", "expected an index", 8],
  ])("reports %s with a column", (src, message, column) => {
    const r = parseTemplate(src);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]?.message).toContain(message);
    expect(r.errors[0]?.column).toBe(column);
  });
});

describe("collectReferences", () => {
  it("returns each reference with its location in the config", () => {
    const refs = collectReferences(
      {
        url: "https://x/{{input.q}}",
        headers: { Authorization: "Bearer {{secrets.API_KEY}}" },
        list: ["{{item.id}}"],
      },
      ["config"],
    );
    expect(refs.map((r) => [r.at.join("."), r.ref.text])).toEqual([
      ["config.url", "input.q"],
      ["config.headers.Authorization", "secrets.API_KEY"],
      ["config.list.0", "item.id"],
    ]);
  });
});

describe("renderTemplate", () => {
  const scope = {
    input: { n: 3, user: { name: "Ada" } },
    nodes: { fetch: { output: { status: 200, body: { items: [{ title: "T" }] }, empty: null } } },
  };

  it("keeps raw values for a lone reference and stringifies mixed strings", () => {
    const { value } = renderTemplate(
      {
        raw: "{{nodes.fetch.output.body}}",
        num: "{{input.n}}",
        mixed: "n={{input.n}} body={{nodes.fetch.output.body}} null={{nodes.fetch.output.empty}}",
        nested: ["{{nodes.fetch.output.body.items[0].title}}", 7, true, null],
        spaced: " {{input.n}}",
      },
      scope,
    );
    expect(value).toEqual({
      raw: { items: [{ title: "T" }] },
      num: 3,
      mixed: 'n=3 body={"items":[{"title":"T"}]} null=',
      nested: ["T", 7, true, null],
      spaced: " 3",
    });
  });

  it("throws a TemplateError naming the missing path", () => {
    const attempt = () => renderTemplate({ a: { b: "x {{nodes.fetch.output.body.nope}}" } }, scope);
    expect(attempt).toThrow(TemplateError);
    try {
      attempt();
    } catch (err) {
      const e = err as TemplateError;
      expect(e.code).toBe("missing_reference");
      expect(e.reference).toBe("nodes.fetch.output.body.nope");
      expect(e.message).toContain("nodes.fetch.output.body.nope");
      expect(e.at).toEqual(["a", "b"]);
    }
    expect(() => renderTemplate("{{nodes.other.output}}", scope)).toThrow(
      /node "other" has not produced output/,
    );
    expect(() => renderTemplate("{{item}}", scope)).toThrow(/only available inside a foreach/);
  });

  it("does not walk into prototype members", () => {
    expect(() => renderTemplate("{{input.constructor}}", scope)).toThrow(TemplateError);
  });

  it("resolves foreach item/index", () => {
    const { value } = renderTemplate("{{index}}: {{item.name}}", { ...scope, item: { name: "x" }, index: 0 });
    expect(value).toBe("0: x");
  });

  it("resolves secrets through the callback and reports which were used", () => {
    const seen: string[] = [];
    const { value, usedSecrets } = renderTemplate(
      { auth: "Bearer {{secrets.API_KEY}}", again: "{{secrets.API_KEY}}", plain: "{{input.n}}" },
      scope,
      { secrets: (name) => (seen.push(name), name === "API_KEY" ? "s3cret" : undefined) },
    );
    expect(value).toEqual({ auth: "Bearer s3cret", again: "s3cret", plain: 3 });
    expect(usedSecrets).toEqual(["API_KEY"]);
    expect(() => renderTemplate("{{secrets.NOPE}}", scope, { secrets: () => undefined })).toThrow(
      /secret "NOPE"/,
    );
  });

  it("can leave missing references in place for best-effort text", () => {
    const { value } = renderTemplate("a {{input.missing}} b {{input.n}}", scope, { missing: "keep" });
    expect(value).toBe("a {{input.missing}} b 3");
  });

  it("reports syntax errors when rendering", () => {
    expect(() => renderTemplate({ url: "{{input" }, scope)).toThrow(/url: unclosed/);
  });
});

describe("redactSecrets", () => {
  it("replaces raw, JSON-escaped and URL-encoded forms, longest first", () => {
    const secret = 'p@ss"word/1';
    const text = `raw=${secret} json=${JSON.stringify({ s: secret })} url=${encodeURIComponent(secret)} short=pass`;
    const out = redactSecrets(text, [secret, "", "p@ss"]);
    expect(out).not.toContain("word");
    expect(out).toBe('raw=[REDACTED] json={"s":"[REDACTED]"} url=[REDACTED] short=pass');
  });
});

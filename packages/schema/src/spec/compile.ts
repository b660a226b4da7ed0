/**
 * AgentSpec → Graph v1. Parsing never stops at the first problem: every step is read, the
 * resulting graph goes through `validateGraph`, and every issue comes back as a diagnostic on
 * the spec line it is about (heading, yaml key, `after:` entry, front-matter key).
 */
import { getNodeType } from "../catalogue.ts";
import { INPUT_TYPES, NODE_ID_PATTERN, type Graph, type GraphEdge, type RetryPolicy } from "../graph.ts";
import { didYouMean } from "../suggest.ts";
import { formatPath, isPlainObject, type PathSegment } from "../templates.ts";
import { validateGraph } from "../validate.ts";
import { parseRetry, parseTimeout } from "./durations.ts";
import { translateIssue, type SourceMap, type StepSource, type EdgeSource } from "./issue-lines.ts";
import { matchProperty, parseAfter, parseValue, type StepProperty } from "./inline.ts";
import type { CompileSpecResult, SpecDiagnostic, SpecMeta } from "./types.ts";
import { lookupKey, parseYamlBlock, type KeyLines } from "./yaml-block.ts";

const FRONT_MATTER_KEYS = ["name", "description", "schedule", "inputs"] as const;
const CRON_FIELD = /^[\d*/,\-A-Za-z?LW#]+$/;

interface Line {
  text: string;
  /** 1-based. */
  no: number;
}

interface Fence {
  open: number;
  /** Index of the closing line, or of the last line the block covers when it was never closed. */
  close: number;
  closed: boolean;
  info: string;
}

export function compileSpec(source: string): CompileSpecResult {
  return new SpecCompiler(source).run();
}

class SpecCompiler {
  private readonly lines: Line[];
  private readonly diagnostics: SpecDiagnostic[] = [];
  private readonly meta: SpecMeta = {};
  private inputs: Record<string, unknown> = {};
  private frontKeys: KeyLines = new Map();
  private frontLine = 1;
  private readonly nodes: Record<string, unknown>[] = [];
  private readonly edges: GraphEdge[] = [];
  private readonly steps: StepSource[] = [];
  private readonly edgeSources: EdgeSource[] = [];
  /** Ids of steps dropped for a broken heading, so `after:` them does not add noise. */
  private readonly brokenIds = new Set<string>();
  private readonly pendingEdges: { edge: GraphEdge; source: EdgeSource }[] = [];

  constructor(source: string) {
    this.lines = source
      .replace(/^\uFEFF/, "")
      .split(/\r\n|\n|\r/)
      .map((text, i) => ({ text, no: i + 1 }));
  }

  run(): CompileSpecResult {
    const bodyStart = this.readFrontMatter();
    const fences = this.findFences(bodyStart);
    const sections = this.splitSections(bodyStart, fences);
    for (const section of sections) this.readStep(section, fences);
    for (const { edge, source } of this.pendingEdges) {
      if (this.brokenIds.has(edge.from)) continue;
      this.edges.push(edge);
      this.edgeSources.push(source);
    }

    const graph = { version: 1 as const, inputs: this.inputs, nodes: this.nodes, edges: this.edges };
    const result = validateGraph(graph);
    if (!result.ok) {
      const map: SourceMap = {
        steps: this.steps,
        edges: this.edgeSources,
        frontKeys: this.frontKeys,
        frontLine: this.frontLine,
      };
      for (const issue of result.errors) {
        const d = translateIssue(issue, map);
        if (d) this.diagnostics.push(d);
      }
    }
    const diagnostics = dedupe(this.diagnostics);
    const ok = result.ok && !diagnostics.some((d) => d.severity === "error");
    return {
      ok,
      ...(ok && result.ok ? { graph: result.graph as Graph } : {}),
      meta: this.meta,
      diagnostics,
    };
  }

  private error(line: number, message: string, extra: { column?: number; nodeId?: string } = {}): void {
    this.diagnostics.push({ severity: "error", message, line, ...extra });
  }

  private warn(line: number, message: string, extra: { column?: number; nodeId?: string } = {}): void {
    this.diagnostics.push({ severity: "warning", message, line, ...extra });
  }

  /** Returns the index of the first line after the front matter. */
  private readFrontMatter(): number {
    const first = this.lines[0];
    if (!first || first.text.trimEnd() !== "---") {
      this.error(
        1,
        "spec must start with front matter: a `---` line, then `name: …` (and optional description, inputs, schedule), then `---`",
      );
      return 0;
    }
    const end = this.lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(l.text));
    if (end === -1) {
      this.error(1, "front matter is not closed — add a `---` line after it");
      return this.lines.length;
    }
    this.frontLine = 1;
    // Every line keeps its newline: a `|+` scalar at the end of the block owns the last ones.
    const text = this.lines
      .slice(1, end)
      .map((l) => `${l.text}\n`)
      .join("");
    const parsed = parseYamlBlock(text, 2);
    this.frontKeys = parsed.keys;
    for (const e of parsed.errors) this.error(e.line, `front matter: ${e.message}`, { column: e.column });
    if (parsed.errors.length) return end + 1;
    if (parsed.nonJson) {
      const pos = lookupKey(this.frontKeys, parsed.nonJson) ?? { line: 2, column: 1 };
      this.error(
        pos.line,
        `front matter: \`${formatPath(parsed.nonJson)}\` is not a JSON value (no .nan, .inf or tags)`,
        {
          column: pos.column,
        },
      );
      return end + 1;
    }
    const value = parsed.value ?? {};
    if (!isPlainObject(value)) {
      this.error(2, "front matter must be `key: value` lines (name, description, inputs, schedule)");
      return end + 1;
    }
    const lineOf = (path: PathSegment[]) => lookupKey(this.frontKeys, path) ?? { line: 1, column: 1 };
    for (const [key, v] of Object.entries(value)) {
      const at = lineOf([key]);
      switch (key) {
        case "name":
        case "description":
        case "schedule":
          if (typeof v !== "string") {
            this.error(at.line, `front matter \`${key}\` must be text`, { column: at.column });
          } else if (key === "schedule") {
            const fields = v.trim().split(/\s+/);
            if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) {
              this.error(
                at.line,
                `schedule "${v}" is not a cron expression — use 5 fields (minute hour day month weekday), e.g. "0 8 * * 1-5"`,
                { column: at.column },
              );
            } else {
              this.meta.schedule = v;
            }
          } else {
            this.meta[key] = v;
          }
          break;
        case "inputs":
          this.readInputs(v, at);
          break;
        default:
          this.error(
            at.line,
            `unknown front-matter key \`${key}\`${didYouMean(key, FRONT_MATTER_KEYS).replace(/"/g, "`")} — allowed keys are ${FRONT_MATTER_KEYS.join(", ")}`,
            { column: at.column },
          );
      }
    }
    return end + 1;
  }

  private readInputs(value: unknown, at: { line: number; column: number }): void {
    if (value === null || value === undefined) return;
    if (!isPlainObject(value)) {
      this.error(
        at.line,
        "`inputs` must map input names to definitions, e.g. `subreddit: { type: string }`",
        {
          column: at.column,
        },
      );
      return;
    }
    const inputs: Record<string, unknown> = {};
    for (const [name, def] of Object.entries(value)) {
      // Shorthand `count: number` for an input with only a type.
      if (typeof def === "string" && (INPUT_TYPES as readonly string[]).includes(def)) {
        inputs[name] = { type: def };
      } else if (typeof def === "string") {
        const pos = lookupKey(this.frontKeys, ["inputs", name]) ?? at;
        this.error(
          pos.line,
          `input \`${name}\` has unknown type \`${def}\`${didYouMean(def, INPUT_TYPES).replace(/"/g, "`")} — use one of ${INPUT_TYPES.join(", ")}`,
          { column: pos.column },
        );
      } else {
        inputs[name] = def;
      }
    }
    this.inputs = inputs;
  }

  private findFences(from: number): Fence[] {
    const fences: Fence[] = [];
    for (let i = from; i < this.lines.length; i++) {
      const m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(this.lines[i]?.text ?? "");
      if (!m) continue;
      const marker = m[1] ?? "```";
      const info = (m[2] ?? "").trim();
      if (marker.startsWith("`") && info.includes("`")) continue; // not a fence per CommonMark
      const closeRe = new RegExp(`^ {0,3}${marker[0] === "`" ? "`" : "~"}{${marker.length},}\\s*$`);
      let close = -1;
      for (let j = i + 1; j < this.lines.length; j++) {
        if (closeRe.test(this.lines[j]?.text ?? "")) {
          close = j;
          break;
        }
      }
      if (close === -1) {
        // Unclosed: end it before the next step heading so the steps after it are still read.
        let end = i + 1;
        while (end < this.lines.length && !/^##(\s|$)/.test(this.lines[end]?.text ?? "")) end++;
        fences.push({ open: i, close: end - 1, closed: false, info });
        this.error(this.lines[i]?.no ?? 1, `code block is not closed — add a line with ${marker} after it`);
        i = end - 1;
      } else {
        fences.push({ open: i, close, closed: true, info });
        i = close;
      }
    }
    return fences;
  }

  private splitSections(from: number, fences: Fence[]): { start: number; end: number }[] {
    const inFence = new Set<number>();
    for (const f of fences) for (let i = f.open; i <= f.close; i++) inFence.add(i);
    const sections: { start: number; end: number }[] = [];
    let preambleWarned = false;
    for (let i = from; i < this.lines.length; i++) {
      const text = this.lines[i]?.text ?? "";
      if (!inFence.has(i) && /^##(\s|$)/.test(text)) {
        const last = sections[sections.length - 1];
        if (last) last.end = i;
        sections.push({ start: i, end: this.lines.length });
      } else if (!sections.length && !preambleWarned && text.trim() !== "" && !/^#(\s|$)/.test(text)) {
        preambleWarned = true;
        this.warn(
          this.lines[i]?.no ?? 1,
          "text before the first step is not saved — put it in the front matter `description`, or start a step with `## id · type`",
        );
      }
    }
    return sections;
  }

  private readStep(section: { start: number; end: number }, fences: Fence[]): void {
    const headingLine = this.lines[section.start] as Line;
    const heading = headingLine.text
      .replace(/^##\s*/, "")
      .replace(/\s+#+\s*$/, "")
      .trim();
    const m = /^(\S+?)\s*[·:]\s*(\S+)$/.exec(heading);
    const stepIndex = this.nodes.length;
    let id: string | undefined;
    let type: string | undefined;
    if (m) {
      id = m[1];
      type = m[2];
    } else {
      const words = heading.split(/\s+/).filter(Boolean);
      if (words.length === 1 && words[0]) {
        const word = words[0];
        const looksLikeType = word.includes(".") || getNodeType(word) !== undefined;
        this.error(
          headingLine.no,
          looksLikeType
            ? `step heading needs an id before the type: \`## my_step · ${word}\``
            : `step \`${word}\` has no node type — write \`## ${word} · <type>\`, e.g. \`## ${word} · llm.generate\``,
          NODE_ID_PATTERN.test(word) && !looksLikeType ? { nodeId: word } : {},
        );
        if (NODE_ID_PATTERN.test(word) && !looksLikeType) this.brokenIds.add(word);
      } else {
        this.error(
          headingLine.no,
          `step heading must be \`## <id> · <type>\` (or \`## <id>: <type>\`), e.g. \`## fetch · http.request\``,
        );
      }
    }
    const nodeId = id !== undefined && NODE_ID_PATTERN.test(id) ? id : undefined;
    const at = nodeId ? { nodeId } : {};

    const step: StepSource = {
      index: stepIndex,
      id: id ?? "",
      headingLine: headingLine.no,
      configBroken: false,
    };
    const node: Record<string, unknown> = {};
    const props: Partial<Record<StepProperty, Line>> = {};
    const prose: string[] = [];
    let description: string | undefined;
    let name: string | undefined;
    let retry: RetryPolicy | undefined;
    let timeoutMs: number | undefined;
    let config: Record<string, unknown> | undefined;
    let proseOpen = true;
    const edges: GraphEdge[] = [];
    const edgeSources: EdgeSource[] = [];

    for (let i = section.start + 1; i < section.end; i++) {
      const line = this.lines[i] as Line;
      const fence = fences.find((f) => f.open === i);
      if (fence) {
        proseOpen = false;
        i = fence.close;
        const lang = fence.info.toLowerCase();
        if (lang !== "" && lang !== "yaml" && lang !== "yml" && lang !== "json") {
          this.error(
            line.no,
            `step${nodeId ? ` \`${nodeId}\`` : ""}: its config block must be \`\`\`yaml (found \`\`\`${fence.info}); steps have no other code blocks`,
            at,
          );
          continue;
        }
        if (step.configLine !== undefined) {
          this.error(
            line.no,
            `step \`${id ?? "?"}\` has a second config block — merge it into the first (line ${step.configLine})`,
            at,
          );
          continue;
        }
        step.configLine = line.no;
        const body = this.lines
          .slice(fence.open + 1, fence.closed ? fence.close : fence.close + 1)
          .map((l) => `${l.text}\n`)
          .join("");
        const parsed = parseYamlBlock(body, line.no + 1);
        step.configKeys = parsed.keys;
        if (!fence.closed) step.configBroken = true;
        for (const e of parsed.errors) {
          this.error(e.line, `step \`${id ?? "?"}\`: config yaml: ${e.message}`, { column: e.column, ...at });
        }
        if (parsed.errors.length) {
          step.configBroken = true;
        } else if (parsed.value === null || parsed.value === undefined) {
          config = {};
        } else if (!isPlainObject(parsed.value)) {
          step.configBroken = true;
          this.error(
            line.no + 1,
            `step \`${id ?? "?"}\`: config must be \`key: value\` lines, not a list or a single value`,
            at,
          );
        } else {
          const bad = parsed.nonJson;
          if (bad) {
            step.configBroken = true;
            const pos = lookupKey(parsed.keys, bad) ?? { line: line.no + 1, column: 1 };
            this.error(
              pos.line,
              `step \`${id ?? "?"}\`: \`${formatPath(bad)}\` is not a JSON value (no .nan, .inf or tags)`,
              {
                column: pos.column,
                ...at,
              },
            );
          } else {
            config = parsed.value;
          }
        }
        continue;
      }
      const text = line.text;
      if (text.trim() === "") {
        if (proseOpen) prose.push("");
        continue;
      }
      if (/^#{1,6}(\s|$)/.test(text)) {
        this.error(
          line.no,
          "only `##` headings are allowed, and each starts a step (`## id · type`) — write notes in the step's description",
          at,
        );
        continue;
      }
      const prop = matchProperty(text);
      if (prop?.kind === "near" && proseOpen) {
        this.warn(
          line.no,
          `\`${prop.key}:\` looks like a misspelt \`${prop.suggestion}:\` line; it is read as description text`,
          at,
        );
      }
      if (prop?.kind !== "property") {
        if (proseOpen) {
          prose.push(text.trimEnd());
        } else if (prop?.kind === "near") {
          this.error(line.no, `unknown property \`${prop.key}\` — did you mean \`${prop.suggestion}\`?`, at);
        } else {
          this.error(
            line.no,
            prop
              ? `unknown property \`${prop.key}\` — step properties are after, name, description, retry and timeout`
              : "unexpected text after the step's properties — put the description right under the heading",
            at,
          );
        }
        continue;
      }
      proseOpen = false;
      if (prop.key !== "after" && props[prop.key]) {
        this.error(
          line.no,
          `\`${prop.key}\` is given twice (first at line ${props[prop.key]?.no}) — keep one`,
          at,
        );
        continue;
      }
      props[prop.key] = line;
      const col = { column: prop.valueColumn, ...at };
      switch (prop.key) {
        case "name":
        case "description": {
          const v = parseValue(prop.value);
          if (!v.ok) this.error(line.no, `\`${prop.key}\` ${v.message}`, col);
          else if (prop.key === "name") name = v.value;
          else description = v.value;
          if (prop.key === "name") step.nameLine = line.no;
          else step.descriptionLine = line.no;
          break;
        }
        case "retry": {
          step.retryLine = line.no;
          const r = parseRetry(prop.value);
          if (r.ok) retry = r.value;
          else
            this.error(line.no, `step \`${id ?? "?"}\`: retry ${r.message}`, {
              ...at,
              column: prop.valueColumn + (r.offset ?? 0),
            });
          break;
        }
        case "timeout": {
          step.timeoutLine = line.no;
          const t = parseTimeout(prop.value);
          if (t.ok) timeoutMs = t.value;
          else this.error(line.no, `step \`${id ?? "?"}\`: timeout ${t.message}`, col);
          break;
        }
        case "after": {
          const parsed = parseAfter(prop.value);
          for (const ref of parsed.refs) {
            const edge: GraphEdge = { from: ref.id, to: id ?? "" };
            if (ref.condition !== undefined) edge.condition = ref.condition;
            if (ref.on !== undefined) edge.on = ref.on;
            edges.push(edge);
            edgeSources.push({
              line: line.no,
              column: prop.valueColumn + ref.offset,
              ...(ref.conditionOffset !== undefined
                ? { conditionColumn: prop.valueColumn + ref.conditionOffset }
                : {}),
              from: ref.id,
              to: id ?? "",
            });
          }
          if (parsed.error) {
            this.error(line.no, `step \`${id ?? "?"}\`: \`after\` ${parsed.error.message}`, {
              ...at,
              column: prop.valueColumn + parsed.error.offset,
            });
          }
          break;
        }
      }
    }

    while (prose.length && prose[0] === "") prose.shift();
    while (prose.length && prose[prose.length - 1] === "") prose.pop();
    if (prose.length) {
      if (description !== undefined) {
        this.error(
          step.descriptionLine ?? headingLine.no,
          "step has both prose and a `description:` line — keep one",
          at,
        );
      }
      description = prose.join("\n");
    }

    if (id === undefined || type === undefined) return;
    node.id = id;
    node.type = type;
    if (name !== undefined) node.name = name;
    if (description !== undefined) node.description = description;
    node.config = config ?? {};
    if (retry !== undefined) node.retry = retry;
    if (timeoutMs !== undefined) node.timeoutMs = timeoutMs;
    step.id = id;
    this.nodes.push(node);
    this.steps.push(step);
    this.pendingEdges.push(...edges.map((edge, k) => ({ edge, source: edgeSources[k] as EdgeSource })));
  }
}

function dedupe(diagnostics: SpecDiagnostic[]): SpecDiagnostic[] {
  const seen = new Set<string>();
  const out: SpecDiagnostic[] = [];
  for (const d of diagnostics) {
    const key = `${d.line}\u0000${d.column ?? 0}\u0000${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
}

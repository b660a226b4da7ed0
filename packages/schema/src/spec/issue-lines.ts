/**
 * `validateGraph` issues → spec diagnostics: the path picks the spec line (heading, yaml key,
 * `after:` entry, front-matter key) and the message is reworded in the spec's own terms.
 */
import type { GraphIssue } from "../issues.ts";
import { didYouMean } from "../suggest.ts";
import { formatPath, type PathSegment } from "../templates.ts";
import type { SpecDiagnostic } from "./types.ts";
import { lookupKey, type KeyLines } from "./yaml-block.ts";

export interface StepSource {
  /** Index in the compiled graph's `nodes`. */
  index: number;
  id: string;
  headingLine: number;
  configLine?: number;
  configKeys?: KeyLines;
  /** The yaml block did not parse, so config issues would only repeat that error. */
  configBroken: boolean;
  nameLine?: number;
  descriptionLine?: number;
  retryLine?: number;
  timeoutLine?: number;
}

export interface EdgeSource {
  line: number;
  column: number;
  conditionColumn?: number;
  from: string;
  to: string;
}

export interface SourceMap {
  steps: readonly StepSource[];
  edges: readonly EdgeSource[];
  frontKeys: KeyLines;
  frontLine: number;
}

const LABEL = /^(node "[^"]*"|nodes\[\d+\]|edge \d+(?: \([^)]*\))?): /;

/** The issue's text without validate's "node "x": config.prompt " lead-in, quoted the spec way. */
function coreText(issue: GraphIssue): string {
  let text = issue.message.replace(LABEL, "");
  if (issue.field && text.startsWith(`${issue.field} `)) text = text.slice(issue.field.length + 1);
  text = text.replace(
    /— connect "([^"]+)" to "([^"]+)" \(directly or through other nodes\)/,
    "— add `after: $1` to step `$2` (or to a step that runs after `$1`)",
  );
  return backticks(text);
}

function backticks(text: string): string {
  return text.replace(/"([^"\n]*)"/g, "`$1`");
}

function code(text: string): string {
  return `\`${text}\``;
}

export function translateIssue(issue: GraphIssue, map: SourceMap): SpecDiagnostic | undefined {
  const [top, index, ...rest] = issue.path;
  if (top === "nodes" && typeof index === "number") {
    const step = map.steps[index];
    if (!step) return undefined;
    return nodeIssue(issue, step, rest, map);
  }
  if (top === "edges" && typeof index === "number") {
    const edge = map.edges[index];
    if (!edge) return undefined;
    return edgeIssue(issue, edge, rest, map);
  }
  if (top === "inputs" && typeof index === "string") {
    const pos = lookupKey(map.frontKeys, issue.path) ?? { line: map.frontLine, column: 1 };
    let text = coreText(issue).replace(/^inputs\.[A-Za-z_]\w* has unknown field/, "has unknown field");
    if (issue.code === "unknown_field") text = text.replace(/^inputs has unknown field/, "has unknown field");
    const field = rest.length && issue.code !== "unknown_field" ? `${code(formatPath(rest))} ` : "";
    return {
      severity: "error",
      message: `input ${code(index)}: ${field}${text}`,
      line: pos.line,
      column: pos.column,
    };
  }
  return { severity: "error", message: coreText(issue), line: map.frontLine };
}

function nodeIssue(
  issue: GraphIssue,
  step: StepSource,
  rest: PathSegment[],
  map: SourceMap,
): SpecDiagnostic | undefined {
  const nodeId = step.id;
  const base = { severity: "error" as const, nodeId };
  const heading = { ...base, line: step.headingLine };
  const text = coreText(issue);
  const who = `step ${code(nodeId)}`;
  const [field] = rest;
  switch (field) {
    case undefined:
      return { ...heading, message: `${who}: ${text}` };
    case "id": {
      if (issue.code === "duplicate_node_id") {
        const first = map.steps.find((s) => s.id === nodeId);
        return {
          ...heading,
          message: `step id ${code(nodeId)} is already used by the step at line ${first?.headingLine ?? "?"} — rename one of them`,
        };
      }
      return { ...heading, message: `step id ${code(nodeId)} ${text}` };
    }
    case "type":
      return { ...heading, message: `${who} uses ${text}` };
    case "config": {
      if (step.configBroken) return undefined;
      const path = rest.slice(1);
      const pos = (step.configKeys && lookupKey(step.configKeys, path)) ?? {
        line: step.configLine ?? step.headingLine,
        column: 1,
      };
      const at = { ...base, line: pos.line, column: pos.column };
      if (issue.code === "unknown_field") {
        const sub = text.replace(/^config\.(\S+) has /, "`$1` has ");
        return { ...at, message: `${who}: ${sub}` };
      }
      if (issue.code === "required" && path.length) {
        const where =
          step.configLine === undefined ? "add a ```yaml block with it" : "add it to the yaml block";
        return { ...at, message: `${who}: ${code(formatPath(path))} is required — ${where}` };
      }
      const label = path.length ? code(formatPath(path)) : "config";
      return { ...at, message: `${who}: ${label} ${text}` };
    }
    case "retry":
    case "timeoutMs": {
      const prop = field === "retry" ? "retry" : "timeout";
      const line = (field === "retry" ? step.retryLine : step.timeoutLine) ?? step.headingLine;
      if (issue.code === "not_applicable") {
        return {
          ...base,
          line,
          message: `${who}: ${code(prop)} ${text} — remove the ${code(`${prop}:`)} line`,
        };
      }
      return { ...base, line, message: `${who}: ${code(prop)} ${text}` };
    }
    case "name":
      return { ...base, line: step.nameLine ?? step.headingLine, message: `${who}: name ${text}` };
    case "description":
      return {
        ...base,
        line: step.descriptionLine ?? step.headingLine + 1,
        message: `${who}: description ${text}`,
      };
    default:
      return { ...heading, message: `${who}: ${text}` };
  }
}

function edgeIssue(issue: GraphIssue, edge: EdgeSource, rest: PathSegment[], map: SourceMap): SpecDiagnostic {
  const who = `step ${code(edge.to)}`;
  const base = { severity: "error" as const, nodeId: edge.to, line: edge.line, column: edge.column };
  const ids = map.steps.map((s) => s.id);
  switch (issue.code) {
    case "dangling_edge":
      return {
        ...base,
        message: `${who}: ${code("after")} names ${code(edge.from)}, but there is no step ${code(edge.from)}${backticks(didYouMean(edge.from, ids))}`,
      };
    case "self_loop":
      return {
        ...base,
        message: `${who} cannot run after itself — remove ${code(edge.from)} from its \`after\` line`,
      };
    case "duplicate_edge":
      return { ...base, message: `${who}: ${code("after")} lists ${code(edge.from)} twice — keep one` };
    case "cycle":
      return {
        ...base,
        message: `steps form a cycle: ${issue.message.replace(/^graph has a cycle: /, "").replace(/ — .*$/, "")} — remove one of these \`after\` entries`,
      };
    case "invalid_error_edge":
      return {
        ...base,
        message: `${who}: ${code(`after: ${edge.from} (on error)`)} is never taken — ${coreText(issue).replace(/^.*— /, "")}; remove ${code("(on error)")}`,
      };
    default:
      break;
  }
  const text = coreText(issue);
  if (rest[0] === "condition") {
    let column = edge.conditionColumn ?? edge.column;
    const position = /at position (\d+)/.exec(issue.message);
    if (issue.code === "invalid_condition" && position && edge.conditionColumn !== undefined) {
      column = edge.conditionColumn + Math.max(0, Number(position[1]) - 1);
    }
    return { ...base, column, message: `${who}: the condition on ${code(`after: ${edge.from}`)} ${text}` };
  }
  return { ...base, message: `${who}: ${code(`after: ${edge.from}`)} ${text}` };
}

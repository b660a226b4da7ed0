/**
 * Graph → canonical AgentSpec. Deterministic: the output depends only on the graph's values
 * (not on key insertion order, except for `inputs`, whose order is the run form's order), and
 * `compileSpec(printSpec(g)).graph` equals `g` without positions, with edges grouped by target.
 */
import type { GraphEdge, GraphInput, GraphNode } from "../graph.ts";
import { formatDuration, formatRetry } from "./durations.ts";
import { formatAfterRef, formatValue, isProseSafe, quote } from "./inline.ts";
import { configKeyOrder } from "./key-order.ts";
import type { SpecMeta } from "./types.ts";
import { printYaml, type KeyOrder } from "./yaml-block.ts";

export const HEADING_SEPARATOR = "·";

const INPUT_KEYS = ["type", "default", "description", "required"];

export function printSpec(graph: GraphInput, meta: SpecMeta = {}): string {
  const inputs = graph.inputs ?? {};
  const edges = graph.edges ?? [];
  const ids = new Set(graph.nodes.map((n) => n.id));
  for (const edge of edges) {
    if (!ids.has(edge.to)) {
      throw new Error(`printSpec: edge ${edge.from} → ${edge.to} targets a node that does not exist`);
    }
  }

  const out: string[] = [frontMatter(inputs, meta)];
  if (meta.name !== undefined && meta.name.trim() !== "") {
    out.push(`# ${meta.name.replace(/\s+/g, " ").trim()}`);
  }
  const printed = new Set<string>();
  for (const node of graph.nodes) {
    // Edges follow the first step with their target id (duplicate ids are invalid anyway).
    const incoming = printed.has(node.id) ? [] : edges.filter((e) => e.to === node.id);
    printed.add(node.id);
    out.push(printStep(node, incoming));
  }
  return `${out.join("\n\n")}\n`;
}

function frontMatter(inputs: NonNullable<GraphInput["inputs"]>, meta: SpecMeta): string {
  const fields: Record<string, unknown> = {};
  if (meta.name !== undefined) fields.name = meta.name;
  if (meta.description !== undefined) fields.description = meta.description;
  if (meta.schedule !== undefined) fields.schedule = meta.schedule;
  if (Object.keys(inputs).length) fields.inputs = inputs;
  const inputOrder: KeyOrder = { keys: INPUT_KEYS };
  const order: KeyOrder = {
    keys: ["name", "description", "schedule", "inputs"],
    child: (k) => (k === "inputs" ? { keys: Object.keys(inputs), child: () => inputOrder } : undefined),
  };
  const body = Object.keys(fields).length ? printYaml(fields, order) : "";
  return `---\n${body}---`;
}

function printStep(node: GraphNode | GraphInput["nodes"][number], incoming: readonly GraphEdge[]): string {
  // A blank line after the heading, as Prettier and most Markdown formatters write it.
  const groups: string[][] = [[`## ${node.id} ${HEADING_SEPARATOR} ${node.type}`]];
  const proseDescription = node.description !== undefined && isProseSafe(node.description);
  if (proseDescription) groups.push([node.description as string]);

  const props: string[] = [];
  if (node.name !== undefined) props.push(`name: ${formatValue(node.name)}`);
  if (node.description !== undefined && !proseDescription) {
    props.push(`description: ${quote(node.description)}`);
  }
  props.push(...afterLines(incoming));
  groups.push(props);

  const config = node.config;
  if (Object.keys(config).some((k) => config[k] !== undefined)) {
    const yaml = printYaml(config, configKeyOrder(node.type, config));
    let longest = 0;
    for (const run of yaml.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
    const fence = "`".repeat(Math.max(3, longest + 1));
    groups.push([`${fence}yaml\n${yaml}${fence}`]);
  }

  const tail: string[] = [];
  if (node.retry !== undefined) tail.push(`retry: ${formatRetry(node.retry)}`);
  if (node.timeoutMs !== undefined) tail.push(`timeout: ${formatDuration(node.timeoutMs)}`);
  groups.push(tail);

  return groups
    .filter((g) => g.length)
    .map((g) => g.join("\n"))
    .join("\n\n");
}

/** Consecutive plain parents share a line (`after: a, b`); conditional and error edges get their own. */
function afterLines(incoming: readonly GraphEdge[]): string[] {
  const lines: string[] = [];
  let plain: string[] = [];
  const flush = (): void => {
    if (plain.length) lines.push(`after: ${plain.join(", ")}`);
    plain = [];
  };
  for (const edge of incoming) {
    if (edge.condition === undefined && edge.on === undefined) {
      plain.push(edge.from);
      continue;
    }
    flush();
    lines.push(
      `after: ${formatAfterRef({
        id: edge.from,
        ...(edge.on !== undefined ? { on: edge.on } : {}),
        ...(edge.condition !== undefined ? { condition: edge.condition } : {}),
      })}`,
    );
  }
  flush();
  return lines;
}

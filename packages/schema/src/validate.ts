/**
 * Graph validation: the one place that decides whether a graph may be saved, published or run.
 * It reports every problem at once, worded for the person editing the agent, and keeps going on
 * partly invalid input (a bad retry policy should not hide a dangling edge).
 */
import { getNodeType, NODE_TYPE_NAMES } from "./catalogue.ts";
import { compileExpression, expressionReferences } from "./expressions.ts";
import { GraphSchema, SECRET_NAME_PATTERN, type Graph } from "./graph.ts";
import { findCycles, upstreamMap } from "./graph-order.ts";
import { edgeLabel, fromZodIssues, makeIssue, type GraphIssue, type IssueContext } from "./issues.ts";
import type { AnyNodeType } from "./node-types/define.ts";
import { didYouMean } from "./suggest.ts";
import { UNSTORABLE_TEXT_MESSAGE, unstorableTextPaths } from "./text.ts";
import {
  formatPath,
  isPlainObject,
  scanTemplates,
  type PathSegment,
  type TemplateReference,
} from "./templates.ts";

export { topologicalOrder, upstreamOf, downstreamOf, findCycles } from "./graph-order.ts";
export { graphChecksum, canonicalJson } from "./checksum.ts";
export type { GraphIssue, GraphIssueCode } from "./issues.ts";

export type ValidateResult = { ok: true; graph: Graph } | { ok: false; errors: GraphIssue[] };

interface LooseNode {
  index: number;
  id: string;
  type: string;
  def: AnyNodeType | undefined;
  config: Record<string, unknown> | undefined;
  raw: Record<string, unknown>;
}

interface LooseEdge {
  index: number;
  from: string;
  to: string;
  on: unknown;
  condition: unknown;
}

export function validateGraph(input: unknown): ValidateResult {
  const raw = isPlainObject(input) ? input : {};
  const rawNodes = Array.isArray(raw.nodes) ? (raw.nodes as unknown[]) : [];
  const rawEdges = Array.isArray(raw.edges) ? (raw.edges as unknown[]) : [];
  const ctx: IssueContext = {
    nodeIds: rawNodes.map((n) => (isPlainObject(n) && typeof n.id === "string" ? n.id : undefined)),
    edges: rawEdges.map((e) =>
      isPlainObject(e) ? { from: stringOr(e.from), to: stringOr(e.to) } : undefined,
    ),
  };
  const errors: GraphIssue[] = [];

  const shape = GraphSchema.safeParse(input, { reportInput: true });
  if (!shape.success) errors.push(...fromZodIssues(ctx, shape.error.issues, [], GraphSchema));
  if (!isPlainObject(input)) return { ok: false, errors };
  for (const path of unstorableTextPaths(input)) {
    errors.push(makeIssue(ctx, "invalid_value", path, UNSTORABLE_TEXT_MESSAGE));
  }

  const nodes = collectNodes(rawNodes);
  const ids = new Set<string>();
  for (const node of nodes) {
    if (ids.has(node.id)) {
      const first = nodes.find((n) => n.id === node.id)?.index ?? 0;
      errors.push(
        makeIssue(
          ctx,
          "duplicate_node_id",
          ["nodes", node.index, "id"],
          `id is already used by nodes[${first}]`,
          { field: false },
        ),
      );
    }
    ids.add(node.id);
  }

  for (const node of nodes) errors.push(...checkNode(ctx, node));

  const edges = collectEdges(rawEdges);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  errors.push(...checkEdges(ctx, edges, byId));

  const topology = { nodes: nodes.map((n) => ({ id: n.id })), edges };
  for (const cycle of findCycles(topology)) {
    const closing = edges.find((e) => e.from === cycle[cycle.length - 1] && e.to === cycle[0]);
    errors.push({
      path: closing ? ["edges", closing.index] : ["edges"],
      ...(cycle[0] !== undefined ? { nodeId: cycle[0] } : {}),
      ...(closing ? { edgeIndex: closing.index } : {}),
      code: "cycle",
      message: `graph has a cycle: ${[...cycle, cycle[0]].join(" → ")} — remove one of these edges`,
    });
  }

  const declaredInputs = isPlainObject(raw.inputs) ? Object.keys(raw.inputs) : [];
  const upstream = upstreamMap(topology);
  errors.push(...checkReferences(ctx, nodes, edges, byId, upstream, declaredInputs));

  if (errors.length || !shape.success) return { ok: false, errors };
  return { ok: true, graph: shape.data };
}

function stringOr(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function collectNodes(rawNodes: unknown[]): LooseNode[] {
  const out: LooseNode[] = [];
  rawNodes.forEach((n, index) => {
    if (!isPlainObject(n) || typeof n.id !== "string" || typeof n.type !== "string") return;
    out.push({
      index,
      id: n.id,
      type: n.type,
      def: getNodeType(n.type),
      config: isPlainObject(n.config) ? n.config : undefined,
      raw: n,
    });
  });
  return out;
}

function collectEdges(rawEdges: unknown[]): LooseEdge[] {
  const out: LooseEdge[] = [];
  rawEdges.forEach((e, index) => {
    if (!isPlainObject(e) || typeof e.from !== "string" || typeof e.to !== "string") return;
    out.push({ index, from: e.from, to: e.to, on: e.on, condition: e.condition });
  });
  return out;
}

function checkNode(ctx: IssueContext, node: LooseNode): GraphIssue[] {
  const errors: GraphIssue[] = [];
  const { def } = node;
  if (!def) {
    errors.push(
      makeIssue(
        ctx,
        "unknown_node_type",
        ["nodes", node.index, "type"],
        `unknown node type "${node.type}"${didYouMean(node.type, NODE_TYPE_NAMES)}`,
        { field: false },
      ),
    );
    return errors;
  }
  if (def.kind === "control") {
    // The workflow interprets control nodes; activity retry/timeout would silently do nothing.
    for (const key of ["retry", "timeoutMs"] as const) {
      if (node.raw[key] !== undefined) {
        errors.push(
          makeIssue(
            ctx,
            "not_applicable",
            ["nodes", node.index, key],
            `does not apply to ${def.type} nodes (they run in the workflow, not as an activity)`,
          ),
        );
      }
    }
  }
  if (!node.config) return errors; // shape check already said config must be an object
  const parsed = def.config.safeParse(node.config, { reportInput: true });
  if (!parsed.success)
    errors.push(...fromZodIssues(ctx, parsed.error.issues, ["nodes", node.index, "config"], def.config));

  if (def.inlineNodeField) {
    const inline = node.config[def.inlineNodeField];
    if (isPlainObject(inline) && typeof inline.type === "string") {
      const base: PathSegment[] = ["nodes", node.index, "config", def.inlineNodeField];
      const inner = getNodeType(inline.type);
      if (!inner) {
        errors.push(
          makeIssue(
            ctx,
            "unknown_node_type",
            [...base, "type"],
            `unknown node type "${inline.type}"${didYouMean(inline.type, NODE_TYPE_NAMES)}`,
          ),
        );
      } else if (inner.kind !== "activity") {
        errors.push(
          makeIssue(
            ctx,
            "invalid_inline_node",
            [...base, "type"],
            `must be an activity node type; ${inner.type} cannot run per item`,
          ),
        );
      } else if (isPlainObject(inline.config) || inline.config === undefined) {
        const innerParsed = inner.config.safeParse(inline.config ?? {}, { reportInput: true });
        if (!innerParsed.success)
          errors.push(...fromZodIssues(ctx, innerParsed.error.issues, [...base, "config"], inner.config));
      }
    }
  }
  return errors;
}

function checkEdges(ctx: IssueContext, edges: LooseEdge[], byId: Map<string, LooseNode>): GraphIssue[] {
  const errors: GraphIssue[] = [];
  const ids = [...byId.keys()];
  const seen = new Map<string, number>();
  for (const edge of edges) {
    const at = ["edges", edge.index];
    for (const end of ["from", "to"] as const) {
      const id = edge[end];
      if (!byId.has(id)) {
        const role = end === "from" ? "source" : "target";
        errors.push(
          makeIssue(
            ctx,
            "dangling_edge",
            [...at, end],
            `${role} node "${id}" does not exist${didYouMean(id, ids)}`,
            { field: false },
          ),
        );
      }
    }
    if (edge.from === edge.to) {
      errors.push(makeIssue(ctx, "self_loop", at, `a node cannot connect to itself`));
    }
    const key = `${edge.from}\u0000${edge.to}\u0000${edge.on === "error" ? "error" : "success"}`;
    const previous = seen.get(key);
    if (previous !== undefined) {
      errors.push(makeIssue(ctx, "duplicate_edge", at, `duplicates ${edgeLabel(ctx, previous)}`));
    } else {
      seen.set(key, edge.index);
    }
    const source = byId.get(edge.from);
    if (edge.on === "error" && source?.def && !source.def.canFail) {
      errors.push(
        makeIssue(
          ctx,
          "invalid_error_edge",
          [...at, "on"],
          `on: "error" is never taken — ${source.def.type} nodes cannot fail`,
          { field: false },
        ),
      );
    }
    if (typeof edge.condition === "string") {
      const compiled = compileExpression(edge.condition);
      if (!compiled.ok) {
        errors.push(
          makeIssue(
            ctx,
            "invalid_condition",
            [...at, "condition"],
            `has a syntax error at position ${compiled.error.position}: ${compiled.error.message}`,
          ),
        );
      }
    }
  }
  return errors;
}

interface RefSite {
  node: LooseNode;
  /** Path of the template/expression from the graph root. */
  at: PathSegment[];
  /** `item`/`index` are in scope (foreach inline node config). */
  inForeach: boolean;
}

function checkReferences(
  ctx: IssueContext,
  nodes: LooseNode[],
  edges: LooseEdge[],
  byId: Map<string, LooseNode>,
  upstream: Map<string, Set<string>>,
  declaredInputs: string[],
): GraphIssue[] {
  const errors: GraphIssue[] = [];
  const ids = [...byId.keys()];

  const checkNodeRef = (
    site: PathSegment[],
    label: string,
    refId: string,
    visible: Set<string>,
    reader: string,
  ): void => {
    if (!byId.has(refId)) {
      errors.push(
        makeIssue(
          ctx,
          "unknown_node_reference",
          site,
          `references nodes.${refId}, but there is no node "${refId}"${didYouMean(refId, ids)}`,
        ),
      );
    } else if (!visible.has(refId)) {
      const why =
        refId === reader
          ? `a node cannot read its own output`
          : `"${refId}" does not run before "${reader}" — connect "${refId}" to "${reader}" (directly or through other nodes)`;
      errors.push(makeIssue(ctx, "reference_not_upstream", site, `references ${label}, but ${why}`));
    }
  };
  const checkInputRef = (site: PathSegment[], name: string): void => {
    if (!declaredInputs.includes(name)) {
      const declared = declaredInputs.length
        ? `declared inputs: ${declaredInputs.join(", ")}`
        : "the graph declares no inputs";
      errors.push(
        makeIssue(
          ctx,
          "unknown_input",
          site,
          `references input.${name}, which is not declared (${declared})${didYouMean(name, declaredInputs)}`,
        ),
      );
    }
  };

  const checkTemplateRef = (site: RefSite, ref: TemplateReference): void => {
    const label = `{{${ref.text}}}`;
    const name = ref.path[1];
    switch (ref.root) {
      case "nodes":
        checkNodeRef(site.at, label, String(name), upstream.get(site.node.id) ?? new Set(), site.node.id);
        break;
      case "input":
        if (typeof name === "string") checkInputRef(site.at, name);
        break;
      case "secrets":
        if (!SECRET_NAME_PATTERN.test(String(name))) {
          errors.push(
            makeIssue(
              ctx,
              "invalid_secret_name",
              site.at,
              `references secret "${String(name)}"; secret names are upper-case letters, digits and '_' (e.g. ${String(
                name,
              )
                .toUpperCase()
                .replace(/[^A-Z0-9_]/g, "_")})`,
            ),
          );
        }
        if (site.node.def?.kind === "control") {
          errors.push(
            makeIssue(
              ctx,
              "secret_in_control_node",
              site.at,
              `references ${label}, but ${site.node.def.type} nodes run in the workflow, whose history would record the secret`,
            ),
          );
        }
        break;
      case "item":
      case "index":
        if (!site.inForeach) {
          errors.push(
            makeIssue(
              ctx,
              "invalid_reference",
              site.at,
              `references ${label}, which exists only inside a foreach node's per-item config`,
            ),
          );
        }
        break;
    }
  };

  const scan = (site: Omit<RefSite, "at">, value: unknown, prefix: PathSegment[]): void => {
    const found = scanTemplates(value, prefix);
    for (const e of found.errors) {
      errors.push(
        makeIssue(ctx, "template_syntax", e.at, `has a template error at column ${e.column}: ${e.message}`),
      );
    }
    for (const r of found.references) checkTemplateRef({ ...site, at: r.at }, r.ref);
  };

  for (const node of nodes) {
    const { def, config } = node;
    if (!def || !config) continue;
    const base: PathSegment[] = ["nodes", node.index, "config"];
    for (const [key, value] of Object.entries(config)) {
      if (def.expressionFields.includes(key)) {
        if (typeof value !== "string") continue;
        const compiled = compileExpression(value);
        if (!compiled.ok) continue; // the config schema reports syntax errors
        for (const ref of expressionReferences(compiled.expr)) {
          if (ref.root === "nodes") {
            checkNodeRef(
              [...base, key],
              `nodes.${ref.name}`,
              ref.name,
              upstream.get(node.id) ?? new Set(),
              node.id,
            );
          } else {
            checkInputRef([...base, key], ref.name);
          }
        }
      } else if (key === def.inlineNodeField && isPlainObject(value)) {
        scan({ node, inForeach: true }, value.config, [...base, key, "config"]);
      } else {
        scan({ node, inForeach: false }, value, [...base, key]);
      }
    }
  }

  for (const edge of edges) {
    if (typeof edge.condition !== "string" || !byId.has(edge.from)) continue;
    const compiled = compileExpression(edge.condition);
    if (!compiled.ok) continue;
    // A condition is evaluated when its source finishes: only the source and its ancestors are done.
    const visible = new Set([...(upstream.get(edge.from) ?? []), edge.from]);
    const site = ["edges", edge.index, "condition"];
    for (const ref of expressionReferences(compiled.expr)) {
      if (ref.root === "nodes") checkNodeRef(site, `nodes.${ref.name}`, ref.name, visible, edge.from);
      else checkInputRef(site, ref.name);
    }
  }
  return errors;
}

/** `nodes[1].config.prompt`-style rendering of an issue path, for logs and CLI output. */
export function formatIssuePath(issue: GraphIssue): string {
  return formatPath(issue.path);
}

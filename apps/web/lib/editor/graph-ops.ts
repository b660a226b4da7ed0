import dagre from "@dagrejs/dagre";
import { getNodeType } from "@weft/schema";
import type { DraftEdge, DraftGraph, DraftNode } from "./draft-store";

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 72;

/** A readable, unique id from the node type: "http.request" → "request", "request_2", … */
export function nextNodeId(graph: DraftGraph, type: string): string {
  const last = type.split(".").pop() ?? "node";
  let base = last.replace(/[^a-zA-Z0-9_-]/g, "_");
  if (!/^[a-zA-Z]/.test(base)) base = `n_${base}`;
  base = base.slice(0, 56);
  const taken = new Set(graph.nodes.map((n) => n.id));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i += 1) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

/** A config that passes the node type's schema: its example, else the schema's defaults. */
export function defaultConfig(
  type: string,
  schema: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const example = getNodeType(type)?.example;
  if (example && typeof example === "object" && !Array.isArray(example)) {
    return structuredClone(example as Record<string, unknown>);
  }
  const out: Record<string, unknown> = {};
  const props = (schema?.["properties"] ?? {}) as Record<string, { default?: unknown }>;
  for (const [key, prop] of Object.entries(props)) if (prop.default !== undefined) out[key] = prop.default;
  return out;
}

export function addNode(
  graph: DraftGraph,
  type: string,
  schema: Record<string, unknown> | undefined,
  position?: { x: number; y: number },
): { graph: DraftGraph; id: string } {
  const id = nextNodeId(graph, type);
  const at = position ?? freeSpot(graph);
  const node: DraftNode = {
    id,
    type,
    config: defaultConfig(type, schema),
    position: { x: Math.round(at.x), y: Math.round(at.y) },
  };
  return { graph: { ...graph, nodes: [...graph.nodes, node] }, id };
}

/** Right of the right-most node, so a clicked palette item never lands on top of another. */
function freeSpot(graph: DraftGraph): { x: number; y: number } {
  if (graph.nodes.length === 0) return { x: 0, y: 0 };
  let maxX = -Infinity;
  let y = 0;
  for (const n of graph.nodes) {
    const p = n.position ?? { x: 0, y: 0 };
    if (p.x > maxX) {
      maxX = p.x;
      y = p.y;
    }
  }
  return { x: maxX + NODE_WIDTH + 60, y };
}

export function connect(graph: DraftGraph, from: string, to: string): DraftGraph {
  if (from === to) return graph;
  if (graph.edges.some((e) => e.from === from && e.to === to && e.on !== "error")) return graph;
  return { ...graph, edges: [...graph.edges, { from, to }] };
}

export function removeElements(graph: DraftGraph, nodeIds: Set<string>, edgeKeys: Set<string>): DraftGraph {
  const nodes = graph.nodes.filter((n) => !nodeIds.has(n.id));
  const edges = graph.edges.filter(
    (e, index) => !nodeIds.has(e.from) && !nodeIds.has(e.to) && !edgeKeys.has(edgeKey(e, index)),
  );
  return { ...graph, nodes, edges };
}

export function edgeKey(edge: DraftEdge, index: number): string {
  return `e${index}:${edge.from}->${edge.to}${edge.on === "error" ? ":error" : ""}`;
}

export function updateNode(graph: DraftGraph, id: string, fn: (node: DraftNode) => DraftNode): DraftGraph {
  let changed = false;
  const nodes = graph.nodes.map((n) => {
    if (n.id !== id) return n;
    const next = fn(n);
    if (next !== n) changed = true;
    return next;
  });
  return changed ? { ...graph, nodes } : graph;
}

/** Renames a node and the edges that touch it; templates that mention it are left to validation. */
export function renameNode(graph: DraftGraph, from: string, to: string): DraftGraph {
  if (from === to) return graph;
  return {
    ...graph,
    nodes: graph.nodes.map((n) => (n.id === from ? { ...n, id: to } : n)),
    edges: graph.edges.map((e) =>
      e.from === from || e.to === from
        ? { ...e, from: e.from === from ? to : e.from, to: e.to === from ? to : e.to }
        : e,
    ),
  };
}

export function setPositions(
  graph: DraftGraph,
  positions: Map<string, { x: number; y: number }>,
): DraftGraph {
  if (positions.size === 0) return graph;
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      const p = positions.get(n.id);
      return p ? { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } } : n;
    }),
  };
}

/** Left-to-right layered layout (dagre). */
export function autoLayout(graph: DraftGraph): DraftGraph {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 40, ranksep: 80, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of graph.edges) if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  for (const n of graph.nodes) {
    const laid = g.node(n.id) as { x: number; y: number } | undefined;
    if (laid) positions.set(n.id, { x: laid.x - NODE_WIDTH / 2, y: laid.y - NODE_HEIGHT / 2 });
  }
  return setPositions(graph, positions);
}

/** Keeps canvas positions when another view (spec, JSON without positions) replaces the graph. */
export function carryPositions(next: DraftGraph, previous: DraftGraph): DraftGraph {
  const old = new Map(previous.nodes.map((n) => [n.id, n.position]));
  let missing = false;
  const nodes = next.nodes.map((n) => {
    if (n.position) return n;
    const p = old.get(n.id);
    if (p) return { ...n, position: p };
    missing = true;
    return n;
  });
  const merged = { ...next, nodes };
  if (!missing) return merged;
  // New steps from the spec: lay out only those, below what is already placed.
  const laid = autoLayout(merged);
  const maxY = Math.max(0, ...nodes.filter((n) => n.position).map((n) => n.position!.y + NODE_HEIGHT + 60));
  return {
    ...merged,
    nodes: merged.nodes.map((n, i) =>
      n.position
        ? n
        : { ...n, position: { x: laid.nodes[i]!.position!.x, y: laid.nodes[i]!.position!.y + maxY } },
    ),
  };
}

export interface GraphDiff {
  added: string[];
  removed: string[];
  changed: string[];
  edgesAdded: string[];
  edgesRemoved: string[];
}

function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/** Nodes added/removed/changed between two graphs; moving a node is not a change. */
export function diffGraphs(before: DraftGraph, after: DraftGraph): GraphDiff {
  const a = new Map(before.nodes.map((n) => [n.id, n]));
  const b = new Map(after.nodes.map((n) => [n.id, n]));
  const strip = (n: DraftNode) => stable({ ...n, position: undefined });
  const edgeText = (e: DraftEdge) =>
    `${e.from} → ${e.to}${e.on === "error" ? " (on error)" : ""}${e.condition ? ` if ${e.condition}` : ""}`;
  const ea = new Set(before.edges.map(edgeText));
  const eb = new Set(after.edges.map(edgeText));
  return {
    added: [...b.keys()].filter((id) => !a.has(id)),
    removed: [...a.keys()].filter((id) => !b.has(id)),
    changed: [...b.keys()].filter((id) => a.has(id) && strip(a.get(id)!) !== strip(b.get(id)!)),
    edgesAdded: [...eb].filter((e) => !ea.has(e)),
    edgesRemoved: [...ea].filter((e) => !eb.has(e)),
  };
}

/** JSON without positions, for "did the meaning change" comparisons. */
export function graphJson(graph: DraftGraph): string {
  return JSON.stringify(graph);
}

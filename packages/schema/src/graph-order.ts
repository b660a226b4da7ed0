import type { GraphEdge, GraphNode } from "./graph.ts";

/** Only what ordering needs, so lenient validation can run it on partially valid input. */
export interface GraphTopology {
  nodes: readonly Pick<GraphNode, "id">[];
  edges: readonly Pick<GraphEdge, "from" | "to">[];
}

interface Adjacency {
  out: Map<string, string[]>;
  in: Map<string, string[]>;
}

/** Edges to unknown nodes and self-loops are ignored here; validation reports them. */
function adjacency(graph: GraphTopology): Adjacency {
  const out = new Map<string, string[]>();
  const inn = new Map<string, string[]>();
  for (const n of graph.nodes) {
    out.set(n.id, []);
    inn.set(n.id, []);
  }
  for (const e of graph.edges) {
    if (e.from === e.to) continue;
    const o = out.get(e.from);
    const i = inn.get(e.to);
    if (!o || !i) continue;
    if (!o.includes(e.to)) o.push(e.to);
    if (!i.includes(e.from)) i.push(e.from);
  }
  return { out, in: inn };
}

function reachable(start: string, next: Map<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [...(next.get(start) ?? [])];
  while (stack.length) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  seen.delete(start);
  return seen;
}

/** Every node that must finish (or be skipped) before `nodeId` can start, over any edge kind. */
export function upstreamOf(graph: GraphTopology, nodeId: string): Set<string> {
  return reachable(nodeId, adjacency(graph).in);
}

export function downstreamOf(graph: GraphTopology, nodeId: string): Set<string> {
  return reachable(nodeId, adjacency(graph).out);
}

/** All upstream sets at once (validation needs one per node; this shares the adjacency build). */
export function upstreamMap(graph: GraphTopology): Map<string, Set<string>> {
  const adj = adjacency(graph);
  return new Map(graph.nodes.map((n) => [n.id, reachable(n.id, adj.in)]));
}

/**
 * Kahn's algorithm; ties keep the order of `graph.nodes`, so the order is stable across
 * replays and machines. Throws on a cycle (validated graphs have none).
 */
export function topologicalOrder(graph: GraphTopology): string[] {
  const adj = adjacency(graph);
  const indegree = new Map([...adj.in].map(([id, from]) => [id, from.length]));
  const position = new Map(graph.nodes.map((n, i) => [n.id, i]));
  const ready = graph.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  while (ready.length) {
    ready.sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
    const id = ready.shift() as string;
    order.push(id);
    for (const next of adj.out.get(id) ?? []) {
      const d = (indegree.get(next) ?? 0) - 1;
      indegree.set(next, d);
      if (d === 0) ready.push(next);
    }
  }
  if (order.length < indegree.size) {
    const cycle = findCycles(graph)[0] ?? [];
    throw new Error(`graph has a cycle: ${[...cycle, cycle[0]].join(" → ")}`);
  }
  return order;
}

/**
 * One concrete cycle per strongly connected component (Tarjan), each listed in edge order
 * starting from its earliest node, so messages can say "a → b → c → a".
 */
export function findCycles(graph: GraphTopology): string[][] {
  const adj = adjacency(graph);
  const position = new Map(graph.nodes.map((n, i) => [n.id, i]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  // Iterative to stay safe on long chains (the workflow sandbox has a modest stack).
  for (const root of graph.nodes.map((n) => n.id)) {
    if (index.has(root)) continue;
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1] as { id: string; next: number };
      const succ = adj.out.get(frame.id) ?? [];
      if (frame.next < succ.length) {
        const w = succ[frame.next++] as string;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ id: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.id, Math.min(low.get(frame.id) ?? 0, index.get(w) ?? 0));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) ?? 0, low.get(frame.id) ?? 0));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let w: string | undefined;
        do {
          w = stack.pop();
          if (w === undefined) break;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.id);
        if (component.length > 1) components.push(component);
      }
    }
  }

  return components
    .map((component) => cycleWithin(new Set(component), adj.out, position))
    .sort((a, b) => (position.get(a[0] ?? "") ?? 0) - (position.get(b[0] ?? "") ?? 0));
}

/** Walks a strongly connected component from its earliest node back to itself (BFS = shortest). */
function cycleWithin(
  members: Set<string>,
  out: Map<string, string[]>,
  position: Map<string, number>,
): string[] {
  const start = [...members].sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0))[0] as string;
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const id = queue.shift() as string;
    for (const next of out.get(id) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [id];
        while (path[0] !== start) path.unshift(parent.get(path[0] as string) as string);
        return path;
      }
      if (!parent.has(next)) {
        parent.set(next, id);
        queue.push(next);
      }
    }
  }
  return [start];
}

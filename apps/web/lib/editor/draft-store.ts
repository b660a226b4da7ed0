/**
 * One draft graph shared by the canvas, the config form, the JSON view and the spec view.
 *
 * A tiny external store (read with useSyncExternalStore) rather than React state at the top of
 * the editor: views subscribe to what they need, and `origin` lets the view that made a change
 * skip re-applying its own edit (no cursor jumps, no echo loops).
 */

export interface DraftNode {
  id: string;
  type: string;
  name?: string;
  description?: string;
  config: Record<string, unknown>;
  retry?: unknown;
  timeoutMs?: number;
  position?: { x: number; y: number };
  [key: string]: unknown;
}

export interface DraftEdge {
  from: string;
  to: string;
  condition?: string;
  on?: "success" | "error";
  [key: string]: unknown;
}

export interface DraftGraph {
  version: 1;
  inputs: Record<string, unknown>;
  nodes: DraftNode[];
  edges: DraftEdge[];
  [key: string]: unknown;
}

export type Origin =
  | "load"
  | "canvas"
  | "form"
  | "json"
  | "spec"
  | "history"
  | "remote"
  | "layout"
  /** An accepted "Describe in English" proposal. */
  | "assistant";

export interface DraftSnapshot {
  graph: DraftGraph;
  origin: Origin;
  /** Increments on every change. */
  seq: number;
  canUndo: boolean;
  canRedo: boolean;
}

const MAX_HISTORY = 200;
/** Keystrokes in the same field within this window are one undo step. */
const COALESCE_MS = 1200;

export function emptyGraph(): DraftGraph {
  return { version: 1, inputs: {}, nodes: [], edges: [] };
}

/** Accepts whatever the server or the JSON view holds and gives the views a safe shape. */
export function normaliseGraph(value: unknown): DraftGraph {
  if (!value || typeof value !== "object" || Array.isArray(value)) return emptyGraph();
  const raw = value as Record<string, unknown>;
  const nodes = Array.isArray(raw["nodes"])
    ? (raw["nodes"] as unknown[]).filter(
        (n): n is DraftNode => !!n && typeof n === "object" && !Array.isArray(n),
      )
    : [];
  const edges = Array.isArray(raw["edges"])
    ? (raw["edges"] as unknown[]).filter(
        (e): e is DraftEdge => !!e && typeof e === "object" && !Array.isArray(e),
      )
    : [];
  const inputs =
    raw["inputs"] && typeof raw["inputs"] === "object" && !Array.isArray(raw["inputs"])
      ? (raw["inputs"] as Record<string, unknown>)
      : {};
  return { ...raw, version: 1, inputs, nodes, edges } as DraftGraph;
}

export class DraftStore {
  private snapshot: DraftSnapshot;
  private past: DraftGraph[] = [];
  private future: DraftGraph[] = [];
  private listeners = new Set<() => void>();
  private lastCoalesce: { key: string; at: number } | undefined;

  constructor(initial: DraftGraph) {
    this.snapshot = { graph: initial, origin: "load", seq: 0, canUndo: false, canRedo: false };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): DraftSnapshot => this.snapshot;

  get graph(): DraftGraph {
    return this.snapshot.graph;
  }

  /** Replaces the graph. `coalesce` merges rapid edits of one field into one undo step. */
  set(graph: DraftGraph, origin: Origin, opts: { coalesce?: string; history?: boolean } = {}): void {
    if (graph === this.snapshot.graph) return;
    const now = Date.now();
    const merge =
      opts.coalesce !== undefined &&
      this.lastCoalesce?.key === opts.coalesce &&
      now - this.lastCoalesce.at < COALESCE_MS;
    if (opts.history !== false && !merge) {
      this.past.push(this.snapshot.graph);
      if (this.past.length > MAX_HISTORY) this.past.shift();
    }
    if (opts.history !== false) this.future = [];
    this.lastCoalesce = opts.coalesce !== undefined ? { key: opts.coalesce, at: now } : undefined;
    this.emit(graph, origin);
  }

  update(fn: (graph: DraftGraph) => DraftGraph, origin: Origin, opts?: { coalesce?: string }): void {
    this.set(fn(this.snapshot.graph), origin, opts);
  }

  undo(): void {
    const previous = this.past.pop();
    if (!previous) return;
    this.future.push(this.snapshot.graph);
    this.lastCoalesce = undefined;
    this.emit(previous, "history");
  }

  redo(): void {
    const next = this.future.pop();
    if (!next) return;
    this.past.push(this.snapshot.graph);
    this.lastCoalesce = undefined;
    this.emit(next, "history");
  }

  private emit(graph: DraftGraph, origin: Origin): void {
    this.snapshot = {
      graph,
      origin,
      seq: this.snapshot.seq + 1,
      canUndo: this.past.length > 0,
      canRedo: this.future.length > 0,
    };
    for (const listener of this.listeners) listener();
  }
}

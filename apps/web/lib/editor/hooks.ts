"use client";

import { validateGraph, type GraphIssue } from "@weft/schema";
import { useEffect, useState, useSyncExternalStore } from "react";
import type { DraftGraph, DraftSnapshot, DraftStore } from "./draft-store";

export function useDraft(store: DraftStore): DraftSnapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}

export interface Issues {
  all: GraphIssue[];
  byNode: Map<string, GraphIssue[]>;
  /** Issues not tied to a node (edges, inputs, the graph). */
  general: GraphIssue[];
}

const NO_ISSUES: Issues = { all: [], byNode: new Map(), general: [] };

export function computeIssues(graph: DraftGraph): Issues {
  const result = validateGraph(graph);
  if (result.ok) return NO_ISSUES;
  const byNode = new Map<string, GraphIssue[]>();
  const general: GraphIssue[] = [];
  for (const issue of result.errors) {
    if (issue.nodeId) {
      const list = byNode.get(issue.nodeId) ?? [];
      list.push(issue);
      byNode.set(issue.nodeId, list);
    } else general.push(issue);
  }
  return { all: result.errors, byNode, general };
}

/**
 * Validation trails typing by a moment: a 200-node graph validates in a few milliseconds, but
 * not on every keystroke.
 */
export function useIssues(graph: DraftGraph, delayMs = 150): Issues {
  const [issues, setIssues] = useState<Issues>(() => computeIssues(graph));
  useEffect(() => {
    const timer = setTimeout(() => setIssues(computeIssues(graph)), delayMs);
    return () => clearTimeout(timer);
  }, [graph, delayMs]);
  return issues;
}

"use client";

import "@xyflow/react/dist/style.css";
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  applyNodeChanges,
  type Edge,
  type NodeChange,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useQuery } from "urql";
import { WeftNode, type WeftFlowNode, type WeftNodeData } from "@/components/editor/weft-node";
import type { DraftGraph } from "@/lib/editor/draft-store";
import { autoLayout, edgeKey } from "@/lib/editor/graph-ops";
import { NODE_TYPES, type NodeTypeInfo, type NodeTypesData } from "@/lib/graphql";
import { DISPLAY_STATUSES, STATUS_LABELS, type DisplayStatus, type NodeRow } from "./run-model";

const FLOW_NODE_TYPES = { weft: WeftNode };

/** The stored positions, or a layered layout when the version was written without them. */
function placed(graph: DraftGraph): DraftGraph {
  return graph.nodes.every((n) => n.position) ? graph : autoLayout(graph);
}

function nodeData(row: NodeRow | undefined, title: string, category: string, label: string): WeftNodeData {
  const status = row?.status ?? "pending";
  return {
    title,
    category,
    label,
    issueCount: 0,
    firstIssue: undefined,
    status,
    statusLabel: row?.statusText ?? STATUS_LABELS[status],
  };
}

/** React Flow nodes for the graph, reusing every previous node whose look did not change. */
function flowNodes(
  prev: WeftFlowNode[],
  graph: DraftGraph,
  types: Map<string, NodeTypeInfo>,
  rows: Map<string, NodeRow>,
  selectedId: string | null,
): WeftFlowNode[] {
  const old = new Map(prev.map((n) => [n.id, n]));
  return graph.nodes.map((source, index) => {
    const info = types.get(source.type);
    const label = typeof source.name === "string" && source.name ? source.name : source.id;
    const data = nodeData(
      rows.get(source.id),
      info?.title ?? source.type,
      info?.category ?? "unknown",
      label,
    );
    const selected = source.id === selectedId;
    const previous = old.get(source.id);
    if (
      previous &&
      previous.data.status === data.status &&
      previous.data.statusLabel === data.statusLabel &&
      previous.data.title === data.title &&
      previous.data.category === data.category &&
      previous.data.label === data.label &&
      !!previous.selected === selected
    )
      return previous;
    return {
      ...(previous ?? {}),
      id: source.id,
      type: "weft" as const,
      position: source.position ?? { x: (index % 6) * 260, y: Math.floor(index / 6) * 120 },
      data,
      selected,
      draggable: false,
      connectable: false,
      deletable: false,
      ariaLabel: `${data.title}: ${label}, ${data.statusLabel ?? ""}`,
    };
  });
}

/**
 * The run's version graph, read-only, each node coloured (and labelled) by its live status.
 * Clicking a node, or pressing Enter on a focused one, selects it for the details panel.
 */
function RunCanvasInner({
  graph,
  rows,
  selectedId,
  onSelect,
}: {
  graph: DraftGraph;
  rows: NodeRow[];
  selectedId: string | null;
  onSelect: (id: string | null) => void;
}) {
  const [{ data: catalogue }] = useQuery<NodeTypesData>({ query: NODE_TYPES, requestPolicy: "cache-first" });
  const types = useMemo(() => new Map((catalogue?.nodeTypes ?? []).map((t) => [t.type, t])), [catalogue]);
  const byId = useMemo(() => new Map(rows.map((r) => [r.id, r])), [rows]);
  const laidOut = useMemo(() => placed(graph), [graph]);

  // Local node state (so React Flow's measurements stick); statuses and selection merged in.
  const [nodes, setNodes] = useState<WeftFlowNode[]>(() => flowNodes([], laidOut, types, byId, selectedId));
  useEffect(() => {
    setNodes((prev) => flowNodes(prev, laidOut, types, byId, selectedId));
  }, [laidOut, types, byId, selectedId]);

  const edges = useMemo<Edge[]>(
    () =>
      graph.edges.map((e, index) => {
        const error = e.on === "error";
        const target = byId.get(e.to)?.status;
        const source = byId.get(e.from)?.status;
        return {
          id: edgeKey(e, index),
          source: e.from,
          target: e.to,
          selectable: false,
          focusable: false,
          label: error ? "on error" : e.condition ? `if ${e.condition}` : undefined,
          className: [
            error ? "wedge-error" : e.condition ? "wedge-condition" : "",
            target === "skipped" || source === "skipped" ? "wedge-skipped" : "",
          ]
            .filter(Boolean)
            .join(" "),
          // Flowing into a step that is working right now.
          animated: source === "succeeded" && (target === "running" || target === "waiting"),
        };
      }),
    [graph.edges, byId],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<WeftFlowNode>[]) => {
      for (const c of changes) if (c.type === "select" && c.selected) onSelect(c.id);
      setNodes((ns) => applyNodeChanges(changes, ns));
    },
    [onSelect],
  );

  return (
    <div className="canvas run-canvas">
      <ReactFlow<WeftFlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={FLOW_NODE_TYPES}
        onNodesChange={onNodesChange}
        onNodeClick={(_e, node) => onSelect(node.id)}
        onPaneClick={() => onSelect(null)}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        deleteKeyCode={null}
        minZoom={0.1}
        fitView
        fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
        onlyRenderVisibleElements={graph.nodes.length > 80}
        aria-label="Run canvas"
      >
        <Background gap={20} />
        <Controls showInteractive={false} />
        {graph.nodes.length > 8 && <MiniMap pannable zoomable ariaLabel="Canvas overview" />}
      </ReactFlow>
      {graph.nodes.length === 0 && (
        <div className="canvas-empty">
          <strong>No steps</strong>
          <span>This version has no steps, so the run had nothing to do.</span>
        </div>
      )}
    </div>
  );
}

export function RunCanvas(props: {
  graph: DraftGraph;
  rows: NodeRow[];
  selectedId: string | null;
  onSelect: (id: string | null) => void;
}) {
  return (
    <ReactFlowProvider>
      <RunCanvasInner {...props} />
    </ReactFlowProvider>
  );
}

export function StatusLegend({ counts }: { counts: Partial<Record<DisplayStatus, number>> }) {
  return (
    <ul className="status-legend" aria-label="Status legend">
      {DISPLAY_STATUSES.map((s) => (
        <li key={s}>
          <span className={`legend-swatch wnode-st-${s}`} aria-hidden="true" />
          {STATUS_LABELS[s]}
          {counts[s] ? <span className="muted"> ({counts[s]})</span> : null}
        </li>
      ))}
    </ul>
  );
}

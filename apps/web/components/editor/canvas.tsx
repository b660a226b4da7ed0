"use client";

import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type NodeChange,
  type OnDelete,
  type EdgeChange,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import type { DraftGraph, DraftStore } from "@/lib/editor/draft-store";
import { addNode, connect, edgeKey, removeElements, setPositions } from "@/lib/editor/graph-ops";
import type { Issues } from "@/lib/editor/hooks";
import type { NodeTypeInfo } from "@/lib/graphql";
import { WeftNode, type WeftFlowNode, type WeftNodeData } from "./weft-node";

const NODE_TYPES = { weft: WeftNode };
export const DRAG_MIME = "application/x-weft-node-type";

interface Cached {
  source: DraftGraph["nodes"][number];
  data: WeftNodeData;
  node: WeftFlowNode;
}

/**
 * Graph nodes → React Flow nodes, reusing the previous object for every node whose graph node,
 * problems and selection did not change, so memoised node components skip rendering.
 */
function useFlowNodes(
  graph: DraftGraph,
  issues: Issues,
  catalogue: Map<string, NodeTypeInfo>,
  selectedId: string | null,
  readOnly: boolean,
  dims: Map<string, { width: number; height: number }>,
) {
  const cache = useRef(new Map<string, Cached>());
  return useMemo(() => {
    const next = new Map<string, Cached>();
    const nodes = graph.nodes.map((source, index) => {
      const list = issues.byNode.get(source.id);
      const info = catalogue.get(source.type);
      const prev = cache.current.get(source.id);
      const issueCount = list?.length ?? 0;
      const firstIssue = list?.[0]?.message;
      const data: WeftNodeData =
        prev &&
        prev.source.type === source.type &&
        prev.source.name === source.name &&
        prev.data.issueCount === issueCount &&
        prev.data.firstIssue === firstIssue &&
        prev.data.title === (info?.title ?? source.type)
          ? prev.data
          : {
              title: info?.title ?? source.type,
              category: info?.category ?? "unknown",
              label: source.name || source.id,
              issueCount,
              firstIssue,
            };
      const position = source.position ?? { x: (index % 6) * 260, y: Math.floor(index / 6) * 120 };
      const selected = source.id === selectedId;
      const size = dims.get(source.id);
      const node: WeftFlowNode =
        prev &&
        prev.node.measured?.width === size?.width &&
        prev.node.measured?.height === size?.height &&
        prev.data === data &&
        prev.node.selected === selected &&
        prev.node.draggable === !readOnly &&
        prev.node.position.x === position.x &&
        prev.node.position.y === position.y &&
        prev.node.id === source.id
          ? prev.node
          : {
              ...(prev?.node ?? {}),
              id: source.id,
              type: "weft",
              position,
              data,
              selected,
              draggable: !readOnly,
              ...(size ? { measured: size } : {}),
              ariaLabel: `${data.title}: ${data.label}${issueCount ? `, ${issueCount} problems` : ""}`,
            };
      next.set(source.id, { source, data, node });
      return node;
    });
    cache.current = next;
    return nodes;
  }, [graph.nodes, issues, catalogue, selectedId, readOnly, dims]);
}

export function Canvas({
  store,
  graph,
  issues,
  catalogue,
  readOnly,
  selectedId,
  onSelect,
}: {
  store: DraftStore;
  graph: DraftGraph;
  issues: Issues;
  catalogue: Map<string, NodeTypeInfo>;
  readOnly: boolean;
  selectedId: string | null;
  onSelect: (id: string | null) => void;
}) {
  const flow = useReactFlow();
  const [dims, setDims] = useState<Map<string, { width: number; height: number }>>(new Map());
  const derived = useFlowNodes(graph, issues, catalogue, selectedId, readOnly, dims);
  // Live drag positions stay local until the drag ends (one undo step, one save).
  const [dragging, setDragging] = useState<Map<string, { x: number; y: number }>>(new Map());
  const dragRef = useRef(dragging);
  useEffect(() => {
    dragRef.current = dragging;
  }, [dragging]);
  const [selectedEdges, setSelectedEdges] = useState<Set<string>>(new Set());

  const nodes = useMemo(() => {
    if (dragging.size === 0) return derived;
    return derived.map((n) => {
      const p = dragging.get(n.id);
      return p ? { ...n, position: p } : n;
    });
  }, [derived, dragging]);

  const edges = useMemo<Edge[]>(
    () =>
      graph.edges.map((e, index) => {
        const id = edgeKey(e, index);
        const error = e.on === "error";
        return {
          id,
          source: e.from,
          target: e.to,
          selected: selectedEdges.has(id),
          label: error ? "on error" : e.condition ? `if ${e.condition}` : undefined,
          className: error ? "wedge-error" : e.condition ? "wedge-condition" : undefined,
          animated: false,
        };
      }),
    [graph.edges, selectedEdges],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<WeftFlowNode>[]) => {
      const ended = new Map<string, { x: number; y: number }>();
      const measuredNow = new Map<string, { width: number; height: number }>();
      for (const change of changes) {
        if (change.type === "position" && change.position) {
          const position = change.position;
          if (change.dragging) setDragging((d) => new Map(d).set(change.id, position));
          else ended.set(change.id, position);
        } else if (change.type === "position" && change.dragging === false) {
          const last = dragRef.current.get(change.id);
          if (last) ended.set(change.id, last);
        } else if (change.type === "select") {
          if (change.selected) onSelect(change.id);
        } else if (change.type === "dimensions" && change.dimensions) {
          measuredNow.set(change.id, change.dimensions);
        }
      }
      if (measuredNow.size > 0) {
        setDims((prev) => {
          let changed = false;
          for (const [id, d] of measuredNow) {
            const p = prev.get(id);
            if (!p || p.width !== d.width || p.height !== d.height) changed = true;
          }
          return changed ? new Map([...prev, ...measuredNow]) : prev;
        });
      }
      if (ended.size > 0) {
        store.update((g) => setPositions(g, ended), "canvas");
        setDragging(new Map());
      }
    },
    [store, onSelect],
  );

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    setSelectedEdges((prev) => {
      let next = prev;
      for (const c of changes) {
        if (c.type !== "select") continue;
        if (next === prev) next = new Set(prev);
        if (c.selected) next.add(c.id);
        else next.delete(c.id);
      }
      return next;
    });
  }, []);

  const onDelete: OnDelete<WeftFlowNode> = useCallback(
    ({ nodes: deletedNodes, edges: deletedEdges }) => {
      if (readOnly) return;
      const nodeIds = new Set(deletedNodes.map((n) => n.id));
      store.update((g) => removeElements(g, nodeIds, new Set(deletedEdges.map((e) => e.id))), "canvas");
      if (selectedId && nodeIds.has(selectedId)) onSelect(null);
      setSelectedEdges(new Set());
    },
    [store, readOnly, selectedId, onSelect],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      if (readOnly || !c.source || !c.target) return;
      store.update((g) => connect(g, c.source, c.target), "canvas");
    },
    [store, readOnly],
  );

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(DRAG_MIME);
      if (!type || readOnly) return;
      event.preventDefault();
      const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const schema = catalogue.get(type)?.configSchema;
      let created = "";
      store.update((g) => {
        const r = addNode(g, type, schema, { x: position.x - 110, y: position.y - 36 });
        created = r.id;
        return r.graph;
      }, "canvas");
      if (created) onSelect(created);
    },
    [flow, catalogue, store, readOnly, onSelect],
  );

  // The initial graph is fitted by React Flow once nodes are measured (`fitView`); a canvas that
  // starts empty is fitted when its first node appears. Later changes keep the user's viewport.
  const fitted = useRef(graph.nodes.length > 0);
  useEffect(() => {
    if (fitted.current || graph.nodes.length === 0) return;
    fitted.current = true;
    const t = setTimeout(() => void flow.fitView({ padding: 0.4, maxZoom: 1 }), 50);
    return () => clearTimeout(t);
  }, [graph.nodes.length, flow]);

  return (
    <div
      className="canvas"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes(DRAG_MIME)) {
          e.preventDefault();
          e.dataTransfer.dropEffect = "copy";
        }
      }}
      onDrop={onDrop}
    >
      <ReactFlow<WeftFlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onDelete={onDelete}
        onPaneClick={() => onSelect(null)}
        nodesConnectable={!readOnly}
        nodesDraggable={!readOnly}
        deleteKeyCode={readOnly ? null : ["Backspace", "Delete"]}
        minZoom={0.1}
        fitView
        fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
        onlyRenderVisibleElements={graph.nodes.length > 80}
        proOptions={{ hideAttribution: false }}
        aria-label="Agent canvas"
      >
        <Background gap={20} />
        <Controls showInteractive={false} />
        {graph.nodes.length > 8 && <MiniMap pannable zoomable ariaLabel="Canvas overview" />}
      </ReactFlow>
      {graph.nodes.length === 0 && (
        <div className="canvas-empty">
          <strong>Empty canvas</strong>
          <span>
            {readOnly ? "This agent has no steps yet." : "Add a step from the palette, or drag one here."}
          </span>
        </div>
      )}
    </div>
  );
}

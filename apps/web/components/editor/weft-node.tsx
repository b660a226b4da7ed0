"use client";

import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { memo } from "react";

export interface WeftNodeData extends Record<string, unknown> {
  title: string;
  category: string;
  label: string;
  issueCount: number;
  firstIssue: string | undefined;
  /** Run view only: the node's live status (lower case), shown as text and colour. */
  status?: string;
  statusLabel?: string;
}

export type WeftFlowNode = Node<WeftNodeData, "weft">;

/** Memoised: React Flow re-renders only nodes whose data or selection changed. */
export const WeftNode = memo(function WeftNode({ id, data, selected }: NodeProps<WeftFlowNode>) {
  return (
    <div
      className={`wnode wnode-${data.category}${selected ? " wnode-selected" : ""}${data.issueCount ? " wnode-invalid" : ""}${data.status ? ` wnode-run wnode-st-${data.status}` : ""}`}
      data-node-id={id}
      data-status={data.status}
      title={data.firstIssue}
    >
      <Handle type="target" position={Position.Left} />
      <div className="wnode-kicker">{data.title}</div>
      <div className="wnode-label">{data.label}</div>
      {data.statusLabel && <div className="wnode-status">{data.statusLabel}</div>}
      {data.issueCount > 0 && (
        <span
          className="wnode-issues"
          aria-label={`${data.issueCount} problem${data.issueCount === 1 ? "" : "s"}`}
        >
          {data.issueCount}
        </span>
      )}
      <Handle type="source" position={Position.Right} />
    </div>
  );
});

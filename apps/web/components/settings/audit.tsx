"use client";

import { useState } from "react";
import { useQuery } from "urql";
import { useWorkspace } from "@/components/shell/workspace-context";
import { formatDateTime, personName } from "@/components/ui/format";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { AUDIT_EVENTS, type AuditEventsData } from "@/lib/graphql";

const PAGE = 25;

export function AuditPage() {
  const ws = useWorkspace();
  // One query per loaded page; "Load more" appends the next cursor.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Audit log</h1>
      </div>
      <p className="muted">Every change made in this workspace, newest first.</p>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        {cursors.map((after, index) => (
          <AuditPageRows
            key={after ?? "first"}
            workspaceId={ws.id}
            after={after}
            last={index === cursors.length - 1}
            onMore={(cursor) => setCursors((c) => [...c, cursor])}
          />
        ))}
      </table>
    </div>
  );
}

function AuditPageRows({
  workspaceId,
  after,
  last,
  onMore,
}: {
  workspaceId: string;
  after: string | null;
  last: boolean;
  onMore: (cursor: string) => void;
}) {
  const [{ data, error }, reexecute] = useQuery<AuditEventsData>({
    query: AUDIT_EVENTS,
    variables: { workspaceId, first: PAGE, after },
  });
  const cell = (content: React.ReactNode) => (
    <tbody>
      <tr>
        <td colSpan={5}>{content}</td>
      </tr>
    </tbody>
  );
  if (error)
    return cell(<ErrorState error={error} retry={() => reexecute({ requestPolicy: "network-only" })} />);
  if (!data) return cell(<Loading label="Loading events…" />);
  const edges = data.auditEvents.edges;
  if (edges.length === 0 && after === null) return cell(<EmptyState title="No events yet" />);
  return (
    <tbody>
      {edges.map(({ node }) => (
        <tr key={node.id}>
          <td>{formatDateTime(node.at)}</td>
          <td>{node.actor ? personName(node.actor) : "API key / system"}</td>
          <td className="mono">{node.action}</td>
          <td>
            {node.targetType}
            {node.targetId && <span className="muted small mono"> {node.targetId.slice(0, 8)}</span>}
          </td>
          <td className="small">{auditDetails(node.data)}</td>
        </tr>
      ))}
      {last && data.auditEvents.pageInfo.hasNextPage && data.auditEvents.pageInfo.endCursor && (
        <tr>
          <td colSpan={5}>
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => onMore(data.auditEvents.pageInfo.endCursor!)}
            >
              Load more
            </button>
          </td>
        </tr>
      )}
    </tbody>
  );
}

/** An event's data as "key: value" pairs (nested values as compact JSON, long ones cut). */
export function auditDetails(data: unknown): string {
  if (!data || typeof data !== "object" || Array.isArray(data)) return "";
  return Object.entries(data as Record<string, unknown>)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => {
      const text = typeof value === "string" ? value : JSON.stringify(value);
      return `${key}: ${text.length > 60 ? `${text.slice(0, 59)}…` : text}`;
    })
    .join(" · ");
}

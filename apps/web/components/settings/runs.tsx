"use client";

import Link from "next/link";
import { useState } from "react";
import { useQuery } from "urql";
import { useWorkspace } from "@/components/shell/workspace-context";
import { formatDateTime } from "@/components/ui/format";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { RUNS, RUN_STATUSES, type RunStatus, type RunsData } from "@/lib/graphql";

export function RunsPage() {
  const ws = useWorkspace();
  const [status, setStatus] = useState<RunStatus | "">("");
  const [{ data, error }, reexecute] = useQuery<RunsData>({
    query: RUNS,
    variables: { workspaceId: ws.id, status: status || null, first: 50 },
  });
  const runs = data?.runs.edges.map((e) => e.node) ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <h1>Runs</h1>
      </div>
      <p className="muted small">
        Starting runs from the studio and the live run view arrive with the run API (startRun, runEvents);
        this list shows runs started through the API or by schedules.
      </p>
      <div className="toolbar">
        <label htmlFor="run-status">Status</label>
        <select id="run-status" value={status} onChange={(e) => setStatus(e.target.value as RunStatus | "")}>
          <option value="">All</option>
          {RUN_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.toLowerCase()}
            </option>
          ))}
        </select>
      </div>
      {error ? (
        <ErrorState error={error} retry={() => reexecute({ requestPolicy: "network-only" })} />
      ) : !data ? (
        <Loading label="Loading runs…" />
      ) : runs.length === 0 ? (
        <EmptyState title={status ? `No ${status.toLowerCase()} runs` : "No runs yet"} />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Agent</th>
              <th scope="col">Version</th>
              <th scope="col">Status</th>
              <th scope="col">Trigger</th>
              <th scope="col">Started</th>
              <th scope="col">Tokens</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link href={`/w/${ws.id}/runs/${r.id}`} className="mono">
                    {r.id.slice(0, 8)}
                  </Link>
                </td>
                <td>
                  <Link href={`/w/${ws.id}/agents/${r.agent.id}`}>{r.agent.name}</Link>
                </td>
                <td>v{r.version.number}</td>
                <td>
                  <span className={`badge badge-${r.status.toLowerCase()}`}>{r.status.toLowerCase()}</span>
                </td>
                <td>{r.trigger.toLowerCase()}</td>
                <td>{formatDateTime(r.startedAt)}</td>
                <td>{r.tokens}</td>
                <td>${r.costUsd.toFixed(4)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

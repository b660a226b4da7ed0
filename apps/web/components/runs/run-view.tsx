"use client";

import { topologicalOrder } from "@weft/schema";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { Fragment, useEffect, useMemo, useRef, useState } from "react";
import { useMutation, useQuery, useSubscription } from "urql";
import { useWorkspace } from "@/components/shell/workspace-context";
import { formatDateTime } from "@/components/ui/format";
import { ErrorState, Loading, errorMessage } from "@/components/ui/states";
import { normaliseGraph } from "@/lib/editor/draft-store";
import {
  CANCEL_RUN,
  RETRY_RUN,
  RUN,
  RUN_EVENTS,
  type NodeRunDetail,
  type RunData,
  type RunDetail,
  type RunEventsData,
} from "@/lib/graphql";

const FINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
/** Bursts of events (parallel branches) become one refetch. */
const REFRESH_MS = 200;

function duration(a: string | null, b: string | null): string {
  if (!a) return "—";
  const ms = (b ? new Date(b).getTime() : Date.now()) - new Date(a).getTime();
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function pretty(value: unknown): string {
  return value === undefined || value === null ? "—" : JSON.stringify(value, null, 2);
}

/**
 * One run, live: the `runEvents` subscription (which replays stored events first, so a reload
 * mid-run catches up) triggers a refetch of the run's authoritative state.
 */
export function RunView({ runId }: { runId: string }) {
  const ws = useWorkspace();
  const router = useRouter();
  const [{ data, error }, refetch] = useQuery<RunData>({
    query: RUN,
    variables: { id: runId },
    requestPolicy: "network-only",
  });
  // Statuses straight from the event stream, shown until the refetched run catches up.
  const [live, setLive] = useState<{ run?: string; nodes: Record<string, string> }>({ nodes: {} });
  const fetched = data?.run;
  const run = useMemo(() => {
    if (!fetched) return fetched;
    const status = (
      live.run && !FINAL.has(fetched.status) ? live.run : fetched.status
    ) as RunDetail["status"];
    return { ...fetched, status };
  }, [fetched, live.run]);
  const final = run ? FINAL.has(run.status) : false;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [lastEvent, setLastEvent] = useState<number>(0);
  const [expanded, setExpanded] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | undefined>();
  const [{ fetching: cancelling }, cancel] = useMutation(CANCEL_RUN);
  const [{ fetching: retrying }, retry] = useMutation<{ retryRun: { id: string } }>(RETRY_RUN);

  useSubscription<RunEventsData>(
    { query: RUN_EVENTS, variables: { runId }, pause: !run || final },
    (_prev, event) => {
      const e = event.runEvents;
      setLastEvent(e.seq);
      if (e.status) {
        const status = e.status;
        setLive((l) =>
          e.nodeId ? { ...l, nodes: { ...l.nodes, [e.nodeId]: status } } : { ...l, run: status },
        );
      }
      clearTimeout(timer.current);
      timer.current = setTimeout(() => refetch({ requestPolicy: "network-only" }), REFRESH_MS);
      return event;
    },
  );
  useEffect(() => () => clearTimeout(timer.current), []);

  const rows = useMemo(() => {
    if (!run) return [];
    const graph = normaliseGraph(run.version.graph);
    let order: string[];
    try {
      order = topologicalOrder({ nodes: graph.nodes, edges: graph.edges });
    } catch {
      order = graph.nodes.map((n) => n.id);
    }
    const latest = new Map<string, NodeRunDetail>();
    for (const nr of run.nodeRuns) {
      const prev = latest.get(nr.nodeId);
      if (!prev || nr.attempt >= prev.attempt) latest.set(nr.nodeId, nr);
    }
    const types = new Map(graph.nodes.map((n) => [n.id, n.type]));
    return order.map((id) => {
      const nr = latest.get(id);
      const streamed = live.nodes[id];
      // The stream is newer while the fetched row is missing or not final yet.
      const status =
        streamed && (!nr || !["SUCCEEDED", "FAILED", "SKIPPED", "CANCELLED"].includes(nr.status))
          ? streamed
          : (nr?.status ?? "PENDING");
      return { id, type: types.get(id) ?? "", run: nr, status };
    });
  }, [run, live.nodes]);

  if (error) return <ErrorState error={error} retry={() => refetch({ requestPolicy: "network-only" })} />;
  if (!data) return <Loading label="Loading the run…" />;
  if (!run)
    return <ErrorState title="Run not found" error="It does not exist or belongs to another workspace." />;

  const start = run.startedAt ? new Date(run.startedAt).getTime() : null;
  const end = run.finishedAt ? new Date(run.finishedAt).getTime() : Date.now();
  const span = start ? Math.max(1, end - start) : 1;

  return (
    <div className="page">
      <div className="page-head">
        <h1>
          Run of <Link href={`/w/${ws.id}/agents/${run.agent.id}`}>{run.agent.name}</Link>
        </h1>
        <div className="toolbar">
          {ws.canEdit && !final && (
            <button
              type="button"
              className="button button-danger button-small"
              disabled={cancelling}
              onClick={() =>
                void cancel({ runId }).then((r) => {
                  setActionError(r.error ? errorMessage(r.error) : undefined);
                  refetch({ requestPolicy: "network-only" });
                })
              }
            >
              Cancel run
            </button>
          )}
          {ws.canEdit && run.status === "FAILED" && (
            <button
              type="button"
              className="button button-primary button-small"
              disabled={retrying}
              onClick={() =>
                void retry({ runId }, { additionalTypenames: ["Run"] }).then((r) => {
                  if (r.data) router.push(`/w/${ws.id}/runs/${r.data.retryRun.id}`);
                  else setActionError(errorMessage(r.error));
                })
              }
            >
              Retry from failed step
            </button>
          )}
        </div>
      </div>
      <p role="alert" className={actionError ? "form-error" : "visually-hidden"}>
        {actionError}
      </p>
      <dl className="stats run-stats">
        <div>
          <dt>Status</dt>
          <dd>
            <span className={`badge badge-${run.status.toLowerCase()}`} data-testid="run-status">
              {run.status.toLowerCase()}
            </span>
          </dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd>v{run.version.number}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd className="small">{formatDateTime(run.startedAt)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{duration(run.startedAt, run.finishedAt)}</dd>
        </div>
        <div>
          <dt>Tokens · cost</dt>
          <dd className="small">
            {run.tokens} · ${run.costUsd.toFixed(4)}
          </dd>
        </div>
      </dl>
      {!final && (
        <p className="muted small" role="status">
          Live{lastEvent ? ` (event ${lastEvent})` : ""}…
        </p>
      )}
      {run.error && <p className="form-error">{run.error}</p>}

      <h2 className="section-title">Steps</h2>
      <table className="table run-table">
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Status</th>
            <th scope="col">Attempt</th>
            <th scope="col">Timeline</th>
            <th scope="col">
              <span className="visually-hidden">Details</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ id, type, run: nr, status }) => {
            const left =
              nr?.startedAt && start ? ((new Date(nr.startedAt).getTime() - start) / span) * 100 : 0;
            const right = nr?.startedAt
              ? ((nr.finishedAt ? new Date(nr.finishedAt).getTime() : end) - (start ?? 0)) / span
              : 0;
            const width = nr?.startedAt && start ? Math.max(1, right * 100 - left) : 0;
            return (
              <Fragment key={id}>
                <tr data-node-id={id}>
                  <td>
                    <span className="mono">{id}</span>
                    <div className="muted small mono">{type}</div>
                  </td>
                  <td>
                    <span className={`badge badge-${status.toLowerCase()}`}>{status.toLowerCase()}</span>
                  </td>
                  <td>{nr?.attempt ?? "—"}</td>
                  <td className="gantt-cell">
                    <span className="gantt-track" aria-hidden="true">
                      {width > 0 && (
                        <span
                          className={`gantt-bar gantt-${status.toLowerCase()}`}
                          style={{ left: `${left}%`, width: `${Math.min(100 - left, width)}%` }}
                        />
                      )}
                    </span>
                    <span className="small muted">{nr ? duration(nr.startedAt, nr.finishedAt) : ""}</span>
                  </td>
                  <td>
                    {nr && (
                      <button
                        type="button"
                        className="button button-secondary button-small"
                        aria-expanded={expanded === id}
                        onClick={() => setExpanded(expanded === id ? null : id)}
                      >
                        {expanded === id ? "Hide" : "Details"}
                        <span className="visually-hidden"> for {id}</span>
                      </button>
                    )}
                  </td>
                </tr>
                {expanded === id && nr && (
                  <tr className="run-detail">
                    <td colSpan={5}>
                      <div className="run-detail-grid">
                        <section aria-label={`Input of ${id}`}>
                          <h3>Input</h3>
                          <pre>{pretty(nr.input)}</pre>
                        </section>
                        <section aria-label={`Output of ${id}`}>
                          <h3>Output</h3>
                          <pre>{pretty(nr.output)}</pre>
                        </section>
                        {nr.error && (
                          <section aria-label={`Error of ${id}`}>
                            <h3>Error</h3>
                            <pre className="form-error">{nr.error}</pre>
                          </section>
                        )}
                        <section aria-label={`Logs of ${id}`}>
                          <h3>Logs</h3>
                          <pre>{nr.logs.length ? nr.logs.join("\n") : "—"}</pre>
                        </section>
                        <p className="small muted">
                          Tokens {nr.tokensIn} in / {nr.tokensOut} out · ${nr.costUsd.toFixed(4)}
                        </p>
                      </div>
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      <h2 className="section-title">Run input and output</h2>
      <div className="run-detail-grid">
        <section aria-label="Run input">
          <h3>Input</h3>
          <pre>{pretty(run.input)}</pre>
        </section>
        <section aria-label="Run output">
          <h3>Output</h3>
          <pre>{pretty(run.output)}</pre>
        </section>
      </div>
    </div>
  );
}

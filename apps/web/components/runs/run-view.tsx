"use client";

import { useSession } from "next-auth/react";
import Link from "next/link";
import { useCallback, useMemo, useState } from "react";
import { useWorkspace } from "@/components/shell/workspace-context";
import { formatDateTime } from "@/components/ui/format";
import { ErrorState, Loading } from "@/components/ui/states";
import { NodeDetails } from "./node-details";
import { RunActions } from "./run-actions";
import { RunCanvas, StatusLegend } from "./run-canvas";
import { buildRunModel, elapsed, formatDuration, type DisplayStatus } from "./run-model";
import { RunTimeline } from "./run-timeline";
import { useLiveRun } from "./use-live-run";
import { useNow } from "./use-now";

function pretty(value: unknown): string {
  return value === undefined || value === null ? "—" : JSON.stringify(value, null, 2);
}

/**
 * One run, live: its version's graph coloured by node status, a timeline of the node runs, the
 * selected node's details, and Cancel / Retry / Approve for editors. State comes from the
 * `runEvents` stream (resumed after a reload, see useLiveRun) plus the refetched run.
 */
export function RunView({ runId }: { runId: string }) {
  const ws = useWorkspace();
  const { data: session } = useSession();
  const { data, error, live, streamError, refetch } = useLiveRun(runId);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const run = data?.run;
  const model = useMemo(() => (run ? buildRunModel(run, live) : null), [run, live]);
  const now = useNow(!!model && !model.final);
  const onSelect = useCallback((id: string | null) => setSelectedId(id), []);

  if (error) return <ErrorState error={error} retry={refetch} />;
  if (!data) return <Loading label="Loading the run…" />;
  if (!run || !model)
    return <ErrorState title="Run not found" error="It does not exist or belongs to another workspace." />;

  const selected = model.rows.find((r) => r.id === selectedId) ?? null;
  const waiting = model.rows.filter((r) => r.status === "waiting");
  const counts: Partial<Record<DisplayStatus, number>> = {};
  for (const r of model.rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
  const duration = elapsed(model.startedAt, model.finishedAt, now);

  return (
    <div className="page page-wide">
      <div className="page-head">
        <div>
          <h1>
            Run of <Link href={`/w/${ws.id}/agents/${run.agent.id}`}>{run.agent.name}</Link>
          </h1>
          <p className="muted small mono">{run.id}</p>
        </div>
        <RunActions
          runId={run.id}
          workspaceId={ws.id}
          status={model.status}
          canEdit={ws.canEdit}
          onChanged={refetch}
        />
      </div>

      <dl className="stats run-stats">
        <div>
          <dt>Status</dt>
          <dd>
            <span className={`badge badge-${model.status.toLowerCase()}`} data-testid="run-status">
              {model.status.toLowerCase()}
            </span>
          </dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd>v{run.version.number}</dd>
        </div>
        <div>
          <dt>Trigger</dt>
          <dd className="small">{run.trigger.toLowerCase()}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd className="small">{formatDateTime(model.startedAt)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{duration === null ? "—" : formatDuration(duration)}</dd>
        </div>
        <div>
          <dt>Tokens · cost</dt>
          <dd className="small">
            {run.tokens} · ${run.costUsd.toFixed(4)}
          </dd>
        </div>
      </dl>

      <div className="run-live-line">
        {!model.final && !streamError && (
          <p className="muted small" role="status">
            <span className="live-dot" aria-hidden="true" /> Live
            {live.lastSeq ? ` (event ${live.lastSeq})` : ""}
          </p>
        )}
        {streamError && !model.final && (
          <p className="form-error small" role="alert">
            Live updates stopped ({streamError.message}). Reload the page to resume from event {live.lastSeq}.
          </p>
        )}
      </div>
      {(run.error ?? live.error) && <p className="form-error">{run.error ?? live.error}</p>}

      {waiting.map((r) => (
        <div key={r.id} className="banner banner-warning" role="status">
          <span>
            <strong>{r.label}</strong> is waiting for approval
            {r.approval?.message ? `: ${r.approval.message}` : "."}
          </span>
          {selectedId !== r.id && (
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => onSelect(r.id)}
            >
              Review
            </button>
          )}
        </div>
      ))}

      <h2 className="section-title">Steps</h2>
      <div className="run-canvas-layout">
        <RunCanvas graph={model.graph} rows={model.rows} selectedId={selectedId} onSelect={onSelect} />
        {selected ? (
          <NodeDetails
            key={selected.id}
            row={selected}
            runId={run.id}
            runFinal={model.final}
            canDecide={ws.canEdit}
            myEmail={session?.user.email}
            onClose={() => onSelect(null)}
          />
        ) : (
          <aside className="run-panel run-panel-hint" aria-label="Step details">
            <p className="muted small">Select a step on the canvas or in the timeline to see its details.</p>
          </aside>
        )}
      </div>
      <StatusLegend counts={counts} />

      <h2 className="section-title">Timeline</h2>
      {model.rows.length === 0 ? (
        <p className="muted">No steps.</p>
      ) : (
        <RunTimeline
          rows={model.rows}
          runStartedAt={model.startedAt}
          runFinishedAt={model.finishedAt}
          final={model.final}
          selectedId={selectedId}
          onSelect={onSelect}
        />
      )}

      <h2 className="section-title">Run input and output</h2>
      <div className="run-detail-grid">
        <section aria-label="Run input">
          <h3>Input</h3>
          <pre tabIndex={0}>{pretty(run.input)}</pre>
        </section>
        <section aria-label="Run output">
          <h3>Output</h3>
          <pre tabIndex={0}>{pretty(run.output)}</pre>
        </section>
      </div>
      <p className="visually-hidden" aria-live="polite">
        {model.final ? `Run ${model.status.toLowerCase()}` : ""}
      </p>
    </div>
  );
}

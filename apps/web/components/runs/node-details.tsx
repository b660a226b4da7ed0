"use client";

import { formatDateTime } from "@/components/ui/format";
import { ApprovalBox } from "./approval-box";
import { elapsed, formatDuration, type NodeRow } from "./run-model";
import { useNow } from "./use-now";

function pretty(value: unknown): string {
  return value === undefined || value === null ? "—" : JSON.stringify(value, null, 2);
}

/** Everything known about one node of the run: status, timing, attempts, spend, data, logs. */
export function NodeDetails({
  row,
  runId,
  runFinal,
  canDecide,
  myEmail,
  onClose,
}: {
  row: NodeRow;
  runId: string;
  runFinal: boolean;
  canDecide: boolean;
  myEmail: string | undefined;
  onClose: () => void;
}) {
  const running = row.status === "running" || row.status === "waiting";
  const now = useNow(running && !runFinal);
  const nr = row.nodeRun;
  const duration = elapsed(row.startedAt, row.finishedAt, now);
  const attemptCount = Math.max(row.attempts.length, nr?.attempt ?? 0);
  const headingId = `node-details-${row.id}`;

  return (
    <section className="run-panel" aria-labelledby={headingId} data-testid="node-details">
      <div className="panel-head">
        <div>
          <h2 id={headingId}>{row.label}</h2>
          <p className="muted small mono">
            {row.id !== row.label ? `${row.id} · ` : ""}
            {row.type}
          </p>
        </div>
        <button type="button" className="icon-button" aria-label="Close step details" onClick={onClose}>
          ×
        </button>
      </div>
      <p>
        <span className={`badge badge-${row.status}`} data-testid="node-status">
          {row.statusText}
        </span>
        {row.reused && <span className="muted small"> · reused from an earlier run</span>}
      </p>

      {row.status === "waiting" && row.approval && (
        <ApprovalBox
          runId={runId}
          nodeId={row.id}
          message={row.approval.message}
          approvers={row.approval.approvers}
          canDecide={canDecide}
          myEmail={myEmail}
        />
      )}

      <dl className="kv">
        <dt>Attempts</dt>
        <dd>
          {attemptCount || "—"}
          {row.maxAttempts ? ` of ${row.maxAttempts}` : ""}
        </dd>
        <dt>Duration</dt>
        <dd>
          {duration === null ? "—" : formatDuration(duration)}
          {running && duration !== null ? " so far" : ""}
        </dd>
        <dt>Started</dt>
        <dd>{formatDateTime(row.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatDateTime(row.finishedAt)}</dd>
        <dt>Tokens in / out</dt>
        <dd>
          {nr?.tokensIn ?? 0} / {nr?.tokensOut ?? 0}
        </dd>
        <dt>Cost</dt>
        <dd>${(nr?.costUsd ?? 0).toFixed(4)}</dd>
      </dl>

      {row.error && (
        <section aria-label={`Error of ${row.id}`}>
          <h3>{row.status === "failed" ? "Error" : "Last error"}</h3>
          <pre className="form-error" tabIndex={0}>
            {row.error}
          </pre>
        </section>
      )}

      {row.attempts.length > 1 && (
        <section aria-label={`Attempts of ${row.id}`}>
          <h3>Attempts</h3>
          <ol className="attempt-list">
            {row.attempts.map((a, i) => {
              const failed = row.attempts[i + 1]?.previousError;
              return (
                <li key={a.attempt}>
                  Attempt {a.attempt} at {formatDateTime(a.at)}
                  {failed ? <span className="muted"> — failed: {failed}</span> : null}
                </li>
              );
            })}
          </ol>
        </section>
      )}

      <section aria-label={`Input of ${row.id}`}>
        <h3>Input</h3>
        <pre tabIndex={0}>{pretty(nr?.input)}</pre>
      </section>
      <section aria-label={`Output of ${row.id}`}>
        <h3>Output</h3>
        {nr?.output == null && row.live?.partial ? (
          <pre aria-live="polite" data-testid="partial-output" tabIndex={0}>
            {row.live.partial}
          </pre>
        ) : (
          <pre tabIndex={0}>{pretty(nr?.output)}</pre>
        )}
      </section>
      <section aria-label={`Logs of ${row.id}`}>
        <h3>Logs</h3>
        <pre tabIndex={0}>{nr?.logs.length ? nr.logs.join("\n") : "—"}</pre>
      </section>
    </section>
  );
}

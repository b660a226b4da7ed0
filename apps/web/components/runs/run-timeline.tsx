"use client";

import { STATUS_LABELS, elapsed, formatDuration, type NodeRow } from "./run-model";
import { useNow } from "./use-now";

interface Segment {
  attempt: number;
  from: number;
  to: number;
  /** The attempt failed (a later one followed) or carries the node's final status. */
  outcome: string;
  title: string;
}

function ms(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = new Date(iso).getTime();
  return Number.isNaN(t) ? null : t;
}

/** One bar per attempt: from its start to the next attempt's start (or the node's end). */
function segments(row: NodeRow, end: number): Segment[] {
  const start = ms(row.startedAt);
  if (start === null || row.reused) return [];
  const marks = row.attempts.length
    ? row.attempts.map((a) => ({ attempt: a.attempt, at: Math.max(start, ms(a.at) ?? start), error: "" }))
    : [{ attempt: 1, at: start, error: "" }];
  // The error of attempt n is reported with attempt n + 1 (previousError).
  row.attempts.forEach((a, i) => {
    if (i > 0 && a.previousError && marks[i - 1]) marks[i - 1]!.error = a.previousError;
  });
  const total = row.maxAttempts;
  return marks.map((m, i) => {
    const next = marks[i + 1];
    const to = Math.max(m.at, next ? next.at : end);
    const last = !next;
    const outcome = last ? row.status : "failed";
    const label = `Attempt ${m.attempt}${total ? ` of ${total}` : ""}`;
    const detail = last ? STATUS_LABELS[row.status].toLowerCase() : `failed${m.error ? `: ${m.error}` : ""}`;
    return {
      attempt: m.attempt,
      from: m.at,
      to,
      outcome,
      title: `${label}, ${formatDuration(to - m.at)}, ${detail}`,
    };
  });
}

/**
 * Gantt chart of the node runs: one row per node on a shared time axis from the run's start;
 * running bars grow live, and every attempt is its own segment. It is a real table, so screen
 * readers get each node's status, timing and attempts as text; the bars are decoration with titles.
 */
export function RunTimeline({
  rows,
  runStartedAt,
  runFinishedAt,
  final,
  selectedId,
  onSelect,
}: {
  rows: NodeRow[];
  runStartedAt: string | null;
  runFinishedAt: string | null;
  final: boolean;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const now = useNow(!final);
  const starts = rows
    .filter((r) => !r.reused)
    .map((r) => ms(r.startedAt))
    .filter((t): t is number => t !== null);
  const t0 = ms(runStartedAt) ?? (starts.length ? Math.min(...starts) : null);
  const ends = rows.map((r) => ms(r.finishedAt)).filter((t): t is number => t !== null);
  const t1 = ms(runFinishedAt) ?? (final ? Math.max(t0 ?? 0, ...ends) : Math.max(now, ...ends));
  const span = t0 === null ? 1 : Math.max(1, t1 - t0);
  const pct = (t: number) => (t0 === null ? 0 : Math.min(100, Math.max(0, ((t - t0) / span) * 100)));
  const ticks = [0, 0.25, 0.5, 0.75, 1];

  return (
    <table className="table gantt" aria-describedby="gantt-caption">
      <caption id="gantt-caption" className="visually-hidden">
        Timeline of the run's steps: status, attempts and time from the run's start
      </caption>
      <thead>
        <tr>
          <th scope="col">Step</th>
          <th scope="col">Status</th>
          <th scope="col">Attempts</th>
          <th scope="col" className="gantt-axis-head">
            <span className="visually-hidden">Timeline</span>
            <span className="gantt-axis" aria-hidden="true">
              {t0 !== null &&
                ticks.map((f) => (
                  <span key={f} className="gantt-tick" style={{ left: `${f * 100}%` }}>
                    {formatDuration(span * f)}
                  </span>
                ))}
            </span>
          </th>
          <th scope="col">Duration</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const end = ms(row.finishedAt) ?? (final ? (ms(runFinishedAt) ?? now) : now);
          const segs = segments(row, end);
          const duration = elapsed(row.startedAt, row.finishedAt, final ? end : now);
          const offset = t0 !== null && row.startedAt && !row.reused ? ms(row.startedAt)! - t0 : null;
          const attemptCount = Math.max(row.attempts.length, row.nodeRun?.attempt ?? 0);
          const summary = row.reused
            ? `${row.label}: reused from an earlier run`
            : row.startedAt
              ? `${row.label}: ${row.statusText.toLowerCase()}, started at +${formatDuration(offset ?? 0)}, ${duration !== null ? formatDuration(duration) : ""}${attemptCount > 1 ? `, ${attemptCount} attempts` : ""}`
              : `${row.label}: ${row.statusText.toLowerCase()}`;
          return (
            <tr
              key={row.id}
              data-node-id={row.id}
              data-status={row.status}
              className={row.id === selectedId ? "gantt-row-selected" : undefined}
            >
              <th scope="row">
                <button
                  type="button"
                  className="link-button mono"
                  aria-pressed={row.id === selectedId}
                  onClick={() => onSelect(row.id)}
                >
                  {row.label}
                </button>
                <div className="muted small mono">{row.type}</div>
              </th>
              <td>
                <span className={`badge badge-${row.status}`}>{row.statusText}</span>
              </td>
              <td>
                {attemptCount > 0 ? attemptCount : "—"}
                {row.maxAttempts && row.maxAttempts > 1 ? (
                  <span className="muted small"> of {row.maxAttempts}</span>
                ) : null}
              </td>
              <td className="gantt-cell">
                <span className="gantt-track" role="img" aria-label={summary} title={summary}>
                  {row.reused && <span className="gantt-reused">reused</span>}
                  {segs.map((s) => (
                    <span
                      key={s.attempt}
                      className={`gantt-bar gantt-${s.outcome}`}
                      data-attempt={s.attempt}
                      title={s.title}
                      style={{
                        left: `${pct(s.from)}%`,
                        width: `max(3px, ${Math.max(0, pct(s.to) - pct(s.from))}%)`,
                      }}
                    />
                  ))}
                </span>
              </td>
              <td className="small">
                {row.reused ? "reused" : duration !== null ? formatDuration(duration) : "—"}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

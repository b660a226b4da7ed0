"use client";

import { useQuery } from "urql";
import { useWorkspace } from "@/components/shell/workspace-context";
import { ErrorState, Loading } from "@/components/ui/states";
import { USAGE, type UsageData } from "@/lib/graphql";

interface Day {
  day: string;
  runs: number;
}

function days(byDay: unknown): Day[] {
  if (Array.isArray(byDay)) {
    return byDay
      .map((d) => d as Record<string, unknown>)
      .map((d) => ({ day: String(d["day"] ?? d["date"] ?? ""), runs: Number(d["runs"] ?? 0) }))
      .filter((d) => d.day);
  }
  if (byDay && typeof byDay === "object") {
    return Object.entries(byDay as Record<string, unknown>).map(([day, v]) => ({
      day,
      runs: typeof v === "number" ? v : Number((v as Record<string, unknown>)?.["runs"] ?? 0),
    }));
  }
  return [];
}

export function UsagePage() {
  const ws = useWorkspace();
  const [{ data, error }, reexecute] = useQuery<UsageData>({
    query: USAGE,
    variables: { workspaceId: ws.id },
  });
  const u = data?.usage;
  const list = u ? days(u.byDay) : [];
  const max = Math.max(1, ...list.map((d) => d.runs));
  return (
    <div className="page">
      <div className="page-head">
        <h1>Usage</h1>
      </div>
      {error ? (
        <ErrorState error={error} retry={() => reexecute({ requestPolicy: "network-only" })} />
      ) : !u ? (
        <Loading label="Loading usage…" />
      ) : (
        <>
          <dl className="stats">
            <div>
              <dt>Runs</dt>
              <dd>{u.runs}</dd>
            </div>
            <div>
              <dt>Success rate</dt>
              <dd>{u.runs ? `${Math.round((u.succeeded / u.runs) * 100)}%` : "—"}</dd>
            </div>
            <div>
              <dt>Failed</dt>
              <dd>{u.failed}</dd>
            </div>
            <div>
              <dt>Tokens</dt>
              <dd>{(u.tokensIn + u.tokensOut).toLocaleString("en")}</dd>
            </div>
            <div>
              <dt>Cost</dt>
              <dd>${u.costUsd.toFixed(4)}</dd>
            </div>
          </dl>
          <h2 className="section-title">Runs per day</h2>
          {list.length === 0 ? (
            <p className="muted">No runs in this period.</p>
          ) : (
            <ul className="bars" aria-label="Runs per day">
              {list.map((d) => (
                <li key={d.day}>
                  <span className="bar-label">{d.day}</span>
                  <span className="bar" style={{ width: `${(d.runs / max) * 100}%` }} aria-hidden="true" />
                  <span className="bar-value">{d.runs}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

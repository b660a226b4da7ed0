"use client";

import dynamic from "next/dynamic";
import { useMemo, useState } from "react";
import { useQuery } from "urql";
import { useWorkspace } from "@/components/shell/workspace-context";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { USAGE_RANGE, type UsageRangeData } from "@/lib/graphql-settings";
import {
  PERIODS,
  fillDays,
  formatCount,
  formatDay,
  formatUsd,
  parseByDay,
  periodRange,
  successRate,
  type Period,
  type UsageDay,
} from "@/lib/usage";

// recharts measures the DOM: render the charts in the browser only.
const UsageCharts = dynamic(() => import("./usage-charts").then((m) => m.UsageCharts), {
  ssr: false,
  loading: () => <Loading label="Drawing charts…" />,
});

export function UsagePage() {
  const ws = useWorkspace();
  const [period, setPeriod] = useState<Period>(30);
  const range = useMemo(() => periodRange(period), [period]);
  const [{ data, error, fetching }, reexecute] = useQuery<UsageRangeData>({
    query: USAGE_RANGE,
    variables: { workspaceId: ws.id, ...range },
  });
  const usage = data?.usage;
  const days = useMemo(() => (usage ? parseByDay(usage.byDay) : []), [usage]);
  const chartDays = useMemo(() => fillDays(days, range), [days, range]);

  return (
    <div className="page">
      <div className="page-head">
        <h1>Usage</h1>
        <PeriodPicker value={period} onChange={setPeriod} />
      </div>
      <p className="muted small">
        Runs by the UTC day they finished, with their LLM tokens and cost. Last {period} days
        {fetching && usage ? " — updating…" : ""}.
      </p>
      {error ? (
        <ErrorState error={error} retry={() => reexecute({ requestPolicy: "network-only" })} />
      ) : !usage ? (
        <Loading label="Loading usage…" />
      ) : (
        <>
          <dl className="stats" aria-label={`Totals for the last ${period} days`}>
            <div>
              <dt>Runs</dt>
              <dd data-testid="usage-runs">{formatCount(usage.runs)}</dd>
            </div>
            <div>
              <dt>Success rate</dt>
              <dd data-testid="usage-success-rate">{successRate(usage)}</dd>
            </div>
            <div>
              <dt>Failed</dt>
              <dd data-testid="usage-failed">{formatCount(usage.failed)}</dd>
            </div>
            <div>
              <dt>Tokens in / out</dt>
              <dd data-testid="usage-tokens">
                {formatCount(usage.tokensIn)} / {formatCount(usage.tokensOut)}
              </dd>
            </div>
            <div>
              <dt>Cost</dt>
              <dd data-testid="usage-cost">{formatUsd(usage.costUsd)}</dd>
            </div>
          </dl>
          {usage.runs === 0 ? (
            <EmptyState title={`No runs in the last ${period} days`}>
              <p className="muted">
                Runs appear here once they finish. Start one from an agent, or pick a longer period.
              </p>
            </EmptyState>
          ) : (
            <>
              <UsageCharts days={chartDays} />
              <DailyTable days={days} period={period} />
            </>
          )}
        </>
      )}
    </div>
  );
}

function PeriodPicker({ value, onChange }: { value: Period; onChange: (p: Period) => void }) {
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">Period</legend>
      {PERIODS.map((p) => (
        <label key={p} className={p === value ? "segmented-option is-selected" : "segmented-option"}>
          <input
            type="radio"
            name="usage-period"
            value={p}
            checked={p === value}
            onChange={() => onChange(p)}
          />
          {p} days
        </label>
      ))}
    </fieldset>
  );
}

/** The charts' numbers as a table: the accessible (and copyable) view. */
function DailyTable({ days, period }: { days: UsageDay[]; period: Period }) {
  return (
    <>
      <h2 className="section-title" id="usage-daily">
        Daily breakdown
      </h2>
      <div className="table-scroll">
        <table className="table usage-table" aria-labelledby="usage-daily" data-testid="usage-table">
          <caption className="visually-hidden">
            Usage per UTC day over the last {period} days; days without runs are left out.
          </caption>
          <thead>
            <tr>
              <th scope="col">Day (UTC)</th>
              <th scope="col" className="num">
                Runs
              </th>
              <th scope="col" className="num">
                Succeeded
              </th>
              <th scope="col" className="num">
                Failed
              </th>
              <th scope="col" className="num">
                Success rate
              </th>
              <th scope="col" className="num">
                Tokens in
              </th>
              <th scope="col" className="num">
                Tokens out
              </th>
              <th scope="col" className="num">
                Cost
              </th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.day} data-day={d.day}>
                <th scope="row">
                  <time dateTime={d.day}>{formatDay(d.day)}</time>
                </th>
                <td className="num">{formatCount(d.runs)}</td>
                <td className="num">{formatCount(d.succeeded)}</td>
                <td className="num">{formatCount(d.failed)}</td>
                <td className="num">{successRate(d)}</td>
                <td className="num">{formatCount(d.tokensIn)}</td>
                <td className="num">{formatCount(d.tokensOut)}</td>
                <td className="num">{formatUsd(d.costUsd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

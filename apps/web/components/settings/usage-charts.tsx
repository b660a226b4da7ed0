"use client";

// Loaded with next/dynamic and ssr: false (see usage.tsx): recharts measures the DOM, so the
// charts render in the browser only. The daily table next to them carries the same numbers
// for screen readers and keyboard users.
import type { ReactElement } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatCount, formatDay, formatUsd, type ChartDay } from "@/lib/usage";

const HEIGHT = 220;

const axisTick = { fill: "var(--muted)", fontSize: 12 };
const tooltipStyle = {
  background: "var(--bg)",
  border: "1px solid var(--border)",
  borderRadius: 8,
  color: "var(--text)",
};

function ChartCard({ id, title, children }: { id: string; title: string; children: ReactElement }) {
  return (
    <figure className="usage-chart" data-testid={`chart-${id}`}>
      <figcaption className="usage-chart-title">{title}</figcaption>
      <div className="usage-chart-body">
        <ResponsiveContainer width="100%" height={HEIGHT}>
          {children}
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

function common(days: ChartDay[]) {
  return {
    data: days,
    margin: { top: 8, right: 12, bottom: 0, left: 0 },
  };
}

/** Legend labels in the text colour (series colours are for the swatches, not for reading). */
function legend() {
  return (
    <Legend
      itemSorter={null}
      formatter={(value: unknown) => <span className="usage-legend-label">{String(value)}</span>}
    />
  );
}

function xAxis() {
  return (
    <XAxis dataKey="day" tickFormatter={formatDay} tick={axisTick} minTickGap={16} stroke="var(--border)" />
  );
}

export function UsageCharts({ days }: { days: ChartDay[] }) {
  const labelDay = (label: unknown) => (typeof label === "string" ? formatDay(label) : String(label));
  return (
    <div className="usage-charts">
      <ChartCard id="runs" title="Runs per day">
        <BarChart {...common(days)} title="Runs per day, succeeded and failed stacked">
          <CartesianGrid vertical={false} stroke="var(--chart-grid)" />
          {xAxis()}
          <YAxis allowDecimals={false} tick={axisTick} width={40} stroke="var(--border)" />
          <Tooltip
            labelFormatter={labelDay}
            contentStyle={tooltipStyle}
            cursor={{ fill: "var(--chart-grid)" }}
          />
          {legend()}
          <Bar
            dataKey="succeeded"
            name="Succeeded"
            stackId="runs"
            fill="var(--chart-ok)"
            isAnimationActive={false}
          />
          <Bar
            dataKey="failed"
            name="Failed"
            stackId="runs"
            fill="var(--chart-fail)"
            isAnimationActive={false}
          />
          <Bar
            dataKey="other"
            name="Cancelled"
            stackId="runs"
            fill="var(--chart-other)"
            isAnimationActive={false}
          />
        </BarChart>
      </ChartCard>
      <ChartCard id="success" title="Success rate">
        <LineChart {...common(days)} title="Success rate per day, percent">
          <CartesianGrid vertical={false} stroke="var(--chart-grid)" />
          {xAxis()}
          <YAxis
            domain={[0, 100]}
            tickFormatter={(v: number) => `${v}%`}
            tick={axisTick}
            width={44}
            stroke="var(--border)"
          />
          <Tooltip
            labelFormatter={labelDay}
            formatter={(value) => (value === null || value === undefined ? "—" : `${String(value)}%`)}
            contentStyle={tooltipStyle}
          />
          <Line
            dataKey="successRate"
            name="Success rate"
            type="monotone"
            stroke="var(--chart-ok)"
            strokeWidth={2}
            dot={{ r: 3 }}
            connectNulls={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ChartCard>
      <ChartCard id="tokens" title="Tokens per day">
        <BarChart {...common(days)} title="Tokens in and out per day">
          <CartesianGrid vertical={false} stroke="var(--chart-grid)" />
          {xAxis()}
          <YAxis
            allowDecimals={false}
            tickFormatter={(v: number) => formatCount(v)}
            tick={axisTick}
            width={56}
            stroke="var(--border)"
          />
          <Tooltip
            labelFormatter={labelDay}
            formatter={(value) => formatCount(Number(value))}
            contentStyle={tooltipStyle}
            cursor={{ fill: "var(--chart-grid)" }}
          />
          {legend()}
          <Bar dataKey="tokensIn" name="Tokens in" fill="var(--chart-in)" isAnimationActive={false} />
          <Bar dataKey="tokensOut" name="Tokens out" fill="var(--chart-out)" isAnimationActive={false} />
        </BarChart>
      </ChartCard>
      <ChartCard id="cost" title="Cost per day">
        <BarChart {...common(days)} title="Cost per day in US dollars">
          <CartesianGrid vertical={false} stroke="var(--chart-grid)" />
          {xAxis()}
          <YAxis
            tickFormatter={(v: number) => formatUsd(v)}
            tick={axisTick}
            width={64}
            stroke="var(--border)"
          />
          <Tooltip
            labelFormatter={labelDay}
            formatter={(value) => formatUsd(Number(value))}
            contentStyle={tooltipStyle}
            cursor={{ fill: "var(--chart-grid)" }}
          />
          <Bar dataKey="costUsd" name="Cost" fill="var(--chart-cost)" isAnimationActive={false} />
        </BarChart>
      </ChartCard>
    </div>
  );
}

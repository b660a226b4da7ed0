/** Pure helpers for the usage page: periods, the byDay JSON, and days without runs. */

export const PERIODS = [7, 30, 90] as const;
export type Period = (typeof PERIODS)[number];

const DAY_MS = 24 * 60 * 60 * 1000;

/** One UTC day of usage, as the gateway's `Usage.byDay` entries. */
export interface UsageDay {
  /** YYYY-MM-DD (UTC). */
  day: string;
  runs: number;
  succeeded: number;
  failed: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

function utcMidnight(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** The last `days` UTC days including today; the API treats both ends as whole days. */
export function periodRange(days: number, now = new Date()): { from: string; to: string } {
  const to = utcMidnight(now);
  const from = new Date(to.getTime() - (days - 1) * DAY_MS);
  return { from: from.toISOString(), to: to.toISOString() };
}

function count(value: unknown): number {
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
}

/** `Usage.byDay` is JSON: read it defensively, oldest first, well-formed days only. */
export function parseByDay(byDay: unknown): UsageDay[] {
  if (!Array.isArray(byDay)) return [];
  return byDay
    .filter((d): d is Record<string, unknown> => d !== null && typeof d === "object")
    .filter((d) => typeof d["day"] === "string" && /^\d{4}-\d{2}-\d{2}$/.test(d["day"]))
    .map((d) => ({
      day: d["day"] as string,
      runs: count(d["runs"]),
      succeeded: count(d["succeeded"]),
      failed: count(d["failed"]),
      tokensIn: count(d["tokensIn"]),
      tokensOut: count(d["tokensOut"]),
      costUsd: count(d["costUsd"]),
    }))
    .sort((a, b) => a.day.localeCompare(b.day));
}

export interface ChartDay extends UsageDay {
  /** Runs that neither succeeded nor failed (cancelled). */
  other: number;
  /** Succeeded / runs in percent; null on days without runs (a gap, not 0 %). */
  successRate: number | null;
}

/** Every day of the period, zeros where nothing ran, so the charts' time axis has no holes. */
export function fillDays(days: UsageDay[], range: { from: string; to: string }): ChartDay[] {
  const byKey = new Map(days.map((d) => [d.day, d]));
  const out: ChartDay[] = [];
  const end = new Date(range.to).getTime();
  for (let t = new Date(range.from).getTime(); t <= end; t += DAY_MS) {
    const key = new Date(t).toISOString().slice(0, 10);
    const d = byKey.get(key) ?? {
      day: key,
      runs: 0,
      succeeded: 0,
      failed: 0,
      tokensIn: 0,
      tokensOut: 0,
      costUsd: 0,
    };
    out.push({
      ...d,
      other: Math.max(0, d.runs - d.succeeded - d.failed),
      successRate: d.runs > 0 ? Math.round((d.succeeded / d.runs) * 1000) / 10 : null,
    });
  }
  return out;
}

export function successRate(totals: { runs: number; succeeded: number }): string {
  return totals.runs > 0 ? `${Math.round((totals.succeeded / totals.runs) * 1000) / 10}%` : "—";
}

const integer = new Intl.NumberFormat("en");

export function formatCount(value: number): string {
  return integer.format(value);
}

/** Cents for ordinary amounts, more digits for the sub-cent costs of small LLM calls. */
export function formatUsd(value: number): string {
  if (value === 0) return "$0.00";
  const digits = Math.abs(value) >= 1 ? 2 : 4;
  return `$${value.toFixed(digits)}`;
}

const shortDay = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", timeZone: "UTC" });

/** "2026-11-22" → "Nov 22" (UTC, like the data). */
export function formatDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? day : shortDay.format(date);
}

import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** A target on the ratio (Weft ÷ baseline) or on Weft's own figure. */
export interface Target {
  on: "ratio" | "weft";
  op: "<=" | ">=";
  value: number;
}

export interface Row {
  metric: string;
  unit: string;
  weft: number;
  baseline: number | null;
  target?: Target;
  /** Extra facts for this row (sample size, spread). */
  note?: string;
}

export interface ScenarioReport {
  id: number;
  title: string;
  /** What the baseline is, in one sentence. */
  baseline: string;
  /** How Weft was driven (which path), in one sentence. */
  method: string;
  rows: Row[];
  notes: string[];
  seconds: number;
  error?: string;
}

export const ratioOf = (row: Row): number | null =>
  row.baseline === null || row.baseline === 0 ? null : row.weft / row.baseline;

export function verdict(row: Row): "pass" | "miss" | "" {
  if (!row.target) return "";
  const value = row.target.on === "ratio" ? ratioOf(row) : row.weft;
  if (value === null) return "";
  const ok = row.target.op === "<=" ? value <= row.target.value : value >= row.target.value;
  return ok ? "pass" : "miss";
}

export function targetText(t: Target | undefined): string {
  if (!t) return "—";
  return t.on === "ratio"
    ? `${t.op === "<=" ? "≤" : "≥"} ${t.value}×`
    : `${t.op === "<=" ? "≤" : "≥"} ${t.value}`;
}

const fmt = (n: number | null, unit = ""): string => {
  if (n === null) return "—";
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2;
  return `${n.toFixed(digits)}${unit ? ` ${unit}` : ""}`;
};

export function scenarioTable(report: ScenarioReport): string {
  const header = ["metric", "weft", "baseline", "ratio", "target", "result"];
  const lines = report.rows.map((row) => {
    const ratio = ratioOf(row);
    return [
      row.metric,
      fmt(row.weft, row.unit),
      fmt(row.baseline, row.unit),
      ratio === null ? "—" : `${ratio.toFixed(2)}×`,
      targetText(row.target),
      verdict(row),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [render(header), widths.map((w) => "─".repeat(w)).join("  "), ...lines.map(render)].join("\n");
}

/** The same table in GitHub markdown, for bench/RESULTS.md. */
export function markdownTable(report: ScenarioReport): string {
  const lines = [
    "| metric | weft | baseline | ratio | target | result |",
    "| --- | ---: | ---: | ---: | ---: | :---: |",
  ];
  for (const row of report.rows) {
    const ratio = ratioOf(row);
    lines.push(
      `| ${row.metric} | ${fmt(row.weft, row.unit)} | ${fmt(row.baseline, row.unit)} | ${ratio === null ? "—" : `${ratio.toFixed(2)}×`} | ${targetText(row.target)} | ${verdict(row)} |`,
    );
  }
  return lines.join("\n");
}

export interface MachineFacts {
  date: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  loadAvgAtStart: number[];
  workerSettings: Record<string, number>;
  /** The Temporal server both Weft and the baselines run on, and its settings that differ from Temporal's. */
  temporal: string;
}

export function machineFacts(workerSettings: Record<string, number>, temporal: string): MachineFacts {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAvgAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
    workerSettings,
    temporal,
  };
}

export function machineText(m: MachineFacts): string {
  return [
    `date          ${m.date}`,
    `machine       ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.platform}`,
    `node          ${m.node}`,
    `load average  ${m.loadAvgAtStart.join(" / ")} (1 / 5 / 15 min, at start; other engineers share this box)`,
    `worker        ${Object.entries(m.workerSettings)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")} (Weft and raw workers alike)`,
    `temporal      ${m.temporal}`,
  ].join("\n");
}

export function writeJson(file: string, data: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}

/** One scenario module's contract (bench/scenarios/*.ts). */
export interface Scenario<Ctx> {
  id: number;
  title: string;
  run(ctx: Ctx): Promise<Omit<ScenarioReport, "id" | "title" | "seconds">>;
}

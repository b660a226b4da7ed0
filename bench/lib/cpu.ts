// CPU time per process class on this machine (Linux /proc), so a scenario can say where a gap
// comes from: gateway, worker, PostgreSQL, the Temporal server, the bench itself. Whole-machine
// accounting: on a shared box another engineer's processes land in "other".
import { readFileSync, readdirSync } from "node:fs";
import { availableParallelism } from "node:os";

export type CpuClass =
  "gateway" | "worker" | "raw worker" | "postgres" | "temporal" | "bench" | "bare server" | "other";

const CLASSES: ReadonlyArray<[CpuClass, RegExp]> = [
  ["gateway", /apps\/gateway\/src\/main\.ts/],
  ["worker", /apps\/temporal-worker\/src\/main\.ts/],
  ["raw worker", /bench\/raw-worker\.ts/],
  ["bare server", /bench\/bare-server\.ts/],
  ["postgres", /(^|\/)postgres(\0|$| |:)/],
  ["temporal", /temporal\0server\0start-dev/],
];

const TICKS_PER_SECOND = 100;

function classify(pid: number, cmdline: string): CpuClass {
  if (pid === process.pid) return "bench";
  for (const [name, re] of CLASSES) if (re.test(cmdline)) return name;
  return "other";
}

/** Cumulative CPU seconds (user + system, all threads) per class, of the processes alive now. */
export function cpuSnapshot(): Map<number, { cls: CpuClass; seconds: number }> {
  const out = new Map<number, { cls: CpuClass; seconds: number }>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the command name, which is in parentheses and may contain spaces.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks = Number(fields[11]) + Number(fields[12]);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      out.set(pid, { cls: classify(pid, cmdline), seconds: ticks / TICKS_PER_SECOND });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return out;
}

/** CPU seconds per class spent between two snapshots (processes that ended in between are lost). */
export function cpuDelta(
  before: ReturnType<typeof cpuSnapshot>,
  after: ReturnType<typeof cpuSnapshot>,
): Map<CpuClass, number> {
  const delta = new Map<CpuClass, number>();
  for (const [pid, now] of after) {
    const spent = now.seconds - (before.get(pid)?.seconds ?? 0);
    if (spent > 0) delta.set(now.cls, (delta.get(now.cls) ?? 0) + spent);
  }
  return delta;
}

/** Runs `fn`, adds the CPU seconds each class spent meanwhile to `into`, and returns its result. */
export async function withCpu<T>(into: Map<CpuClass, number>, fn: () => Promise<T>): Promise<T> {
  const before = cpuSnapshot();
  const value = await fn();
  for (const [cls, seconds] of cpuDelta(before, cpuSnapshot())) into.set(cls, (into.get(cls) ?? 0) + seconds);
  return value;
}

const UNIT_SCALE = { s: 1, ms: 1e3, µs: 1e6 } as const;

/** "gateway 1.2 s, postgres 0.8 s, …", largest first; shares under half a unit (half a millisecond, in s) left out. */
export function cpuText(cpu: Map<CpuClass, number>, per = 1, unit: keyof typeof UNIT_SCALE = "s"): string {
  const scale = UNIT_SCALE[unit];
  return [...cpu.entries()]
    .map(([cls, s]) => [cls, (s / per) * scale] as const)
    .filter(([, v]) => v >= (unit === "s" ? 0.0005 : 0.5))
    .sort((a, b) => b[1] - a[1])
    .map(
      ([cls, v]) => `${cls} ${unit === "s" ? v.toFixed(2) : v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${unit}`,
    )
    .join(", ");
}

/** CPU seconds of every class but "other" (processes that are not part of the measurement). */
export function cpuOfStack(cpu: Map<CpuClass, number>): number {
  let sum = 0;
  for (const [cls, seconds] of cpu) if (cls !== "other") sum += seconds;
  return sum;
}

/**
 * One line on how CPU-bound a comparison was: CPU per unit of work for both sides, the cores each
 * side kept busy, and raw ÷ weft CPU — while the box is saturated, the most a throughput (or run
 * time) ratio can reach without cutting CPU, wherever the gap in the table comes from.
 */
export function cpuBound(
  side: { weft: Map<CpuClass, number>; raw: Map<CpuClass, number> },
  wallSeconds: { weft: number; raw: number },
  units: number,
  unit: string,
): string {
  const cores = availableParallelism();
  const weft = cpuOfStack(side.weft);
  const raw = cpuOfStack(side.raw);
  const busy = (cpu: number, wall: number) => (wall > 0 ? (cpu / wall).toFixed(2) : "?");
  return (
    `all measured processes: ${((weft / units) * 1000).toFixed(1)} ms CPU per ${unit} (weft) vs ` +
    `${((raw / units) * 1000).toFixed(1)} ms (raw), ${busy(weft, wallSeconds.weft)} vs ` +
    `${busy(raw, wallSeconds.raw)} of ${cores} cores busy; raw ÷ weft CPU = ${(raw / weft).toFixed(2)}× ` +
    `(what a CPU-bound ratio tends to)`
  );
}

/**
 * What every drill returns: its parameters, the numbers it measured (tests assert on these), one
 * line per fact for the table, and the checks that failed (empty = pass).
 */
export interface DrillResult {
  drill: string;
  params: Record<string, number | string>;
  numbers: Record<string, number>;
  /** Human-readable facts, in table order ("runs completed 10/10"). */
  results: string[];
  failures: string[];
  durationMs: number;
}

/** One drill: its parameters for `npm run drills` and for the short version in `npm test`. */
export interface DrillDefinition<P> {
  name: string;
  drill: P;
  short: P;
  run(params: P): Promise<DrillResult>;
}

/** Collects facts and failed checks while a drill runs. */
export class Report {
  readonly numbers: Record<string, number> = {};
  readonly results: string[] = [];
  readonly failures: string[] = [];
  private readonly started = Date.now();

  constructor(
    readonly drill: string,
    readonly params: Record<string, number | string>,
  ) {}

  /** Records a number under `key` (for assertions) and a line for the table. */
  fact(key: string, value: number, line: string): void {
    this.numbers[key] = value;
    this.results.push(line);
  }

  line(text: string): void {
    this.results.push(text);
  }

  /** Fails the drill with `message` unless `ok`. */
  check(ok: boolean, message: string): void {
    if (!ok) this.failures.push(message);
  }

  fail(message: string): void {
    this.failures.push(message);
  }

  /** With DRILLS_TRACE=1: when each phase of the drill was reached (where the time goes). */
  phase(name: string): void {
    if (process.env.DRILLS_TRACE) {
      console.log(`[${this.drill}] +${((Date.now() - this.started) / 1000).toFixed(1)} s ${name}`);
    }
  }

  finish(): DrillResult {
    return {
      drill: this.drill,
      params: this.params,
      numbers: { ...this.numbers },
      results: [...this.results],
      failures: [...this.failures],
      durationMs: Date.now() - this.started,
    };
  }
}

export function formatParams(params: Record<string, number | string>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** A Markdown table (readable in a terminal, pasted as is into bench/RESULTS.md). */
export function formatTable(results: DrillResult[]): string {
  const rows = results.map((r) => [
    r.drill,
    formatParams(r.params),
    r.results.join("; "),
    r.failures.length ? `FAIL (${r.failures.length})` : "pass",
    `${(r.durationMs / 1000).toFixed(1)} s`,
  ]);
  const header = ["drill", "parameters", "results", "pass/fail", "duration"];
  const lines = [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ];
  return lines.join("\n");
}

export function formatFailures(results: DrillResult[]): string {
  return results
    .filter((r) => r.failures.length)
    .map((r) => `${r.drill}:\n${r.failures.map((f) => `  - ${f}`).join("\n")}`)
    .join("\n");
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value other than undefined, or gives up after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Rejects with `what` if `promise` takes longer than `timeoutMs`. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${what}`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

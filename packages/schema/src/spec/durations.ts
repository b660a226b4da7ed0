/**
 * Human durations ("30s", "1m30s", "250ms") and the one-line retry policy
 * ("3 attempts, wait 1s, backoff 2, max wait 30s") used by step properties.
 */
import { MAX_NODE_TIMEOUT_MS, MIN_NODE_TIMEOUT_MS, type RetryPolicy } from "../graph.ts";

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
};

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string; offset?: number };

const DURATION_EXAMPLE = "write it with a unit, e.g. 500ms, 30s, 5m or 1h";

/** `30s`, `1.5s`, `1m 30s`, `2 minutes` → milliseconds (must come out as a whole number). */
export function parseDuration(text: string): Parsed<number> {
  const source = text.trim();
  if (source === "") return { ok: false, message: `is empty — ${DURATION_EXAMPLE}` };
  if (/^\d+(\.\d+)?$/.test(source)) {
    return { ok: false, message: `\`${source}\` has no unit — ${DURATION_EXAMPLE}` };
  }
  const part = /(\d+(?:\.\d+)?)\s*([a-z]+)\s*/gy;
  let total = 0;
  let at = 0;
  while (at < source.length) {
    part.lastIndex = at;
    const m = part.exec(source);
    const unit = m ? UNIT_MS[m[2] ?? ""] : undefined;
    if (!m || unit === undefined) {
      return { ok: false, message: `\`${source}\` is not a duration — ${DURATION_EXAMPLE}`, offset: at };
    }
    total += Number(m[1]) * unit;
    at = part.lastIndex;
  }
  if (!Number.isSafeInteger(total)) {
    return { ok: false, message: `\`${source}\` is not a whole number of milliseconds` };
  }
  return { ok: true, value: total };
}

/** The largest unit that divides exactly, so the printed value parses back to the same number. */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms <= 0) return `${ms}ms`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export function parseTimeout(text: string): Parsed<number> {
  const d = parseDuration(text);
  if (!d.ok) return d;
  if (d.value < MIN_NODE_TIMEOUT_MS || d.value > MAX_NODE_TIMEOUT_MS) {
    return {
      ok: false,
      message: `must be between ${formatDuration(MIN_NODE_TIMEOUT_MS)} and ${formatDuration(MAX_NODE_TIMEOUT_MS)}`,
    };
  }
  return d;
}

export const RETRY_EXAMPLE = "retry: 3 attempts, wait 1s, backoff 2, max wait 30s";

/**
 * Comma-separated clauses in any order: `N attempts` and `wait D` are required, `backoff F`
 * (multiplier, default 1 = constant wait) and `max wait D` are optional.
 */
export function parseRetry(text: string): Parsed<RetryPolicy> {
  let maxAttempts: number | undefined;
  let initialIntervalMs: number | undefined;
  let backoff: number | undefined;
  let maxIntervalMs: number | undefined;
  let offset = 0;
  for (const raw of text.split(",")) {
    const clause = raw.trim();
    const at = offset + raw.length - raw.trimStart().length;
    offset += raw.length + 1;
    const fail = (message: string): Parsed<RetryPolicy> => ({ ok: false, message, offset: at });
    let m: RegExpExecArray | null;
    if ((m = /^(\d+)\s+attempts?$/i.exec(clause))) {
      if (maxAttempts !== undefined) return fail("gives the number of attempts twice");
      maxAttempts = Number(m[1]);
      if (maxAttempts < 1 || maxAttempts > 20) return fail("attempts must be between 1 and 20");
    } else if ((m = /^max\s+wait\s+(.+)$/i.exec(clause))) {
      if (maxIntervalMs !== undefined) return fail("gives `max wait` twice");
      const d = parseDuration(m[1] ?? "");
      if (!d.ok) return fail(`max wait ${d.message}`);
      maxIntervalMs = d.value;
    } else if ((m = /^wait\s+(.+)$/i.exec(clause))) {
      if (initialIntervalMs !== undefined) return fail("gives `wait` twice");
      const d = parseDuration(m[1] ?? "");
      if (!d.ok) return fail(`wait ${d.message}`);
      initialIntervalMs = d.value;
    } else if ((m = /^backoff\s+[x×]?\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*[x×]?$/i.exec(clause))) {
      if (backoff !== undefined) return fail("gives `backoff` twice");
      backoff = Number(m[1]);
      if (!(backoff >= 1 && backoff <= 100)) return fail("backoff must be a multiplier between 1 and 100");
    } else {
      return fail(
        `has an unknown part \`${clause}\` — use \`N attempts\`, \`wait 1s\`, \`backoff 2\` and \`max wait 30s\`, e.g. \`${RETRY_EXAMPLE}\``,
      );
    }
  }
  if (maxAttempts === undefined) {
    return { ok: false, message: `must say how many attempts, e.g. \`${RETRY_EXAMPLE}\`` };
  }
  if (initialIntervalMs === undefined) {
    return { ok: false, message: `must say how long to wait between attempts, e.g. \`${RETRY_EXAMPLE}\`` };
  }
  const max = MAX_NODE_TIMEOUT_MS;
  if (initialIntervalMs < 1 || initialIntervalMs > max) {
    return { ok: false, message: `wait must be between 1ms and ${formatDuration(max)}` };
  }
  if (maxIntervalMs !== undefined && (maxIntervalMs < initialIntervalMs || maxIntervalMs > max)) {
    return { ok: false, message: `max wait must be at least wait and at most ${formatDuration(max)}` };
  }
  return {
    ok: true,
    value: {
      maxAttempts,
      initialIntervalMs,
      backoff: backoff ?? 1,
      ...(maxIntervalMs !== undefined ? { maxIntervalMs } : {}),
    },
  };
}

export function formatRetry(policy: RetryPolicy): string {
  const parts = [
    `${policy.maxAttempts} ${policy.maxAttempts === 1 ? "attempt" : "attempts"}`,
    `wait ${formatDuration(policy.initialIntervalMs)}`,
  ];
  if (policy.backoff !== 1) parts.push(`backoff ${String(policy.backoff)}`);
  if (policy.maxIntervalMs !== undefined) parts.push(`max wait ${formatDuration(policy.maxIntervalMs)}`);
  return parts.join(", ");
}

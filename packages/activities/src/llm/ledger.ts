import { randomUUID } from "node:crypto";
import { withWorkspace } from "@weft/db";
import type { ActivityDeps } from "../deps.ts";
import { NodeFailure } from "../errors.ts";

/**
 * LlmCall rows are the ledger of provider requests (budgets, usage roll-ups) and, while a request
 * is in flight, its reservation against the shared rate limits. Everything here runs on the RLS
 * app role inside the workspace's scope.
 */

export interface Limits {
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
}

export interface ReserveInput {
  workspaceId: string;
  /** Null for calls outside a run (English-to-spec generation). */
  runId: string | null;
  nodeId: string | null;
  provider: string;
  /** "provider/model". */
  model: string;
  /** Counted against tokens/min until the real usage is known (prompt estimate + maxTokens). */
  estimatedTokens: number;
  limits: Limits;
  windowMs: number;
  signal: AbortSignal;
  log(line: string): void;
}

interface WindowRow {
  startedAt: Date;
  weight: number;
}

/**
 * Takes a slot under the workspace's per-provider limits, waiting while the window is full.
 *
 * A sliding-window log, not a counter: every request is a row with its start time, and a request
 * may start only if, counting itself, the last `windowMs` hold at most `requestsPerMinute` rows
 * and `tokensPerMinute` tokens (actual usage, or the estimate while in flight). The check and
 * the insert happen under a transaction-scoped advisory lock per (workspace, provider), and the
 * times come from the database clock, so any number of worker processes agree and no window of
 * that length ever holds more than the limit. Returns the LlmCall id to settle afterwards.
 */
export async function reserveCall(deps: ActivityDeps, r: ReserveInput): Promise<string> {
  const limited = r.limits.requestsPerMinute !== null || r.limits.tokensPerMinute !== null;
  let logged = false;
  for (;;) {
    const verdict = await withWorkspace(deps.prisma, r.workspaceId, async (tx) => {
      if (limited) {
        await tx.$queryRaw`SELECT count(*)::int AS n FROM (SELECT pg_advisory_xact_lock(hashtextextended(${`llm:${r.workspaceId}:${r.provider}`}, 0))) AS l`;
        const rows = await tx.$queryRaw<WindowRow[]>`
          SELECT "startedAt",
                 (CASE WHEN status = 'RESERVED' THEN "estimatedTokens" ELSE "tokensIn" + "tokensOut" END)::int AS weight
          FROM "LlmCall"
          WHERE "workspaceId" = ${r.workspaceId}::uuid AND provider = ${r.provider}
            AND "startedAt" > clock_timestamp() - ${r.windowMs}::int * interval '1 millisecond'
          ORDER BY "startedAt"`;
        const [{ now }] = (await tx.$queryRaw<Array<{ now: Date }>>`SELECT clock_timestamp() AS now`) as [
          { now: Date },
        ];
        const waitMs = waitFor(rows, r, now.getTime());
        if (waitMs > 0) return { waitMs, rows: rows.length };
      }
      const id = randomUUID();
      await tx.$executeRaw`
        INSERT INTO "LlmCall" (id, "workspaceId", "runId", "nodeId", provider, model, status, "estimatedTokens", "startedAt")
        VALUES (${id}::uuid, ${r.workspaceId}::uuid, ${r.runId}::uuid, ${r.nodeId}, ${r.provider}, ${r.model},
                'RESERVED', ${r.estimatedTokens}, clock_timestamp())`;
      return { id };
    });
    if (verdict.id !== undefined) return verdict.id;
    if (!logged) {
      r.log(
        `rate limit of provider "${r.provider}" reached (${describe(r.limits)}): waiting ${Math.ceil(verdict.waitMs ?? 0)} ms`,
      );
      logged = true;
    }
    // Heartbeats continue meanwhile (the activity wrapper beats every second).
    await sleep((verdict.waitMs ?? 0) + 5, r.signal);
  }
}

/** How long until the request fits: when enough of the window's oldest rows have aged out. */
function waitFor(rows: WindowRow[], r: ReserveInput, nowMs: number): number {
  const { requestsPerMinute: rpm, tokensPerMinute: tpm } = r.limits;
  let wait = 0;
  if (rpm !== null && rows.length + 1 > rpm) {
    // The (n - rpm + 1) oldest rows must leave; the last of them sets the time.
    const leaving = rows[rows.length - rpm];
    if (leaving) wait = Math.max(wait, leaving.startedAt.getTime() + r.windowMs - nowMs);
  }
  if (tpm !== null) {
    let used = rows.reduce((sum, row) => sum + row.weight, 0);
    // A request larger than the whole budget still runs, alone in an empty window.
    if (used > 0 && used + r.estimatedTokens > tpm) {
      for (const row of rows) {
        used -= row.weight;
        if (used <= 0 || used + r.estimatedTokens <= tpm) {
          wait = Math.max(wait, row.startedAt.getTime() + r.windowMs - nowMs);
          break;
        }
      }
    }
  }
  return wait;
}

function describe(l: Limits): string {
  return [
    l.requestsPerMinute !== null ? `${l.requestsPerMinute} requests/min` : null,
    l.tokensPerMinute !== null ? `${l.tokensPerMinute} tokens/min` : null,
  ]
    .filter(Boolean)
    .join(", ");
}

export async function settleCall(
  deps: ActivityDeps,
  workspaceId: string,
  id: string,
  outcome: { ok: boolean; tokensIn: number; tokensOut: number; costUsd: number },
): Promise<void> {
  await withWorkspace(deps.prisma, workspaceId, (tx) =>
    tx.llmCall.update({
      where: { id },
      data: {
        status: outcome.ok ? "OK" : "ERROR",
        tokensIn: outcome.tokensIn,
        tokensOut: outcome.tokensOut,
        costUsd: outcome.costUsd,
        finishedAt: new Date(),
      },
    }),
  );
}

/**
 * Fails with BUDGET_EXCEEDED once this UTC month's provider spend reached the workspace's
 * budget. Checked before each request, so the request that crosses the line still completes
 * (its cost is unknown until it answers); every later one is refused.
 */
export async function assertWithinBudget(
  deps: ActivityDeps,
  workspaceId: string,
  budgetUsd: number | null,
): Promise<void> {
  if (budgetUsd === null) return;
  const now = new Date();
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const spent = await withWorkspace(deps.prisma, workspaceId, (tx) =>
    tx.llmCall.aggregate({ _sum: { costUsd: true }, where: { workspaceId, startedAt: { gte: monthStart } } }),
  );
  const spentUsd = Number(spent._sum.costUsd ?? 0);
  if (spentUsd >= budgetUsd) {
    throw new NodeFailure(
      `This workspace's monthly LLM budget of $${budgetUsd.toFixed(2)} is used up ` +
        `($${spentUsd.toFixed(4)} spent since ${monthStart.toISOString().slice(0, 10)} UTC). ` +
        `LLM nodes are refused until next month or until an owner raises the budget.`,
      false,
      "BUDGET_EXCEEDED",
    );
  }
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

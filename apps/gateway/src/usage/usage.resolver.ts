import { Args, Ctx, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.ts";
import { withMember } from "../auth/access.ts";
import { badField } from "../common/input.ts";
import { UsageArgs } from "./usage.input.ts";
import { Usage, type UsageDay } from "./usage.type.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_RANGE_DAYS = 366;

function utcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

@Resolver(() => Usage)
export class UsageResolver {
  /**
   * Sums the daily per-model roll-ups (UsageRecord). A run that used two
   * models is counted in both models' rows, so `runs` counts run×model
   * pairs, the roll-up's own definition.
   */
  @Query(() => Usage)
  async usage(@Args(() => UsageArgs) args: UsageArgs, @Ctx() ctx: GatewayContext): Promise<Usage> {
    const to = utcDay(args.to ?? new Date());
    const from = utcDay(args.from ?? new Date(to.getTime() - 30 * DAY_MS));
    if (from > to) throw badField("from", "must not be after `to`");
    if ((to.getTime() - from.getTime()) / DAY_MS > MAX_RANGE_DAYS) {
      throw badField("from", `the range must be at most ${MAX_RANGE_DAYS} days`);
    }
    const rows = await withMember(ctx, args.workspaceId, "VIEWER", (tx) =>
      tx.usageRecord.findMany({
        where: { workspaceId: args.workspaceId, day: { gte: from, lte: to } },
        orderBy: { day: "asc" },
      }),
    );
    const days = new Map<string, UsageDay>();
    const total = { runs: 0, succeeded: 0, failed: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 };
    for (const row of rows) {
      const key = row.day.toISOString().slice(0, 10);
      const day = days.get(key) ?? {
        day: key,
        runs: 0,
        succeeded: 0,
        failed: 0,
        tokensIn: 0,
        tokensOut: 0,
        costUsd: 0,
      };
      const cost = row.costUsd.toNumber();
      for (const target of [day, total]) {
        target.runs += row.runs;
        target.succeeded += row.succeeded;
        target.failed += row.failed;
        target.tokensIn += row.tokensIn;
        target.tokensOut += row.tokensOut;
        target.costUsd += cost;
      }
      days.set(key, day);
    }
    // Decimal(18, 8) columns summed as floats: round back to their precision.
    const round = (value: number) => Math.round(value * 1e8) / 1e8;
    return {
      ...total,
      costUsd: round(total.costUsd),
      byDay: [...days.values()].map((day) => ({ ...day, costUsd: round(day.costUsd) })),
    };
  }
}

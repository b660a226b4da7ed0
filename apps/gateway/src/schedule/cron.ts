import { CronExpressionParser } from "cron-parser";

/** How many upcoming fire times Schedule.nextFireTimes shows. */
export const NEXT_FIRE_TIMES = 5;

/**
 * Why a cron expression or time zone is unusable, or null when both are fine.
 * For upsertSchedule's input check. Standard 5-field cron (Temporal's
 * schedule spec accepts the same); the time zone must be an IANA name.
 */
export function cronProblem(
  cron: string,
  timezone: string,
): { field: "cron" | "timezone"; message: string } | null {
  if (!isTimeZone(timezone)) return { field: "timezone", message: `"${timezone}" is not an IANA time zone` };
  if (cron.trim().split(/\s+/).length !== 5) {
    return { field: "cron", message: "must have 5 fields: minute hour day-of-month month day-of-week" };
  }
  try {
    CronExpressionParser.parse(cron, { tz: timezone }).next();
    return null;
  } catch (error) {
    return {
      field: "cron",
      message: error instanceof Error ? error.message : "is not a valid cron expression",
    };
  }
}

/** The next `count` fire times after `from`; empty when the stored expression cannot be evaluated. */
export function nextFireTimes(
  cron: string,
  timezone: string,
  count = NEXT_FIRE_TIMES,
  from = new Date(),
): Date[] {
  if (cronProblem(cron, timezone) !== null) return [];
  try {
    return CronExpressionParser.parse(cron, { tz: timezone, currentDate: from })
      .take(count)
      .map((date) => date.toDate());
  } catch {
    return [];
  }
}

function isTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

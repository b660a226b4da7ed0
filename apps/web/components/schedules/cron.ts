import { CronExpressionParser } from "cron-parser";
import cronstrue from "cronstrue";

/** How many upcoming fire times the editor previews (the gateway's Schedule.nextFireTimes shows as many). */
export const PREVIEW_COUNT = 5;

export type CronCheck =
  | { ok: true; description: string; next: Date[] }
  | { ok: false; field: "cron" | "timezone"; message: string };

export function isTimeZone(timezone: string): boolean {
  if (!timezone) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The same checks as the gateway's upsertSchedule (5-field cron read by cron-parser in an IANA
 * zone), plus an English description and the next fire times, all computed in the browser.
 */
export function checkCron(cron: string, timezone: string, from = new Date()): CronCheck {
  const text = cron.trim();
  if (!text) return { ok: false, field: "cron", message: "Enter a cron expression, e.g. 0 9 * * 1-5." };
  const fields = text.split(/\s+/).length;
  if (fields !== 5) {
    return {
      ok: false,
      field: "cron",
      message: `Needs 5 fields (minute hour day-of-month month day-of-week); this has ${fields}.`,
    };
  }
  if (!isTimeZone(timezone)) return { ok: false, field: "timezone", message: "Pick a time zone." };
  let next: Date[];
  try {
    next = CronExpressionParser.parse(text, { tz: timezone, currentDate: from })
      .take(PREVIEW_COUNT)
      .map((d) => d.toDate());
  } catch (error) {
    return { ok: false, field: "cron", message: cronMessage(error) };
  }
  let description: string;
  try {
    description = cronstrue.toString(text, {
      use24HourTimeFormat: true,
      throwExceptionOnParseError: true,
      verbose: false,
    });
  } catch (error) {
    return { ok: false, field: "cron", message: cronMessage(error) };
  }
  return { ok: true, description, next };
}

/** "Every 15 minutes…" for the list, or null when the expression cannot be read. */
export function describeCron(cron: string): string | null {
  try {
    return cronstrue.toString(cron, { use24HourTimeFormat: true, throwExceptionOnParseError: true });
  } catch {
    return null;
  }
}

function cronMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : typeof error === "string" ? error : "";
  const text = raw.replace(/^Error:\s*/, "").trim();
  return text ? `Not a valid cron expression: ${text}` : "Not a valid cron expression.";
}

/** A fire time in the schedule's own zone, with the zone's short name ("Mon, 23 Nov 2026, 09:00 CET"). */
export function formatInZone(date: Date | string, timezone: string): string {
  const d = typeof date === "string" ? new Date(date) : date;
  try {
    return new Intl.DateTimeFormat("en-GB", {
      weekday: "short",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone: timezone,
      timeZoneName: "short",
    }).format(d);
  } catch {
    return d.toISOString();
  }
}

let zones: string[] | null = null;

/** Every IANA zone the browser knows, UTC first. */
export function timeZones(): string[] {
  if (zones) return zones;
  const list = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : ["UTC"];
  zones = ["UTC", ...list.filter((z) => z !== "UTC")];
  return zones;
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

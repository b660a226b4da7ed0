import { describe, expect, it } from "vitest";
import { cronProblem, nextFireTimes } from "./cron.ts";

describe("nextFireTimes", () => {
  it("reads the expression in the schedule's time zone", () => {
    const from = new Date("2026-11-22T00:00:00Z"); // a Sunday
    expect(nextFireTimes("0 9 * * 1-5", "Europe/Berlin", 3, from).map((d) => d.toISOString())).toEqual([
      "2026-11-23T08:00:00.000Z",
      "2026-11-24T08:00:00.000Z",
      "2026-11-25T08:00:00.000Z",
    ]);
    expect(nextFireTimes("*/15 * * * *", "UTC", 2, from).map((d) => d.toISOString())).toEqual([
      "2026-11-22T00:15:00.000Z",
      "2026-11-22T00:30:00.000Z",
    ]);
  });

  it("is empty for expressions it cannot evaluate", () => {
    expect(nextFireTimes("61 * * * *", "UTC")).toEqual([]);
    expect(nextFireTimes("* * * * *", "Mars/Olympus")).toEqual([]);
  });
});

describe("cronProblem", () => {
  it("names the field at fault", () => {
    expect(cronProblem("0 9 * * 1-5", "America/New_York")).toBeNull();
    expect(cronProblem("0 9 * * 1-5", "Mars/Olympus")).toMatchObject({ field: "timezone" });
    expect(cronProblem("0 0 9 * * 1-5", "UTC")).toMatchObject({ field: "cron" });
    expect(cronProblem("99 * * * *", "UTC")).toMatchObject({ field: "cron" });
  });
});

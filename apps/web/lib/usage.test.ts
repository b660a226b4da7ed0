import { describe, expect, it } from "vitest";
import { fillDays, formatUsd, parseByDay, periodRange, successRate } from "./usage";

describe("periodRange", () => {
  it("covers the last N UTC days including today, as whole days", () => {
    expect(periodRange(7, new Date("2026-03-10T23:30:00-05:00"))).toEqual({
      from: "2026-03-05T00:00:00.000Z",
      to: "2026-03-11T00:00:00.000Z",
    });
    expect(periodRange(1, new Date("2026-03-10T00:00:00Z"))).toEqual({
      from: "2026-03-10T00:00:00.000Z",
      to: "2026-03-10T00:00:00.000Z",
    });
  });
});

describe("parseByDay", () => {
  it("reads the gateway's day objects oldest first and drops malformed entries", () => {
    expect(
      parseByDay([
        { day: "2026-03-09", runs: 2, succeeded: 1, failed: 1, tokensIn: 10, tokensOut: 5, costUsd: 0.5 },
        { day: "2026-03-08", runs: "3", succeeded: 3 },
        { day: "yesterday", runs: 1 },
        null,
        7,
      ]),
    ).toEqual([
      { day: "2026-03-08", runs: 3, succeeded: 3, failed: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 },
      { day: "2026-03-09", runs: 2, succeeded: 1, failed: 1, tokensIn: 10, tokensOut: 5, costUsd: 0.5 },
    ]);
    expect(parseByDay({ "2026-03-09": 1 })).toEqual([]);
    expect(parseByDay(null)).toEqual([]);
  });
});

describe("fillDays", () => {
  it("has one entry per day of the period, zeros and a null rate where nothing ran", () => {
    const range = periodRange(3, new Date("2026-03-10T12:00:00Z"));
    const days = fillDays(
      [{ day: "2026-03-09", runs: 4, succeeded: 2, failed: 1, tokensIn: 10, tokensOut: 5, costUsd: 0.25 }],
      range,
    );
    expect(days.map((d) => [d.day, d.runs, d.other, d.successRate])).toEqual([
      ["2026-03-08", 0, 0, null],
      ["2026-03-09", 4, 1, 50],
      ["2026-03-10", 0, 0, null],
    ]);
  });
});

describe("formatting", () => {
  it("shows rates to one decimal and sub-cent costs with four digits", () => {
    expect(successRate({ runs: 3, succeeded: 2 })).toBe("66.7%");
    expect(successRate({ runs: 0, succeeded: 0 })).toBe("—");
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(0.0015)).toBe("$0.0015");
    expect(formatUsd(12.345)).toBe("$12.35");
  });
});

import { describe, expect, it } from "vitest";
import { isStorableText, unstorableTextPaths } from "./text.ts";

describe("storable text", () => {
  it("refuses NUL and unpaired surrogates, accepts everything else", () => {
    expect(isStorableText("plain, accents é, emoji 😀, CJK 漢字, tab\t")).toBe(true);
    expect(isStorableText("a\u0000b")).toBe(false);
    expect(isStorableText("high \ud800 alone")).toBe(false);
    expect(isStorableText("low \udc00 alone")).toBe(false);
    expect(isStorableText("reversed \udc00\ud800")).toBe(false);
    expect(isStorableText("\ud83d\ude00")).toBe(true);
  });

  it("finds bad strings and keys at any depth, by path", () => {
    const value = JSON.parse(
      '{"a":["ok","x\\u0000"],"b":{"c\\u0000":1,"d":{"e":"\\ud800"}},"f":2}',
    ) as unknown;
    expect(unstorableTextPaths(value)).toEqual([
      ["a", 1],
      ["b", "c\u0000"],
      ["b", "d", "e"],
    ]);
    expect(unstorableTextPaths({ ok: ["fine", { deep: "also fine" }] })).toEqual([]);
    expect(unstorableTextPaths(["\u0000", "\u0000", "\u0000"], 2)).toHaveLength(2);
  });
});

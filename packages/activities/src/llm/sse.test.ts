import { expect, test } from "vitest";
import { SseParser } from "./sse.ts";

test("events split anywhere (even inside a UTF-8 character) come out whole", () => {
  const wire = Buffer.from(
    'event: a\ndata: {"t":"héllo"}\n\n: comment\ndata: line1\ndata: line2\r\n\r\ndata: [DONE]\n\n',
  );
  const p = new SseParser();
  const events = [];
  for (let i = 0; i < wire.length; i += 3) events.push(...p.push(wire.subarray(i, i + 3)));
  events.push(...p.end());
  expect(events).toEqual([
    { event: "a", data: '{"t":"héllo"}' },
    { data: "line1\nline2" },
    { data: "[DONE]" },
  ]);
});

test("a final event without the blank line is still delivered at the end", () => {
  const p = new SseParser();
  expect(p.push(Buffer.from("data: x"))).toEqual([]);
  expect(p.end()).toEqual([{ data: "x" }]);
});

import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { Waker } from "./run-stream.ts";

describe("Waker", () => {
  it("wakes once per signal and leaves no listener behind on the stop signal", async () => {
    const waker = new Waker();
    const stop = new AbortController();
    await waker.wait(stop.signal); // pending from the start: the first read happens at once
    for (let i = 0; i < 50; i++) {
      const woke = waker.wait(stop.signal);
      waker.signal();
      await woke;
    }
    expect(getEventListeners(stop.signal, "abort")).toHaveLength(0);
  });

  it("returns when stopped while waiting", async () => {
    const waker = new Waker();
    const stop = new AbortController();
    await waker.wait(stop.signal);
    const waiting = waker.wait(stop.signal);
    stop.abort();
    await waiting;
    expect(getEventListeners(stop.signal, "abort")).toHaveLength(0);
  });
});

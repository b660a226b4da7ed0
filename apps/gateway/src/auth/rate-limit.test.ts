import { describe, expect, it } from "vitest";
import { AppError } from "../errors.ts";
import { RateLimiter } from "./rate-limit.ts";

describe("RateLimiter", () => {
  const settings = {
    workspace: { burst: 2, perMinute: 60 },
    user: { burst: 1, perMinute: 1 },
    anonymous: { burst: 1, perMinute: 1 },
  };

  it("allows a burst, then refills at the sustained rate", () => {
    let now = 0;
    const limiter = new RateLimiter(settings, () => now);
    limiter.consume("workspace", "w1");
    limiter.consume("workspace", "w1");
    expect(() => limiter.consume("workspace", "w1")).toThrow(AppError);
    now += 1_000; // one token per second at 60/min
    limiter.consume("workspace", "w1");
    expect(() => limiter.consume("workspace", "w1")).toThrow(/Too many requests/);
  });

  it("keeps separate buckets per key and per scope, and says when to retry", () => {
    const limiter = new RateLimiter(settings, () => 0);
    limiter.consume("user", "u1");
    limiter.consume("user", "u2");
    limiter.consume("anonymous", "u1");
    try {
      limiter.consume("user", "u1");
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "RATE_LIMITED", details: { retryAfterSeconds: 60 } });
    }
  });
});

import { AppError } from "../errors.ts";

/**
 * Token buckets for mutations, per workspace (or per user / client IP for
 * mutations outside a workspace).
 *
 * In memory, per gateway instance, on purpose: a Postgres counter would add
 * a write (and a hot row per workspace) to every mutation, while the goal
 * here is blunting abuse, not billing-grade quotas. With N instances behind a
 * load balancer the effective limit is up to N times the configured one;
 * that is acceptable for abuse protection and documented. A shared store
 * (Postgres fixed window, Redis) can replace this class behind the same
 * `consume` call if exact limits are ever needed.
 */
export interface RateLimitSettings {
  /** Bucket size: how many mutations may arrive at once. */
  burst: number;
  /** Sustained rate. */
  perMinute: number;
}

export const DEFAULT_RATE_LIMITS = {
  workspace: { burst: 60, perMinute: 300 },
  user: { burst: 20, perMinute: 60 },
  // signUp/signIn: argon2 is deliberately expensive and passwords are guessable.
  anonymous: { burst: 10, perMinute: 20 },
} satisfies Record<string, RateLimitSettings>;

export type RateLimitScope = keyof typeof DEFAULT_RATE_LIMITS;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const MAX_BUCKETS = 100_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly settings: Record<RateLimitScope, RateLimitSettings> = DEFAULT_RATE_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token or throws RATE_LIMITED. */
  consume(scope: RateLimitScope, key: string): void {
    const { burst, perMinute } = this.settings[scope];
    const id = `${scope}:${key}`;
    const now = this.now();
    const bucket = this.buckets.get(id) ?? { tokens: burst, updatedAt: now };
    const refilled = Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) * perMinute) / 60_000);
    if (refilled < 1) {
      const retryAfterSeconds = Math.ceil(((1 - refilled) * 60) / perMinute);
      this.buckets.set(id, { tokens: refilled, updatedAt: now });
      throw new AppError("RATE_LIMITED", "Too many requests; slow down", { retryAfterSeconds });
    }
    // Re-inserting keeps the map in least-recently-used order for eviction.
    this.buckets.delete(id);
    this.buckets.set(id, { tokens: refilled - 1, updatedAt: now });
    if (this.buckets.size > MAX_BUCKETS) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }
}

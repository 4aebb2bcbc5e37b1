import type { Redis } from "ioredis";

/**
 * How many 429s in a row Slack has answered, shared by every notifier process through one Redis key, so that a
 * 429 without Retry-After backs off further each time whichever process sent it.
 */
export interface RateLimitStreak {
  /** Counts one more 429 and returns the streak, this one included. */
  hit(): Promise<number>;
  /** Any other answer from Slack ends the streak. */
  clear(): Promise<void>;
}

/** A streak nobody added to for this long is over: the pause it caused ended long ago. */
const FORGET_AFTER_MS = 60 * 60_000;

export function makeRateLimitStreak(redis: Redis, key: string): RateLimitStreak {
  return {
    async hit() {
      const results = await redis.multi().incr(key).pexpire(key, FORGET_AFTER_MS).exec();
      const [error, count] = results?.[0] ?? [new Error("the Redis transaction was discarded"), 0];
      if (error) throw error;
      return Number(count);
    },
    async clear() {
      await redis.del(key);
    },
  };
}

import type { Redis } from "ioredis";

/** A pause shared by every process through one Redis key: set by whoever is told to wait, read by all. */
export interface Pause {
  /** Holds everyone off for at least `ms` from now; a longer pause already in force is kept. */
  extend(ms: number): Promise<void>;
  /** How long the pause still lasts; 0 when none. */
  remainingMs(): Promise<number>;
  /** Ends the pause now (when what caused it is known to be over). */
  clear(): Promise<void>;
}

// Read and set in one step, so two processes extending at once cannot shorten each other's pause.
const EXTEND = `local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return ttl`;

export function makePause(redis: Redis, key: string): Pause {
  return {
    async extend(ms) {
      await redis.eval(EXTEND, 1, key, String(Math.max(1, Math.round(ms))));
    },
    async remainingMs() {
      return Math.max(0, await redis.pttl(key));
    },
    async clear() {
      await redis.del(key);
    },
  };
}

import type { Redis } from "ioredis";

/**
 * Whether Cloudflare is currently rejecting our credentials, shared by every process through Redis, so that
 * one incident logs one error (and, later, one alert) however many workers hit it.
 */
export interface AuthState {
  /** Records the rejection. True only for the call that started the incident. */
  markRejected(message: string, now: Date): Promise<boolean>;
  /** Clears the incident. True only for the call that ended it. */
  markAccepted(): Promise<boolean>;
  current(): Promise<{ since: string; message: string } | null>;
}

export function makeAuthState(redis: Redis, prefix: string): AuthState {
  const key = `${prefix}:auth-rejected`;
  return {
    async markRejected(message, now) {
      const set = await redis.set(key, JSON.stringify({ since: now.toISOString(), message }), "NX");
      return set === "OK";
    },
    async markAccepted() {
      return (await redis.del(key)) === 1;
    },
    async current() {
      const value = await redis.get(key);
      return value ? (JSON.parse(value) as { since: string; message: string }) : null;
    },
  };
}

import type { Redis } from "ioredis";

/**
 * Whether Cloudflare is currently rejecting our credentials, shared by every process through Redis, so that
 * one incident logs one error (and, later, one alert) however many workers hit it.
 */
export interface AuthState {
  /** Records the rejection. True only for the call that started the incident. */
  markRejected(message: string, now: Date): Promise<boolean>;
  /** Clears the incident. Returns it only to the call that ended it. */
  markAccepted(): Promise<AuthIncident | null>;
  current(): Promise<AuthIncident | null>;
}

export interface AuthIncident {
  since: string;
  message: string;
}

export function makeAuthState(redis: Redis, prefix: string): AuthState {
  const key = `${prefix}:auth-rejected`;
  return {
    async markRejected(message, now) {
      const set = await redis.set(key, JSON.stringify({ since: now.toISOString(), message }), "NX");
      return set === "OK";
    },
    async markAccepted() {
      // GETDEL is atomic: of several workers succeeding at once, exactly one sees the incident end.
      const value = await redis.getdel(key);
      return value ? (JSON.parse(value) as AuthIncident) : null;
    },
    async current() {
      const value = await redis.get(key);
      return value ? (JSON.parse(value) as AuthIncident) : null;
    },
  };
}

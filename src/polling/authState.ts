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

/** Successful polls look for an open incident at most this often: not a Redis round trip on every poll. */
const ACCEPTED_PROBE_MS = 1_000;

export function makeAuthState(redis: Redis, prefix: string): AuthState {
  const key = `${prefix}:auth-rejected`;
  let lastProbe = -Infinity;
  let rejectedHere = false;
  return {
    async markRejected(message, now) {
      rejectedHere = true;
      const set = await redis.set(key, JSON.stringify({ since: now.toISOString(), message }), "NX");
      return set === "OK";
    },
    async markAccepted() {
      if (!rejectedHere && performance.now() - lastProbe < ACCEPTED_PROBE_MS) return null;
      lastProbe = performance.now();
      rejectedHere = false;
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

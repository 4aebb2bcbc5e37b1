import type { Redis } from "ioredis";

/**
 * Slack's per-method limits as Redis keys shared by every notifier process: a pace ("post:C0123", "update") is
 * closed while its key lives. A call takes the pace for as long as it may run, and when its answer comes the pace
 * stays closed for one interval more, counted from the answer: the next call then reaches Slack at least an
 * interval after the previous one did, whatever the latency. A 429 closes it for Retry-After.
 */
export interface Pacer {
  /** How long each pace stays closed, in ms (0: open). */
  closedForMs(paces: readonly string[]): Promise<Map<string, number>>;
  /** Takes an open pace for `holdMs` (the call's longest run); false if it is closed. */
  take(pace: string, holdMs: number): Promise<boolean>;
  /** After the answer (the caller holds the pace): closed for exactly `ms` from now, an interval or a Retry-After. */
  rest(pace: string, ms: number): Promise<void>;
}

export function makePacer(redis: Redis, prefix: string): Pacer {
  const key = (pace: string) => `${prefix}:slack-pace:${pace}`;
  const ms = (n: number) => String(Math.max(1, Math.round(n)));
  return {
    async closedForMs(paces) {
      const unique = [...new Set(paces)];
      const ttls = unique.length === 0 ? [] : await Promise.all(unique.map((p) => redis.pttl(key(p))));
      return new Map(unique.map((p, i) => [p, Math.max(0, ttls[i] ?? 0)]));
    },
    async take(pace, holdMs) {
      return (await redis.set(key(pace), "1", "PX", ms(holdMs), "NX")) === "OK";
    },
    async rest(pace, restMs) {
      await redis.set(key(pace), "1", "PX", ms(restMs));
    },
  };
}

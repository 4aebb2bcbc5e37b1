/** The part of the Cloudflare limit this monitor may spend, in requests per second, across all its processes. */
export function requestsPerSecond(budget: { rateLimit: number; rateWindowMs: number; budgetShare: number }): number {
  return (budget.rateLimit * budget.budgetShare) / (budget.rateWindowMs / 1000);
}

/** Gaps shorter than this are granted in small groups: one Redis round trip per request would cap throughput. */
const MIN_WINDOW_MS = 50;

/**
 * The BullMQ global limiter that spends `rate` requests per second evenly. BullMQ counts jobs in a window that
 * opens with the first job, so one job per window of 1/rate seconds means no two polls start closer than that.
 */
export function limiterFor(rate: number): { max: number; duration: number } {
  const spacing = 1000 / rate;
  if (spacing >= MIN_WINDOW_MS) return { max: 1, duration: Math.ceil(spacing) };
  const max = Math.ceil(MIN_WINDOW_MS / spacing);
  return { max, duration: Math.ceil(max * spacing) };
}

/**
 * How many due invites one sweep hands to the queue: about two sweeps' worth of budget. More would only wait in
 * Redis (and be re-planned there if a 429 pauses everything); fewer would leave the workers idle between sweeps.
 */
export function sweepBatchSize(rate: number, sweepIntervalMs: number): number {
  return Math.min(10_000, Math.max(1, Math.ceil((rate * sweepIntervalMs * 2) / 1000)));
}

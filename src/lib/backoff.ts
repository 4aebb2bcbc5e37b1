/**
 * Exponential backoff: `baseMs` after the first failure, doubling with each further one, never above `capMs`.
 * The one backoff rule of the project: a failed poll's next check, a Slack retry, and a pause without a
 * Retry-After all use it, so they grow alike.
 */
export function backoffDelay(failures: number, baseMs: number, capMs: number): number {
  if (failures < 1) return 0;
  // 2^30 is far past any cap; a larger exponent would only overflow to Infinity.
  return Math.min(capMs, baseMs * 2 ** Math.min(failures - 1, 30));
}

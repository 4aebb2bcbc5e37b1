/**
 * Whether the schedule has fallen behind: the most overdue active invite waits longer than two poll intervals and
 * a sweep. A healthy monitor never gets there (an invite is due at most one interval after its last check, and
 * the sweep picks the most overdue first), so this means polling has stalled or the budget is far too small for
 * the invites tracked.
 */
export function scheduleIsBehind(oldestOverdueMs: number, pollIntervalMs: number, sweepIntervalMs: number): boolean {
  return oldestOverdueMs > 2 * pollIntervalMs + sweepIntervalMs;
}

export interface BurstInput {
  /** Confirming GETs the list found reason for: invites that dropped out of it, entries it showed unclear. */
  wanted: number;
  /** The monitor's share of Cloudflare's window, in requests (rate × window). */
  windowShare: number;
  /** Requests spent in the window that ends now, as far as the ledger knows. */
  spentInWindow: number;
  /** Requests that may be under way and not in the ledger yet (one per poll worker slot). */
  inFlight: number;
  /** False when the ledger keeps less than one whole window: it cannot tell what was spent, so nothing is borrowed. */
  ledgerCoversWindow: boolean;
  /** At most this many at once: the hold they cost must not keep the next lists waiting long. */
  maxBurst: number;
}

/** A poll may start between the reading of the ledger and the hold: it is counted in advance. */
const STARTING_MEANWHILE = 1;

/**
 * How many confirming GETs the list job sends at once, instead of leaving them to the sweep at one request per gap
 * (BENCHMARKS.md, row 7: 25 of them behind one list took 25 s more). They spend what the window has left: no window
 * that ends with the burst holds more than the share. The caller then holds the poll queue for as many gaps as the
 * burst cost, so no window that starts with it does either; that hold is bounded (maxBurst), so the lists go on.
 * The rest wait for the sweep, as before.
 */
export function confirmationBurst(input: BurstInput): number {
  if (!input.ledgerCoversWindow || input.wanted <= 0) return 0;
  const left = Math.floor(input.windowShare - input.spentInWindow - input.inFlight - STARTING_MEANWHILE);
  return Math.max(0, Math.min(input.wanted, left, input.maxBurst));
}

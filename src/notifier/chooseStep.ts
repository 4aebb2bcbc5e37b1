/** A candidate step, in the order the outbox prefers them (cards before replies, then oldest first). */
export interface PacedStep {
  pace: string;
}

export type StepChoice<T> =
  /** Go now. */
  | { kind: "now"; step: T }
  /** Every candidate's pace is closed; the soonest opens in `waitMs`. */
  | { kind: "wait"; waitMs: number }
  | { kind: "none" };

/**
 * Which step to send next: the first candidate whose pace is open now, so that a busy channel never holds up an
 * edit or another channel's post; else how long until the soonest pace opens. `closedForMs` says how long each
 * pace stays closed (0 or absent: open).
 */
export function chooseStep<T extends PacedStep>(candidates: readonly T[], closedForMs: ReadonlyMap<string, number>): StepChoice<T> {
  if (candidates.length === 0) return { kind: "none" };
  let soonest = Infinity;
  for (const step of candidates) {
    const closed = closedForMs.get(step.pace) ?? 0;
    if (closed <= 0) return { kind: "now", step };
    soonest = Math.min(soonest, closed);
  }
  return { kind: "wait", waitMs: soonest };
}

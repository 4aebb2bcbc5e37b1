/** The source of "now". Everything that depends on time takes one, so tests control time instead of sleeping. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** A clock that stands still until moved: for tests and simulations. */
export function makeManualClock(start: Date | string | number): Clock & { set(t: Date | string | number): void; advance(ms: number): void } {
  let now = new Date(start).getTime();
  const clock = (() => new Date(now)) as Clock & { set(t: Date | string | number): void; advance(ms: number): void };
  clock.set = (t) => { now = new Date(t).getTime(); };
  clock.advance = (ms) => { now += ms; };
  return clock;
}

import { InvalidArgumentError } from "commander";

/**
 * A commander argParser for a whole number from `min` to `max`, written in decimal digits only. Number() would
 * also take "0x1f", "1e3", " 8 " and "" (as 0); a typo must not become a different number. Throws commander's
 * InvalidArgumentError, so commander prints its usual "option '--limit <n>' argument 'x' is invalid." line.
 */
export function wholeNumber(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const n = /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(n >= min && n <= max)) throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    return n;
  };
}

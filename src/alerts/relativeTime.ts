const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "in 23 hours", "2 hours ago", "in 3 days", "just now". Rounded to the nearest unit. */
export function relativeTime(target: Date, now: Date): string {
  const diff = target.getTime() - now.getTime();
  const abs = Math.abs(diff);
  if (abs < MINUTE) return "just now";
  const [value, unit] =
    abs < HOUR ? [Math.round(abs / MINUTE), "minute"] : abs < 2 * DAY ? [Math.round(abs / HOUR), "hour"] : [Math.round(abs / DAY), "day"];
  const phrase = `${value} ${unit}${value === 1 ? "" : "s"}`;
  return diff > 0 ? `in ${phrase}` : `${phrase} ago`;
}

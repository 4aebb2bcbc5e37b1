const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "in 23 hours", "2 hours ago", "in 3 days", "in 40 seconds", "just now". Rounded to the nearest unit. */
export function relativeTime(target: Date, now: Date): string {
  const diff = target.getTime() - now.getTime();
  const abs = Math.abs(diff);
  // Decide the unit on the rounded value, so 59m40s reads "1 hour", not "60 minutes".
  const seconds = Math.round(abs / 1000);
  const minutes = Math.round(abs / MINUTE);
  const hours = Math.round(abs / HOUR);
  if (seconds === 0) return "just now";
  const [value, unit] =
    seconds < 60 ? [seconds, "second"] : minutes < 60 ? [minutes, "minute"] : hours < 48 ? [hours, "hour"] : [Math.round(abs / DAY), "day"];
  const phrase = `${value} ${unit}${value === 1 ? "" : "s"}`;
  return diff > 0 ? `in ${phrase}` : `${phrase} ago`;
}

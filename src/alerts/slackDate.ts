/** The largest date Slack's tokens and our "YYYY-MM-DD HH:MM UTC" text both spell right: 9999-12-31 23:59:59 UTC. */
const LAST_EPOCH_S = 253_402_300_799;

/** "2026-12-01 21:39 UTC": the fallback a Slack client shows when it cannot render a date token. */
export function utcText(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * A time as Slack's date token, `<!date^1796160000^{date_short_pretty} {time}|2026-12-01 21:20 UTC>`: each reader
 * sees it in their own time zone ("Today 21:20", "Tomorrow 09:00"), and the UTC text after `|` is the fallback for
 * clients that cannot render it. Slack reads the epoch as seconds since 1970, so a date before then (or past
 * year 9999) is written as the UTC text alone rather than as a token it would misread.
 */
export function slackDate(date: Date): string {
  const epoch = Math.floor(date.getTime() / 1000);
  if (!Number.isFinite(epoch)) return "-";
  const fallback = utcText(date);
  if (epoch < 0 || epoch > LAST_EPOCH_S) return fallback;
  return `<!date^${epoch}^{date_short_pretty} {time}|${fallback}>`;
}

/** Matches exactly the tokens slackDate writes: what a check for "no Slack syntax in our text" may allow. */
export const SLACK_DATE_TOKEN = /<!date\^\d{1,12}\^\{date_short_pretty\} \{time\}\|\d{4}-\d\d-\d\d \d\d:\d\d UTC>/g;

import { relativeTime } from "../../alerts/relativeTime.js";
import { html, type SafeHtml } from "./html.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "2026-12-04 12:00 UTC": minutes are enough to read a schedule. */
export function utcText(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "2026-12-04 12:00:05 UTC", for the moment a page was made. */
export function utcSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/**
 * The time left before an invite expires, at a glance: "6d 4h", "5h 12m", "12m", "under 1m"; once past,
 * "expired 2 hours ago". Truncated, never rounded up: "1h" left must not read as more than there is.
 */
export function countdown(expiresOn: Date, now: Date): string {
  const left = expiresOn.getTime() - now.getTime();
  if (left <= 0) return `expired ${relativeTime(expiresOn, now)}`;
  const days = Math.floor(left / DAY);
  const hours = Math.floor((left % DAY) / HOUR);
  const minutes = Math.floor((left % HOUR) / MINUTE);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  return minutes > 0 ? `${minutes}m` : "under 1m";
}

/** A time both ways: relative ("in 6 days") and absolute in UTC, machine-readable in `datetime`. */
export function when(date: Date | null, now: Date, empty = "–"): SafeHtml {
  if (!date) return html`<span class="none">${empty}</span>`;
  return html`<time datetime="${date.toISOString()}">${relativeTime(date, now)}</time> <span class="abs">${utcText(date)}</span>`;
}

/** The countdown to expiry with its absolute time; expired ones (and those within a day) are marked for CSS. */
export function expiry(expiresOn: Date | null, now: Date): SafeHtml {
  if (!expiresOn) return html`<span class="none">–</span>`;
  const left = expiresOn.getTime() - now.getTime();
  const urgency = left <= 0 ? "past" : left <= DAY ? "soon" : "later";
  return html`<time class="countdown ${urgency}" datetime="${expiresOn.toISOString()}">${countdown(expiresOn, now)}</time> <span class="abs">${utcText(expiresOn)}</span>`;
}

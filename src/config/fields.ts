import { z } from "zod";
import { parseDuration } from "../lib/duration.js";

// The zod builders behind loadConfig's schema. Each takes the variable's raw text (already known to be non-empty)
// and either returns the parsed value or adds one issue whose message names the allowed range; loadConfig puts the
// variable's name in front and, when it is safe to, the offending value behind.

/**
 * got and fetch arm a Node timer for their timeout, and Node clamps any delay above 2^31 - 1 ms (24.8 days) to 1 ms:
 * a month-long timeout would time out every request at once. Ten minutes is far beyond any sane HTTP call.
 */
export const TIMEOUT_MAX = "10m";
/**
 * Intervals and backoffs become dates (next_check_at), Redis expiries and BullMQ schedules rather than one long Node
 * timer, so a month is safe; the cap keeps a typo ("1000000000d", an invalid date) from parking every invite forever.
 */
export const INTERVAL_MAX = "30d";

/** The bounds in milliseconds; a bound that is not a duration is a mistake in the schema, caught at startup. */
function boundsOf(range: { min: string; max: string }): { min: number; max: number } {
  const min = parseDuration(range.min);
  const max = parseDuration(range.max);
  if (min === null || max === null || min > max) throw new Error(`bad duration range ${range.min}..${range.max}`);
  return { min, max };
}

function within(ms: number | null, bounds: { min: number; max: number }): ms is number {
  return ms !== null && ms >= bounds.min && ms <= bounds.max;
}

/** A duration from `min` to `max`, both written as people write them ("1s", "30d"): the message repeats them. */
export const duration = (defaultValue: string, range: { min: string; max: string }) => {
  const bounds = boundsOf(range);
  return z
    .string()
    .default(defaultValue)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (!within(ms, bounds)) {
        ctx.addIssue({ code: "custom", message: `expected a duration from ${range.min} to ${range.max}, such as ${JSON.stringify(defaultValue)}` });
        return z.NEVER;
      }
      return ms;
    });
};

/** How long to wait for one request, at least `min`, at most TIMEOUT_MAX. */
export const timeout = (defaultValue: string, min: string) => duration(defaultValue, { min, max: TIMEOUT_MAX });

/** An interval, pause or first backoff step, at least `min`, at most INTERVAL_MAX. */
export const interval = (defaultValue: string, min: string) => duration(defaultValue, { min, max: INTERVAL_MAX });

/** A comma-separated list of durations, each from `min` to `max`; returned longest first, without repeats. */
export const durationList = (defaultValue: string, range: { min: string; max: string }) => {
  const bounds = boundsOf(range);
  return z
    .string()
    .default(defaultValue)
    .transform((text, ctx) => {
      const values = text
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean)
        .map(parseDuration);
      if (values.length === 0 || !values.every((v) => within(v, bounds))) {
        ctx.addIssue({
          code: "custom",
          message: `expected a comma-separated list of durations, each from ${range.min} to ${range.max}, such as ${JSON.stringify(defaultValue)}`,
        });
        return z.NEVER;
      }
      return [...new Set(values as number[])].sort((a, b) => b - a);
    });
};

// Number() also reads "0x10", "1e1", "+4", "0b11" and " 4.0 ": none of those is how anyone means "sixteen" in a .env
// file, and accepting them hides a typo. Only plain decimal digits pass; fractions use the same digits as durations
// ("0.25"; not ".5" or "5.", which parseDuration refuses too).
const DECIMAL_INTEGER = /^\d+$/;
const DECIMAL_FRACTION = /^\d+(?:\.\d+)?$/;

/** A whole number from `min` to `max` in decimal digits; `noun` names it in the message ("port number"). */
export const integer = (defaultValue: string, range: { min: number; max: number; noun?: string }) =>
  z
    .string()
    .default(defaultValue)
    .transform((text, ctx) => {
      const trimmed = text.trim();
      const n = DECIMAL_INTEGER.test(trimmed) ? Number(trimmed) : NaN;
      if (!(n >= range.min && n <= range.max)) {
        ctx.addIssue({ code: "custom", message: `expected a ${range.noun ?? "whole number"} from ${range.min} to ${range.max}, such as ${defaultValue}` });
        return z.NEVER;
      }
      return n;
    });

/** A decimal fraction such as 0.25 that passes `check`; `form` says which ones do. */
export const fraction = (defaultValue: string, form: string, check: (n: number) => boolean) =>
  z
    .string()
    .default(defaultValue)
    .transform((text, ctx) => {
      const trimmed = text.trim();
      const n = DECIMAL_FRACTION.test(trimmed) ? Number(trimmed) : NaN;
      if (!Number.isFinite(n) || !check(n)) {
        ctx.addIssue({ code: "custom", message: `expected ${form}` });
        return z.NEVER;
      }
      return n;
    });

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** A URL with one of `protocols` ("redis:"). */
export const url = (defaultValue: string, protocols: string[]) =>
  z
    .string()
    .default(defaultValue)
    .refine((text) => protocols.includes(parseUrl(text)?.protocol ?? ""), {
      message: `expected a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`,
    });

/** An http(s) URL with a host, such as a Slack webhook. */
export function isHttpUrl(text: string): boolean {
  const parsed = parseUrl(text);
  return parsed !== null && (parsed.protocol === "https:" || parsed.protocol === "http:") && parsed.hostname !== "";
}

/**
 * An http(s) URL that paths are appended to. Credentials belong in their own variables, where they are known to be
 * secret and are never logged; a query or fragment would swallow the appended path.
 */
export const baseUrl = (defaultValue: string, credentialsHint: string) =>
  z
    .string()
    .default(defaultValue)
    .superRefine((text, ctx) => {
      const parsed = parseUrl(text);
      if (!parsed || !isHttpUrl(text)) {
        ctx.addIssue({ code: "custom", message: "expected a URL starting with https:// or http://" });
      } else if (parsed.username !== "" || parsed.password !== "") {
        ctx.addIssue({ code: "custom", message: `must not contain a user name or password: ${credentialsHint}` });
      } else if (/[?#]/.test(parsed.href)) {
        // href, not search/hash: those are "" for a bare trailing "?" or "#", which still breaks the appended path.
        ctx.addIssue({ code: "custom", message: "must not have a query string (?) or fragment (#): API paths are appended to it" });
      }
    });

/** An optional secret that must hold something besides white space when it is set. */
export const optionalSecret = z.string().trim().min(1, "must not be empty when set").optional();

/**
 * A secret that people choose rather than receive (the status page's token): long enough not to be guessed, and
 * long enough for the log redactor, which leaves strings under 4 characters alone.
 */
export const optionalChosenSecret = z
  .string()
  .trim()
  .min(1, { message: "must not be empty when set", abort: true })
  .min(16, "expected at least 16 characters, e.g. the output of: openssl rand -hex 32")
  .optional();

/** "on" or "off", as a boolean. */
export const onOff = (defaultValue: "on" | "off") =>
  z
    .enum(["on", "off"], { message: "expected on or off" })
    .default(defaultValue)
    .transform((value) => value === "on");

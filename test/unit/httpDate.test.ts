import { describe, expect, it } from "vitest";
import { parseHttpDate } from "../../src/lib/httpDate.js";

const NOW = new Date("2025-03-01T12:00:00.000Z");

describe("parseHttpDate", () => {
  it.each<{ name: string; text: string; now?: string; expected: string }>([
    // The three forms of RFC 9110 §5.6.7, all naming the same instant.
    { name: "IMF-fixdate", text: "Sun, 06 Nov 1994 08:49:37 GMT", expected: "1994-11-06T08:49:37.000Z" },
    { name: "RFC 850", text: "Sunday, 06-Nov-94 08:49:37 GMT", expected: "1994-11-06T08:49:37.000Z" },
    { name: "asctime, space-padded day", text: "Sun Nov  6 08:49:37 1994", expected: "1994-11-06T08:49:37.000Z" },
    { name: "asctime, two-digit day", text: "Sun Nov 06 08:49:37 1994", expected: "1994-11-06T08:49:37.000Z" },
    { name: "asctime, day 16", text: "Wed Nov 16 08:49:37 1994", expected: "1994-11-16T08:49:37.000Z" },
    { name: "a leap day", text: "Thu, 29 Feb 2024 00:00:00 GMT", expected: "2024-02-29T00:00:00.000Z" },
    { name: "a leap day in a year divisible by 400", text: "Tue, 29 Feb 2000 23:59:59 GMT", expected: "2000-02-29T23:59:59.000Z" },
    { name: "a leap second", text: "Wed, 31 Dec 2025 23:59:60 GMT", expected: "2026-01-01T00:00:00.000Z" },
    { name: "a year before 100", text: "Sat, 01 Jan 0050 00:00:00 GMT", expected: "0050-01-01T00:00:00.000Z" },
    // Two-digit years: the latest year with those digits not more than 50 years after now (2025-03-01T12:00:00Z).
    { name: "this year", text: "Saturday, 01-Mar-25 12:00:45 GMT", expected: "2025-03-01T12:00:45.000Z" },
    { name: "exactly 50 years ahead stays ahead", text: "Friday, 01-Mar-75 12:00:00 GMT", expected: "2075-03-01T12:00:00.000Z" },
    { name: "a day less than 50 years ahead", text: "Thursday, 28-Feb-75 12:00:00 GMT", expected: "2075-02-28T12:00:00.000Z" },
    { name: "a second more than 50 years ahead is the past", text: "Saturday, 01-Mar-75 12:00:01 GMT", expected: "1975-03-01T12:00:01.000Z" },
    { name: "51 years ahead is the past", text: "Thursday, 01-Jan-76 00:00:00 GMT", expected: "1976-01-01T00:00:00.000Z" },
    { name: "00 in 2025 is 2000", text: "Tuesday, 29-Feb-00 00:00:00 GMT", expected: "2000-02-29T00:00:00.000Z" },
    { name: "near a century's end, 01 is next century", text: "Saturday, 01-Jan-01 00:00:00 GMT", now: "2099-06-01T00:00:00Z", expected: "2101-01-01T00:00:00.000Z" },
    { name: "after a century's start, 69 is still ahead", text: "Tuesday, 31-Dec-69 23:59:59 GMT", now: "2020-01-01T00:00:00Z", expected: "2069-12-31T23:59:59.000Z" },
    { name: "after a century's start, 71 is last century", text: "Friday, 31-Dec-71 23:59:59 GMT", now: "2020-01-01T00:00:00Z", expected: "1971-12-31T23:59:59.000Z" },
  ])("$name: $text -> $expected", ({ text, now, expected }) => {
    expect(parseHttpDate(text, now ? new Date(now) : NOW)?.toISOString()).toBe(expected);
  });

  it.each<{ name: string; text: string; now?: string }>([
    { name: "empty", text: "" },
    { name: "30 February", text: "Sun, 30 Feb 2025 12:00:00 GMT" },
    { name: "29 February in a common year", text: "Sat, 29 Feb 2025 12:00:00 GMT" },
    { name: "29 February 1900", text: "Thu, 29 Feb 1900 12:00:00 GMT" },
    { name: "31 April", text: "Thu, 31 Apr 2025 12:00:00 GMT" },
    { name: "day 00", text: "Sat, 00 Mar 2025 12:00:00 GMT" },
    { name: "day 32", text: "Sat, 32 Mar 2025 12:00:00 GMT" },
    { name: "hour 25", text: "Sat, 01 Mar 2025 25:00:00 GMT" },
    { name: "hour 24", text: "Sat, 01 Mar 2025 24:00:00 GMT" },
    { name: "minute 60", text: "Sat, 01 Mar 2025 12:60:00 GMT" },
    { name: "second 61", text: "Sat, 01 Mar 2025 12:00:61 GMT" },
    { name: "a day name that disagrees with the date", text: "Mon, 06 Nov 1994 08:49:37 GMT" },
    { name: "RFC 850 in a century its day name does not fit", text: "Friday, 01-Mar-75 12:00:01 GMT" },
    { name: "RFC 850, 29 February of a year that has none", text: "Tuesday, 29-Feb-00 00:00:00 GMT", now: "2060-01-01T00:00:00Z" },
    { name: "lower case", text: "sun, 06 nov 1994 08:49:37 gmt" },
    { name: "another zone", text: "Sun, 06 Nov 1994 08:49:37 UTC" },
    { name: "a numeric offset", text: "Sun, 06 Nov 1994 08:49:37 +0000" },
    { name: "IMF-fixdate with a one-digit day", text: "Sun, 6 Nov 1994 08:49:37 GMT" },
    { name: "IMF-fixdate with a two-digit year", text: "Sun, 06 Nov 94 08:49:37 GMT" },
    { name: "IMF-fixdate with a long day name", text: "Sunday, 06 Nov 1994 08:49:37 GMT" },
    { name: "RFC 850 with a short day name", text: "Sun, 06-Nov-94 08:49:37 GMT" },
    { name: "RFC 850 with a four-digit year", text: "Sunday, 06-Nov-1994 08:49:37 GMT" },
    { name: "asctime with a zone", text: "Sun Nov  6 08:49:37 1994 GMT" },
    { name: "asctime with a one-digit day and one space", text: "Sun Nov 6 08:49:37 1994" },
    { name: "a one-digit hour", text: "Sun, 06 Nov 1994 8:49:37 GMT" },
    { name: "leading whitespace", text: " Sun, 06 Nov 1994 08:49:37 GMT" },
    { name: "a doubled space", text: "Sun,  06 Nov 1994 08:49:37 GMT" },
    { name: "ISO 8601", text: "1994-11-06T08:49:37Z" },
    { name: "junk Date.parse accepts", text: "foo 2030" },
  ])("$name: $text -> null", ({ text, now }) => {
    expect(parseHttpDate(text, now ? new Date(now) : NOW)).toBeNull();
  });
});

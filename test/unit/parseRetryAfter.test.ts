import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "../../src/lib/parseRetryAfter.js";

const NOW = new Date("2025-03-01T12:00:00.000Z");

describe("parseRetryAfter", () => {
  it.each<{ header: string | string[]; expected: number }>([
    { header: "0", expected: 0 },
    { header: "30", expected: 30_000 },
    { header: " 120 ", expected: 120_000 },
    { header: "1.5", expected: 1_500 },
    { header: ["5", "60"], expected: 5_000 },
    { header: "99999999", expected: 3_600_000 },
    // IMF-fixdate
    { header: "Sat, 01 Mar 2025 12:00:45 GMT", expected: 45_000 },
    { header: "Sat, 01 Mar 2025 13:00:00 GMT", expected: 3_600_000 },
    { header: "Sat, 01 Mar 2025 11:59:00 GMT", expected: 0 },
    { header: "Sat, 01 Mar 2031 11:59:00 GMT", expected: 3_600_000 },
    // The obsolete RFC 850 form, two-digit year
    { header: "Saturday, 01-Mar-25 12:00:45 GMT", expected: 45_000 },
    { header: "Saturday, 01-Mar-25 12:30:00 GMT", expected: 1_800_000 },
    { header: "Sunday, 06-Nov-94 08:49:37 GMT", expected: 0 },
    // asctime, no zone: UTC
    { header: "Sat Mar  1 12:00:45 2025", expected: 45_000 },
    { header: "Sat Mar 01 12:10:00 2025", expected: 600_000 },
    { header: "Sun Nov  6 08:49:37 1994", expected: 0 },
  ])("$header -> $expected ms", ({ header, expected }) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });

  it.each<{ name: string; header: string | string[] | undefined }>([
    { name: "absent", header: undefined },
    { name: "empty", header: "" },
    { name: "blank", header: "   " },
    { name: "a word", header: "soon" },
    { name: "number with junk", header: "30s" },
    { name: "a negative number", header: "-5" },
    { name: "junk that Date.parse would accept", header: "foo 2030" },
    { name: "a word and a number", header: "abc 1" },
    { name: "an ISO 8601 date", header: "2025-03-01T12:00:45Z" },
    { name: "30 February", header: "Sun, 30 Feb 2025 12:00:00 GMT" },
    { name: "hour 25", header: "Sat, 01 Mar 2025 25:00:00 GMT" },
  ])("$name -> null", ({ header }) => {
    expect(parseRetryAfter(header, NOW)).toBeNull();
  });
});

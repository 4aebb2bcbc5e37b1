import { describe, expect, it } from "vitest";
import { SLACK_DATE_TOKEN, slackDate } from "../../src/alerts/slackDate.js";

describe("slackDate", () => {
  it.each([
    { iso: "2026-12-01T21:20:00.000Z", expected: "<!date^1796160000^{date_short_pretty} {time}|2026-12-01 21:20 UTC>" },
    // Seconds are dropped from the fallback, not from the epoch: each reader's clock shows the real minute.
    { iso: "2026-12-01T21:39:59.999Z", expected: "<!date^1796161199^{date_short_pretty} {time}|2026-12-01 21:39 UTC>" },
    { iso: "1970-01-01T00:00:00.000Z", expected: "<!date^0^{date_short_pretty} {time}|1970-01-01 00:00 UTC>" },
    { iso: "1969-12-31T23:59:59.000Z", expected: "1969-12-31 23:59 UTC" },
    { iso: "9999-12-31T23:59:59.000Z", expected: "<!date^253402300799^{date_short_pretty} {time}|9999-12-31 23:59 UTC>" },
  ])("$iso -> $expected", ({ iso, expected }) => {
    expect(slackDate(new Date(iso))).toBe(expected);
  });

  it("writes '-' for an invalid date rather than 'NaN'", () => {
    expect(slackDate(new Date("not a date"))).toBe("-");
  });

  it("SLACK_DATE_TOKEN matches exactly what slackDate writes", () => {
    const text = `a ${slackDate(new Date("2026-12-01T21:20:00Z"))} b <!date^1^{date_short_pretty} {time}|<!channel>> c`;
    expect(text.match(SLACK_DATE_TOKEN)).toEqual(["<!date^1796160000^{date_short_pretty} {time}|2026-12-01 21:20 UTC>"]);
  });
});

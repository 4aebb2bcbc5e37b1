import { describe, expect, it } from "vitest";
import { alertsForNextMessage } from "../../src/alerts/digestRule.js";

const rule = { digestThreshold: 5, maxDigest: 300, backlogAfterMs: 500 };

describe("alertsForNextMessage", () => {
  it.each([
    { name: "nothing ready", ready: 0, waited: 0, expected: 0 },
    { name: "one fresh alert", ready: 1, waited: 0, expected: 1 },
    { name: "one alert that waited long", ready: 1, waited: 60_000, expected: 1 },
    { name: "a few fresh alerts: the oldest alone", ready: 3, waited: 499, expected: 1 },
    { name: "a few alerts, the oldest waited half an interval: one digest", ready: 3, waited: 500, expected: 300 },
    { name: "at the threshold, fresh: one by one", ready: 5, waited: 0, expected: 1 },
    { name: "over the threshold: one digest", ready: 6, waited: 0, expected: 300 },
  ])("$name", ({ ready, waited, expected }) => {
    expect(alertsForNextMessage(ready, waited, rule)).toBe(expected);
  });
});

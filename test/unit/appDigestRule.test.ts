import { describe, expect, it } from "vitest";
import { channelForDigest, type FreshInChannel } from "../../src/alerts/appDigestRule.js";

describe("channelForDigest (Slack app mode)", () => {
  it.each<{ name: string; channels: FreshInChannel[]; threshold: number; expected: string | null }>([
    { name: "nothing fresh", channels: [], threshold: 5, expected: null },
    { name: "a short queue is not digested: each alert gets its own reply anyway", channels: [{ channel: "C1", fresh: 5 }], threshold: 5, expected: null },
    { name: "a burst above the threshold", channels: [{ channel: "C1", fresh: 6 }], threshold: 5, expected: "C1" },
    { name: "the busiest channel first", channels: [{ channel: "C1", fresh: 7 }, { channel: "C2", fresh: 30 }], threshold: 5, expected: "C2" },
    { name: "a burst in one channel only", channels: [{ channel: "C1", fresh: 2 }, { channel: "C2", fresh: 9 }], threshold: 5, expected: "C2" },
    { name: "threshold 1", channels: [{ channel: "C1", fresh: 2 }], threshold: 1, expected: "C1" },
  ])("$name", ({ channels, threshold, expected }) => {
    expect(channelForDigest(channels, threshold)).toBe(expected);
  });
});

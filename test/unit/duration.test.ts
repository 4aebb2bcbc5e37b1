import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "../../src/lib/duration.js";

describe("parseDuration", () => {
  it.each([
    { text: "900", expected: 900_000 },
    { text: "0", expected: 0 },
    { text: "30s", expected: 30_000 },
    { text: "15m", expected: 900_000 },
    { text: "72h", expected: 259_200_000 },
    { text: "1d", expected: 86_400_000 },
    { text: "250ms", expected: 250 },
    { text: "1.5s", expected: 1_500 },
    { text: "0.5m", expected: 30_000 },
    { text: "1.0005s", expected: 1_001 },
    { text: " 15m ", expected: 900_000 },
    { text: "15 m", expected: 900_000 },
    { text: "15M", expected: 900_000 },
    { text: "2H", expected: 7_200_000 },
    { text: "100MS", expected: 100 },
  ])("$text -> $expected ms", ({ text, expected }) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it.each(["", "   ", "abc", "m", "15x", "15 minutes", "-5s", "1e3", "1,5s", ".5s", "5.s", "15m30s", "Infinity", "NaN"])(
    "%j is malformed -> null",
    (text) => {
      expect(parseDuration(text)).toBeNull();
    },
  );
});

describe("parseDuration: never a number that is not an exact whole number of milliseconds", () => {
  const MAX = Number.MAX_SAFE_INTEGER;

  it.each([
    { text: `${MAX}ms`, expected: MAX },
    // 104249991 days is the most whole days below MAX_SAFE_INTEGER ms.
    { text: "104249991d", expected: 104_249_991 * 86_400_000 },
    { text: "0.0000001s", expected: 0 },
  ])("$text -> $expected ms, the edge of the safe range", ({ text, expected }) => {
    expect(parseDuration(text)).toBe(expected);
  });

  // Each used to come back as Infinity or as an integer too large to add or compare exactly.
  it.each([
    { name: "99999999999999999999d", text: "99999999999999999999d" },
    { name: "104249992d", text: "104249992d" },
    { name: "MAX_SAFE_INTEGER + 1 ms", text: `${MAX + 1}ms` },
    { name: "9007199254740993ms", text: "9007199254740993ms" },
    { name: "400 nines (seconds)", text: "9".repeat(400) },
    { name: "400 nines and a fraction, in ms", text: `${"9".repeat(400)}.5ms` },
    { name: "1e308 seconds written out", text: `1${"0".repeat(308)}s` },
  ])("$name -> null", ({ text }) => {
    expect(parseDuration(text)).toBeNull();
  });

  it.each(["1e400", "1e3d", "Infinity", "-Infinity", "NaN", "0x10s", "+5s", "-0"])("%s is not a decimal duration -> null", (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});

describe("formatDuration", () => {
  it.each([
    // The doc comment's own example (259200000 -> "72h") disagrees with "largest unit" (-> "3d"): not pinned here.
    { ms: 3_600_000, expected: "1h" },
    { ms: 90_000_000, expected: "25h" },
    { ms: 900_000, expected: "15m" },
    { ms: 90_000, expected: "90s" },
    { ms: 30_000, expected: "30s" },
    { ms: 1_500, expected: "1500ms" },
    { ms: 250, expected: "250ms" },
    { ms: 0, expected: "0ms" },
  ])("$ms ms -> $expected", ({ ms, expected }) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it.each(["15m", "72h", "24h", "1d", "7d", "30s", "250ms", "90s", "25h"])("round-trips %s through milliseconds", (text) => {
    const ms = parseDuration(text);
    expect(ms).not.toBeNull();
    expect(parseDuration(formatDuration(ms as number))).toBe(ms);
  });
});

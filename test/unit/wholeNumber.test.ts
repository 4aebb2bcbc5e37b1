import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { wholeNumber } from "../../src/cli/wholeNumber.js";

describe("wholeNumber", () => {
  it.each([
    { raw: "1", expected: 1 },
    { raw: "50", expected: 50 },
    { raw: "0065535", expected: 65535 },
    { raw: "0", expected: null },
    { raw: "65536", expected: null },
    { raw: "", expected: null },
    { raw: " 8", expected: null },
    { raw: "8 ", expected: null },
    { raw: "1e3", expected: null },
    { raw: "0x1f", expected: null },
    { raw: "0b1", expected: null },
    { raw: "1.0", expected: null },
    { raw: "1.5", expected: null },
    { raw: "+5", expected: null },
    { raw: "-5", expected: null },
    { raw: "5abc", expected: null },
    { raw: "Infinity", expected: null },
    { raw: "٣", expected: null },
    { raw: "99999999999999999999", expected: null },
  ])("wholeNumber(1, 65535)($raw) -> $expected", ({ raw, expected }) => {
    const parse = wholeNumber(1, 65535);
    if (expected === null) expect(() => parse(raw)).toThrow(InvalidArgumentError);
    else expect(parse(raw)).toBe(expected);
  });

  it("says which range it expects", () => {
    expect(() => wholeNumber(0, 10)("11")).toThrow("Expected a whole number from 0 to 10.");
  });
});

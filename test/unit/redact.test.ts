import { describe, expect, it } from "vitest";
import { makeRedactor } from "../../src/lib/redact.js";

const TOKEN = "Zx9-ab12CD34ef56GH78ij90";

describe("makeRedactor", () => {
  it.each([
    { name: "one occurrence", secrets: [TOKEN], text: `Bearer ${TOKEN}`, expected: "Bearer [redacted]" },
    { name: "every occurrence", secrets: [TOKEN], text: `${TOKEN} and ${TOKEN}${TOKEN}!`, expected: "[redacted] and [redacted][redacted]!" },
    { name: "a secret inside another never mangles the mask", secrets: ["longsecret", "dact"], text: "x longsecret y dact", expected: "x [redacted] y [redacted]" },
    { name: "overlapping secrets are masked as one span", secrets: ["abcdef", "defghi"], text: "abcdefghi!", expected: "[redacted]!" },
    { name: "several secrets", secrets: ["hunter22", TOKEN], text: `pw=hunter22 token=${TOKEN}`, expected: "pw=[redacted] token=[redacted]" },
    { name: "inside JSON", secrets: [TOKEN], text: JSON.stringify({ headers: { authorization: `Bearer ${TOKEN}` } }), expected: '{"headers":{"authorization":"Bearer [redacted]"}}' },
    { name: "regex metacharacters are literal", secrets: ["a.b*c+d?"], text: "a.b*c+d? axbbbcd", expected: "[redacted] axbbbcd" },
    { name: "4 characters is enough", secrets: ["abcd"], text: "xabcdx", expected: "x[redacted]x" },
    { name: "shorter than 4 is ignored", secrets: ["abc"], text: "abc abcabc", expected: "abc abcabc" },
    { name: "short ignored, long masked", secrets: ["ab", TOKEN], text: `ab ${TOKEN}`, expected: "ab [redacted]" },
    { name: "empty, null and undefined ignored", secrets: ["", null, undefined], text: "nothing to hide", expected: "nothing to hide" },
    { name: "no secrets", secrets: [], text: "plain text", expected: "plain text" },
    { name: "text without the secret", secrets: [TOKEN], text: "nothing here", expected: "nothing here" },
    { name: "case-sensitive", secrets: ["Secret42"], text: "secret42", expected: "secret42" },
    { name: "duplicates are harmless", secrets: [TOKEN, TOKEN], text: TOKEN, expected: "[redacted]" },
  ])("$name", ({ secrets, text, expected }) => {
    expect(makeRedactor(secrets)(text)).toBe(expected);
  });

  it.each([
    { order: "short first", secrets: ["abcd", "abcdefgh"] },
    { order: "long first", secrets: ["abcdefgh", "abcd"] },
  ])("a secret containing another is masked whole ($order)", ({ secrets }) => {
    expect(makeRedactor(secrets)("x abcdefgh y abcd z")).toBe("x [redacted] y [redacted] z");
  });

  it("a URL-encoded and a decoded password are both masked, leaving no fragment", () => {
    const redact = makeRedactor(["p@ss:w0rd", "p%40ss%3Aw0rd"]);
    const out = redact("postgresql://u:p%40ss%3Aw0rd@db/x failed for p@ss:w0rd");
    expect(out).toBe("postgresql://u:[redacted]@db/x failed for [redacted]");
    expect(out).not.toMatch(/w0rd/);
  });

  it("the same redactor can be reused", () => {
    const redact = makeRedactor([TOKEN]);
    expect(redact(TOKEN)).toBe("[redacted]");
    expect(redact(`again ${TOKEN}`)).toBe("again [redacted]");
  });
});

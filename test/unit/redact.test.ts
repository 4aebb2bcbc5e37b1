import { describe, expect, it } from "vitest";
import { makeDeepRedactor, makeRedactor } from "../../src/lib/redact.js";

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

describe("makeDeepRedactor", () => {
  const redact = makeDeepRedactor([TOKEN]);

  it.each([
    { name: "a string", value: `Bearer ${TOKEN}`, expected: "Bearer [redacted]" },
    { name: "a nested field", value: { a: { b: { c: `x${TOKEN}` } }, n: 1 }, expected: { a: { b: { c: "x[redacted]" } }, n: 1 } },
    { name: "array items", value: [1, [`${TOKEN}`, "plain"], null], expected: [1, ["[redacted]", "plain"], null] },
    { name: "an object key", value: { [TOKEN]: true, other: 2 }, expected: { "[redacted]": true, other: 2 } },
    { name: "what toJSON() returns", value: { url: new URL(`https://hooks.example/${TOKEN}`) }, expected: { url: "https://hooks.example/[redacted]" } },
    { name: "non-strings untouched", value: { n: 42, b: true, u: undefined, z: null }, expected: { n: 42, b: true, u: undefined, z: null } },
  ])("$name", ({ value, expected }) => {
    expect(redact(value)).toEqual(expected);
  });

  it("keeps the key order of a redacted object", () => {
    expect(Object.keys(redact({ first: 1, second: TOKEN, third: 3 }))).toEqual(["first", "second", "third"]);
  });

  it("returns what holds no secret as the same reference, and never changes its input", () => {
    const clean = { a: [1, "two", { three: new Date(0) }], b: "nothing" };
    expect(redact(clean)).toBe(clean);
    const dirty = { keep: { x: 1 }, leak: [TOKEN] };
    const out = redact(dirty);
    expect(out).not.toBe(dirty);
    expect(out.keep).toBe(dirty.keep);
    expect(dirty.leak[0]).toBe(TOKEN);
  });

  it("masks an Error's message, stack, cause and fields in a copy of the same class", () => {
    class ApiError extends Error {
      code = "E_AUTH";
      detail = { header: `Bearer ${TOKEN}` };
    }
    const error = new ApiError(`rejected ${TOKEN}`, { cause: new Error(`inner ${TOKEN}`) });
    const out = redact(error);
    expect(out).toBeInstanceOf(ApiError);
    expect(out.name).toBe("Error");
    expect(out.message).toBe("rejected [redacted]");
    expect(out.stack).toMatch(/^Error: rejected \[redacted\]\n\s+at /);
    expect((out.cause as Error).message).toBe("inner [redacted]");
    expect(out.code).toBe("E_AUTH");
    expect(out.detail.header).toBe("Bearer [redacted]");
    expect(Object.keys(out)).toEqual(Object.keys(error));
    expect(error.message).toBe(`rejected ${TOKEN}`);
  });

  it("an Error without a secret is not copied", () => {
    const error = new Error("plain");
    expect(redact({ error }).error).toBe(error);
  });

  it("survives cycles and keys named __proto__", () => {
    const cyclic: Record<string, unknown> = { secret: TOKEN };
    cyclic.self = cyclic;
    const out = redact(cyclic);
    expect(out.secret).toBe("[redacted]");
    expect(out.self).toBe(cyclic);
    const parsed = JSON.parse(`{"__proto__": "${TOKEN}"}`) as Record<string, unknown>;
    expect(JSON.stringify(redact(parsed))).toBe('{"__proto__":"[redacted]"}');
  });

  it("a getter or toJSON() that throws becomes a placeholder, and the secrets beside it are still masked", () => {
    const value = {
      token: TOKEN,
      get broken(): string {
        throw new Error("getter failed");
      },
      nested: { when: { toJSON: () => { throw new Error("toJSON failed"); } }, also: TOKEN },
    };
    expect(redact(value)).toEqual({ token: "[redacted]", broken: "[unreadable]", nested: { when: "[unreadable]", also: "[redacted]" } });
  });

  it("an Error's getter is read once, and its redacted value kept", () => {
    let reads = 0;
    const error = new Error("plain");
    Object.defineProperty(error, "url", { enumerable: true, get: () => (reads++, `https://x/${TOKEN}`) });
    const out = redact(error) as Error & { url: string };
    expect(reads).toBe(1);
    expect(out.url).toBe("https://x/[redacted]");
    expect(out.message).toBe("plain");
  });

  it("keeps the string redactor's guarantees inside values", () => {
    const out = makeDeepRedactor(["abcdef", "defghi", "abc"])({ overlap: "abcdefghi!", short: "abc" });
    expect(out).toEqual({ overlap: "[redacted]!", short: "abc" });
  });
});

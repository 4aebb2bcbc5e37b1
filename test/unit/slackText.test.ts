import { describe, expect, it } from "vitest";
import { LIMITS, escapeMrkdwn, listWithin, truncate } from "../../src/alerts/slackText.js";

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("LIMITS", () => {
  it("matches Slack's Block Kit limits", () => {
    expect(LIMITS).toEqual({ blocks: 50, sectionText: 3000, fieldText: 2000, fields: 10, header: 150 });
  });
});

describe("escapeMrkdwn", () => {
  it.each([
    { input: "a<b>&c@example.com", expected: "a&lt;b&gt;&amp;c@example.com" },
    { input: "<!channel>", expected: "&lt;!channel&gt;" },
    { input: "<https://evil.example|click>", expected: "&lt;https://evil.example|click&gt;" },
    { input: "&amp;", expected: "&amp;amp;" },
    { input: "&&<<>>", expected: "&amp;&amp;&lt;&lt;&gt;&gt;" },
    { input: "", expected: "" },
    { input: "plain text", expected: "plain text" },
    { input: "*bold* _it_ ~s~ `code`", expected: "*bold* _it_ ~s~ `code`" },
    { input: "Zoë Ångström 日本語 🚀👩‍💻", expected: "Zoë Ångström 日本語 🚀👩‍💻" },
  ])("$input -> $expected", ({ input, expected }) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });
});

describe("truncate", () => {
  it.each([
    { text: "", max: 0, expected: "" },
    { text: "abc", max: 3, expected: "abc" },
    { text: "abc", max: 10, expected: "abc" },
    { text: "abcd", max: 3, expected: "ab…" },
    { text: "abcdef", max: 1, expected: "…" },
    { text: "Zoë Ångström", max: 6, expected: "Zoë Å…" },
    { text: "日本語テキスト", max: 4, expected: "日本語…" },
    // "😀" is two UTF-16 units: the cut never keeps half of it.
    { text: "ab😀cd", max: 4, expected: "ab…" },
    { text: "ab😀cd", max: 5, expected: "ab😀…" },
    { text: "a😀", max: 3, expected: "a😀" },
  ])("($text, $max) -> $expected", ({ text, max, expected }) => {
    expect(truncate(text, max)).toBe(expected);
  });

  it.each([1, 2, 3, 5, 8, 13, 21, 150])("emoji-only text cut at %i stays within the limit and well-formed", (max) => {
    const text = "🚀👩‍💻😀".repeat(40);
    const cut = truncate(text, max);
    expect(cut.length).toBeLessThanOrEqual(max);
    expect(cut).not.toMatch(LONE_SURROGATE);
    expect(cut.endsWith("…")).toBe(true);
  });
});

describe("listWithin", () => {
  const roles40 = Array.from({ length: 40 }, (_, i) => `Role number ${i + 1}`);

  it.each([
    { items: [], max: 300, expected: "none" },
    { items: ["Administrator"], max: 300, expected: "Administrator" },
    { items: ["a", "b", "c"], max: 300, expected: "a, b, c" },
    { items: ["aaaa", "bbbb", "cccc"], max: 21, expected: "aaaa, bbbb, cccc" },
    { items: ["aaaa", "bbbb", "cccc"], max: 15, expected: "aaaa and 2 more" },
    { items: ["aaaa", "bbbb", "cccc", "dddd"], max: 21, expected: "aaaa, bbbb and 2 more" },
    { items: ["aaaa", "bbbb", "cccc"], max: 14, expected: "3 roles" },
    { items: ["Zoë", "日本語", "🚀"], max: 300, expected: "Zoë, 日本語, 🚀" },
  ])("($items, $max) -> $expected", ({ items, max, expected }) => {
    expect(listWithin(items, max)).toBe(expected);
  });

  it("40 roles within 300 characters: a prefix of the roles, then 'and N more' accounting for the rest", () => {
    const text = listWithin(roles40, 300);
    expect(text.length).toBeLessThanOrEqual(300);
    const match = /^(.*) and (\d+) more$/.exec(text);
    expect(match).not.toBeNull();
    const shown = match![1]!.split(", ");
    expect(shown).toEqual(roles40.slice(0, shown.length));
    expect(shown.length + Number(match![2])).toBe(40);
    // As many as fit: one more role would not have fitted.
    const oneMore = `${roles40.slice(0, shown.length + 1).join(", ")} and ${40 - shown.length - 1} more`;
    expect(oneMore.length).toBeGreaterThan(300);
  });

  it.each([5, 20, 50, 100, 300])("stays within %i characters for 40 roles", (max) => {
    expect(listWithin(roles40, max).length).toBeLessThanOrEqual(max);
  });

  it("a single item longer than the limit is summarised, not cut mid-word", () => {
    const text = listWithin(["x".repeat(400)], 300);
    expect(text.length).toBeLessThanOrEqual(300);
    expect(text).not.toContain("x");
  });
});

describe("fixes found by review", () => {
  it.each([
    { items: ["Administrator", "DNS"], max: 20, expected: "Administrator, DNS" },
    { items: ["aaaa", "bbbb", "cccc"], max: 20, expected: "aaaa, bbbb, cccc" },
    { items: ["x".repeat(400)], max: 300, expected: "1 role" },
  ])("listWithin($items, $max) -> $expected", ({ items, max, expected }) => {
    expect(listWithin(items, max)).toBe(expected);
  });

  it("never leaves half an escaped entity at a cut", () => {
    expect(truncate("&amp;".repeat(10), 8)).toBe("&amp;…");
  });
});

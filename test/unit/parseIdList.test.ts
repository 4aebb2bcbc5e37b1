import { describe, expect, it } from "vitest";
import { INVITE_ID_FORM, isInviteId, normalizeInviteId } from "../../src/invites/inviteId.js";
import { labelProblem, MAX_LINE_BYTES, MAX_PROBLEMS_KEPT, mergeIdLists, parseIdArguments, parseIdLines, parseSlackChannel } from "../../src/invites/parseIdList.js";

const A = "4f5f0c14a2a41d5063dd301b2f829f04";
const B = "0123456789abcdef0123456789abcdef";
const C = "ffffffffffffffffffffffffffffffff";

describe("normalizeInviteId / isInviteId", () => {
  it.each([
    { raw: A, expected: A },
    { raw: A.toUpperCase(), expected: A },
    { raw: `  ${B}\t`, expected: B },
    { raw: `\uFEFF${A}`, expected: A },
    { raw: A.slice(1), expected: null },
    { raw: `${A}0`, expected: null },
    { raw: `${A.slice(1)}g`, expected: null },
    { raw: "4f5f0c14-a2a4-1d50-63dd-301b2f829f04", expected: null },
    { raw: "", expected: null },
    { raw: `${A.slice(0, 16)} ${A.slice(16)}`, expected: null },
  ])("normalizeInviteId($raw) -> $expected", ({ raw, expected }) => {
    expect(normalizeInviteId(raw)).toBe(expected);
  });

  it.each([
    { text: A, expected: true },
    { text: A.toUpperCase(), expected: false },
    { text: ` ${A}`, expected: false },
  ])("isInviteId($text) -> $expected (only the normalized form)", ({ text, expected }) => {
    expect(isInviteId(text)).toBe(expected);
  });
});

describe("parseIdLines", () => {
  it.each([
    { name: "one id per line", text: `${A}\n${B}\n`, expected: [{ id: A, label: null, source: "ids.txt line 1" }, { id: B, label: null, source: "ids.txt line 2" }] },
    { name: "uppercase is lower-cased", text: A.toUpperCase(), expected: [{ id: A, label: null, source: "ids.txt line 1" }] },
    { name: "label after whitespace", text: `${A}   Alice (finance)`, expected: [{ id: A, label: "Alice (finance)", source: "ids.txt line 1" }] },
    { name: "label after a tab", text: `${A}\tBob`, expected: [{ id: A, label: "Bob", source: "ids.txt line 1" }] },
    { name: "indented id", text: `   ${A}`, expected: [{ id: A, label: null, source: "ids.txt line 1" }] },
    { name: "comment line and blank lines", text: `# my invites\n\n   \n${A}\n`, expected: [{ id: A, label: null, source: "ids.txt line 4" }] },
    { name: "trailing comment", text: `${A} Carol # sent on Monday`, expected: [{ id: A, label: "Carol", source: "ids.txt line 1" }] },
    { name: "comment right after the id", text: `${A}#note`, expected: [{ id: A, label: null, source: "ids.txt line 1" }] },
    { name: "CRLF line endings", text: `${A} Alice\r\n${B}\r\n`, expected: [{ id: A, label: "Alice", source: "ids.txt line 1" }, { id: B, label: null, source: "ids.txt line 2" }] },
    { name: "old Mac line endings (lone CR)", text: `${A}\r${B}`, expected: [{ id: A, label: null, source: "ids.txt line 1" }, { id: B, label: null, source: "ids.txt line 2" }] },
    { name: "byte-order mark", text: `\uFEFF${A}\n${B}`, expected: [{ id: A, label: null, source: "ids.txt line 1" }, { id: B, label: null, source: "ids.txt line 2" }] },
    { name: "empty file", text: "", expected: [] },
  ])("$name", ({ text, expected }) => {
    expect(parseIdLines(text, "ids.txt")).toEqual({ entries: expected, problems: [], problemCount: 0 });
  });

  it("duplicates collapse to the first occurrence, keeping the last label given", () => {
    const list = parseIdLines(`${A} first\n${B}\n${A.toUpperCase()}\n${A} last\n`, "ids.txt");
    expect(list.problems).toEqual([]);
    expect(list.entries).toEqual([
      { id: A, label: "last", source: "ids.txt line 1" },
      { id: B, label: null, source: "ids.txt line 2" },
    ]);
  });

  it("reports every invalid line with its number and the expected form", () => {
    const list = parseIdLines(`${A}\nnot-an-id\n\n${B.slice(2)} label\n${C}\n`, "ids.txt");
    expect(list.entries.map((e) => e.id)).toEqual([A, C]);
    expect(list.problems.map((p) => p.source)).toEqual(["ids.txt line 2", "ids.txt line 4"]);
    expect(list.problems[0]?.message).toBe(`"not-an-id" is not an invite id (expected ${INVITE_ID_FORM})`);
    expect(list.problems[1]?.message).toContain(JSON.stringify(B.slice(2)));
  });

  it("line numbers count CRLF lines, comments and blank lines", () => {
    const list = parseIdLines(`# header\r\n\r\n${A}\r\nbad\r\n`, "list.txt");
    expect(list.problems).toEqual([{ source: "list.txt line 4", message: expect.stringContaining('"bad"') }]);
  });

  it("a very long invalid token is shortened in the message", () => {
    const list = parseIdLines("x".repeat(500), "ids.txt");
    expect(list.problems[0]?.message).toContain(`"${"x".repeat(57)}..."`);
    expect(list.problems[0]?.message.length).toBeLessThan(200);
  });

  it.each([
    { length: 200, ok: true },
    { length: 201, ok: false },
  ])("a label of $length characters -> ok=$ok", ({ length, ok }) => {
    const list = parseIdLines(`${A} ${"L".repeat(length)}`, "ids.txt");
    expect(list.entries).toHaveLength(ok ? 1 : 0);
    expect(list.problems).toHaveLength(ok ? 0 : 1);
  });

  it("a label with an escape sequence is refused, naming the line", () => {
    const list = parseIdLines(`${A} ok\n${B} \u001b[2J\u001b]0;owned\u0007Bob\n`, "ids.txt");
    expect(list.entries.map((e) => e.id)).toEqual([A]);
    expect(list.problems).toEqual([{ source: "ids.txt line 2", message: expect.stringContaining("control character (U+001B, an escape sequence)") }]);
  });

  it.each([
    { bytes: MAX_LINE_BYTES, problem: null },
    { bytes: MAX_LINE_BYTES + 1, problem: `the line is ${MAX_LINE_BYTES + 1} bytes long (at most ${MAX_LINE_BYTES})` },
  ])("a line of $bytes bytes (spaces after an id) -> $problem", ({ bytes, problem }) => {
    const list = parseIdLines(`${A}${" ".repeat(bytes - 32)}\n${B}`, "ids.txt");
    expect(list.problems.map((p) => p.message.split(";")[0])).toEqual(problem ? [problem] : []);
    expect(list.entries.map((e) => e.id)).toEqual(problem ? [B] : [A, B]);
  });

  it(`keeps the first ${MAX_PROBLEMS_KEPT} problems and counts the rest`, () => {
    const list = parseIdLines(Array.from({ length: 1_000 }, (_, i) => `bad${i}`).join("\n"), "ids.txt");
    expect(list.problemCount).toBe(1_000);
    expect(list.problems.map((p) => p.source)).toEqual(Array.from({ length: MAX_PROBLEMS_KEPT }, (_, i) => `ids.txt line ${i + 1}`));
  });
});

describe("labelProblem", () => {
  it.each([
    { label: "Alice (finance)", problem: null },
    { label: "", problem: null },
    { label: "Zoë, 東京 office", problem: null },
    { label: "L".repeat(200), problem: null },
    { label: "L".repeat(201), problem: "the label is 201 characters long (at most 200)" },
    { label: "\u001b[31mred", problem: "the label contains a control character (U+001B, an escape sequence); labels are plain text" },
    { label: "title\u001b]0;x\u0007", problem: "the label contains a control character (U+001B, an escape sequence); labels are plain text" },
    { label: "8-bit \u009b31m CSI", problem: "the label contains a control character (U+009B); labels are plain text" },
    { label: "tab\there", problem: "the label contains a control character (U+0009); labels are plain text" },
    { label: "new\nline", problem: "the label contains a control character (U+000A); labels are plain text" },
    { label: "bell\u0007", problem: "the label contains a control character (U+0007); labels are plain text" },
    { label: "del\u007f", problem: "the label contains a control character (U+007F); labels are plain text" },
    { label: "nul\u0000", problem: "the label contains a control character (U+0000); labels are plain text" },
    { label: "invoice\u202efdp.exe", problem: "the label contains a control character (U+202E); labels are plain text" },
    { label: "\u2066isolated\u2069", problem: "the label contains a control character (U+2066); labels are plain text" },
  ])("labelProblem($label) -> $problem", ({ label, problem }) => {
    expect(labelProblem(label)).toBe(problem);
  });
});

describe("parseIdArguments", () => {
  it("accepts ids, lower-cases them, and names each by its position", () => {
    expect(parseIdArguments([A.toUpperCase(), B])).toEqual({
      entries: [
        { id: A, label: null, source: "argument 1" },
        { id: B, label: null, source: "argument 2" },
      ],
      problems: [],
      problemCount: 0,
    });
  });

  it.each([
    { args: [A, "nope"], source: "argument 2" },
    { args: ["", A], source: "argument 1" },
    { args: [A, B, `${C} label`], source: "argument 3" },
    { args: [A, B, C, "#comment"], source: "argument 4" },
  ])("reports $source for $args", ({ args, source }) => {
    const list = parseIdArguments(args);
    expect(list.problems).toEqual([{ source, message: expect.stringContaining("is not an invite id") }]);
  });

  it("labels every argument with --label, checked once by the label rule", () => {
    expect(parseIdArguments([A, B], "  on-call  ").entries.map((e) => e.label)).toEqual(["on-call", "on-call"]);
    expect(parseIdArguments([A, B], "L".repeat(201)).problems).toEqual([{ source: "--label", message: "the label is 201 characters long (at most 200)" }]);
    expect(parseIdArguments([A], "\u001b[2J").problems).toEqual([{ source: "--label", message: expect.stringContaining("U+001B") }]);
  });

  it("duplicate arguments collapse", () => {
    expect(parseIdArguments([A, A.toUpperCase(), A]).entries).toEqual([{ id: A, label: null, source: "argument 1" }]);
  });
});

describe("mergeIdLists", () => {
  it("keeps the first occurrence, takes later labels, and gathers every problem", () => {
    const fromFile = parseIdLines(`${A} Alice\nbad\n`, "ids.txt");
    const fromArgs = parseIdArguments([B, A, "worse"]);
    const fromSecond = parseIdLines(`${A} Alice B.\n`, "more.txt");
    const merged = mergeIdLists([fromFile, fromArgs, fromSecond]);
    expect(merged.entries).toEqual([
      { id: A, label: "Alice B.", source: "ids.txt line 1" },
      { id: B, label: null, source: "argument 1" },
    ]);
    expect(merged.problems.map((p) => p.source)).toEqual(["ids.txt line 2", "argument 3"]);
    expect(merged.problemCount).toBe(2);
  });

  it("keeps the first problems across lists and counts them all", () => {
    const many = parseIdLines(Array.from({ length: 30 }, () => "bad").join("\n"), "a.txt");
    const merged = mergeIdLists([many, parseIdArguments(["worse"])]);
    expect(merged.problemCount).toBe(31);
    expect(merged.problems).toHaveLength(MAX_PROBLEMS_KEPT);
    expect(merged.problems[0]?.source).toBe("a.txt line 1");
  });
});

describe("the channel column", () => {
  it.each([
    { name: "a channel after the id", text: `${A} channel=C0123ABCD`, expected: [{ id: A, label: null, channel: "C0123ABCD", source: "ids.txt line 1" }] },
    { name: "a channel and a label", text: `${A}\tchannel=G0PRIVATE1  Alice (finance)`, expected: [{ id: A, label: "Alice (finance)", channel: "G0PRIVATE1", source: "ids.txt line 1" }] },
    { name: "back to the default", text: `${A} channel=default Bob`, expected: [{ id: A, label: "Bob", channel: null, source: "ids.txt line 1" }] },
    { name: "the column's name in any case", text: `${A} Channel=D0DIRECT01`, expected: [{ id: A, label: null, channel: "D0DIRECT01", source: "ids.txt line 1" }] },
    { name: "channel= later in a label is label text", text: `${A} Carol channel=C0123ABCD`, expected: [{ id: A, label: "Carol channel=C0123ABCD", source: "ids.txt line 1" }] },
    { name: "the last channel of a repeated id wins", text: `${A} channel=C0000AAAA\n${A}\n${A} channel=C0000BBBB`, expected: [{ id: A, label: null, channel: "C0000BBBB", source: "ids.txt line 1" }] },
  ])("$name", ({ text, expected }) => {
    expect(parseIdLines(text, "ids.txt")).toStrictEqual({ entries: expected, problems: [], problemCount: 0 });
  });

  it.each([
    { raw: "C0123ABCD", expected: { channel: "C0123ABCD" } },
    { raw: " G0123ABCD ", expected: { channel: "G0123ABCD" } },
    { raw: "DEFAULT", expected: { channel: null } },
    { raw: "#general", ok: false },
    { raw: "general", ok: false },
    { raw: "c0123abcd", ok: false },
    { raw: "C01", ok: false },
    { raw: `C${"0".repeat(40)}`, ok: false },
    { raw: "U0123ABCD", ok: false },
    { raw: "", ok: false },
  ])("parseSlackChannel($raw)", ({ raw, expected, ok }) => {
    const parsed = parseSlackChannel(raw);
    if (ok === false) expect(parsed).toMatchObject({ problem: expect.stringContaining("is not a Slack channel id (expected an id such as C0123ABCD") });
    else expect(parsed).toEqual(expected);
  });

  it("a bad channel is a problem of its line, and the line is not kept", () => {
    const list = parseIdLines(`${A}\n${B} channel=eng Bob\n${C} channel=#eng\n`, "ids.txt");
    expect(list.entries.map((e) => e.id)).toEqual([A]);
    expect(list.problems).toEqual([
      { source: "ids.txt line 2", message: expect.stringMatching(/^channel: "eng" is not a Slack channel id/) },
      { source: "ids.txt line 3", message: expect.stringMatching(/^channel: "channel=" needs a channel id such as C0123ABCD \("#" starts a comment/) },
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { LineSplitter, type SplitLine } from "../../src/cli/lineSplitter.js";

/** Feeds the chunks in order, then ends the stream. */
function split(chunks: Array<string | Buffer>, max = 16): SplitLine[] {
  const splitter = new LineSplitter(max);
  const lines = chunks.flatMap((c) => splitter.push(typeof c === "string" ? Buffer.from(c) : c));
  return [...lines, ...splitter.end()];
}
const text = (...lines: string[]) => lines.map((t, i) => ({ number: i + 1, text: t }));

describe("LineSplitter", () => {
  it.each([
    { name: "LF", chunks: ["a\nb\n"], expected: text("a", "b") },
    { name: "no final line ending", chunks: ["a\nb"], expected: text("a", "b") },
    { name: "CRLF", chunks: ["a\r\nb\r\n"], expected: text("a", "b") },
    { name: "lone CR (old Mac)", chunks: ["a\rb"], expected: text("a", "b") },
    { name: "CRLF split across chunks is one line ending", chunks: ["a\r", "\nb"], expected: text("a", "b") },
    { name: "CR at a chunk's end, then CR", chunks: ["a\r", "\rb"], expected: text("a", "", "b") },
    { name: "blank lines keep their numbers", chunks: ["\n\n\nx"], expected: text("", "", "", "x") },
    { name: "a line across three chunks", chunks: ["ab", "cd", "ef\n"], expected: text("abcdef") },
    { name: "empty input", chunks: [], expected: [] },
    { name: "only a newline", chunks: ["\n"], expected: text("") },
    { name: "a UTF-8 character split across chunks", chunks: [Buffer.from([0x41, 0xc3]), Buffer.from([0xa9, 0x0a])], expected: text("Aé") },
    { name: "invalid UTF-8 becomes U+FFFD, per line", chunks: [Buffer.from([0xff, 0x0a, 0x41])], expected: text("\ufffd", "A") },
  ])("$name", ({ chunks, expected }) => {
    expect(split(chunks)).toEqual(expected);
  });

  it.each([
    { name: "exactly the limit is kept", chunks: ["x".repeat(16)], expected: text("x".repeat(16)) },
    { name: "one byte over is overlong", chunks: [`${"x".repeat(17)}\nok`], expected: [{ number: 1, overlongBytes: 17 }, { number: 2, text: "ok" }] },
    {
      name: "an overlong line across chunks is counted, and the next line keeps its number",
      chunks: ["x".repeat(10), "y".repeat(10), "z".repeat(10), "\r", "\nnext\n"],
      expected: [{ number: 1, overlongBytes: 30 }, { number: 2, text: "next" }],
    },
    { name: "an overlong last line without a newline", chunks: ["ok\n", "x".repeat(40)], expected: [{ number: 1, text: "ok" }, { number: 2, overlongBytes: 40 }] },
  ])("$name", ({ chunks, expected }) => {
    expect(split(chunks)).toEqual(expected);
  });

  it("keeps nothing of a chunk it was given: the reader may reuse that memory for the next chunk", () => {
    const splitter = new LineSplitter(64);
    const buffer = Buffer.from("first\nsec");
    const lines = splitter.push(buffer);
    buffer.write("XXXXXXXXX");
    lines.push(...splitter.push(Buffer.from("ond\n")), ...splitter.end());
    expect(lines).toEqual(text("first", "second"));
  });

  it("counts a 10 MB line by its length, never returning its bytes", () => {
    const splitter = new LineSplitter(4096);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    for (let i = 0; i < 160; i++) expect(splitter.push(chunk)).toEqual([]);
    expect(splitter.end()).toEqual([{ number: 1, overlongBytes: 160 * 64 * 1024 }]);
  });
});

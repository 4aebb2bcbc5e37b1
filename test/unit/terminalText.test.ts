import { describe, expect, it } from "vitest";
import { terminalText } from "../../src/cli/terminalText.js";

const ESC = "\u001b";
const BEL = "\u0007";

describe("terminalText", () => {
  it.each([
    { name: "plain text is unchanged", text: "Example Org (ünïcode, 東京)", line: "Example Org (ünïcode, 東京)" },
    { name: "SGR colour", text: `${ESC}[31mred${ESC}[0m alert`, line: "red alert" },
    { name: "cursor movement and clear screen", text: `a${ESC}[2J${ESC}[H${ESC}[10;20Hb`, line: "ab" },
    { name: "OSC window title ended by BEL", text: `${ESC}]0;pwned${BEL}Org`, line: "Org" },
    { name: "OSC 8 hyperlink ended by ST", text: `${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\`, line: "click" },
    { name: "8-bit CSI (C1)", text: "x\u009b31my", line: "xy" },
    { name: "a lone ESC and BEL", text: `a${ESC}b${BEL}c`, line: "abc" },
    { name: "backspace and DEL, which overwrite what was shown", text: "admin\b\b\b\b\broot\u007f", line: "adminroot" },
    { name: "other C1 controls", text: "a\u0085b\u009fc", line: "abc" },
    { name: "carriage return that would overwrite the line", text: "ok\rFAKE", line: "ok FAKE" },
    { name: "newlines and tabs read as spaces", text: "one\ntwo\tthree", line: "one two three" },
    { name: "NUL", text: "a\u0000b", line: "ab" },
    { name: "a right-to-left override that reverses what follows", text: "Org \u202egnp.exe", line: "Org gnp.exe" },
    { name: "bidi isolates and marks", text: "\u2066a\u2069\u200eb\u200fc\u061c", line: "abc" },
  ])("$name", ({ text, line }) => {
    expect(terminalText(text)).toBe(line);
  });

  it.each([
    { text: "3 problems:\n  line 1: bad\n  line 2: worse", expected: "3 problems:\n  line 1: bad\n  line 2: worse" },
    { text: "windows\r\nline\rend", expected: "windows\nline\nend" },
    { text: `${ESC}[1mbold${ESC}[0m\n\tindented${BEL}`, expected: "bold\n indented" },
  ])("multiline keeps newlines: $text", ({ text, expected }) => {
    expect(terminalText(text, { multiline: true })).toBe(expected);
  });
});

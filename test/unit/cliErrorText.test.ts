import { describe, expect, it } from "vitest";
import { cliErrorText } from "../../src/cli/cliErrorText.js";
import { InviteMonitorError } from "../../src/lib/errors.js";

const SECRET = "pw-7f3a9c2e51";
const error = (message: string) => new InviteMonitorError("INPUT_INVALID", message);

describe("cliErrorText", () => {
  it.each([
    { name: "a secret is masked", message: `cannot read /tmp/${SECRET}/ids.txt (ENOENT)`, expected: "cannot read /tmp/[redacted]/ids.txt (ENOENT)" },
    { name: "an escape sequence inside a secret does not split it past the mask", message: `x ${SECRET.slice(0, 5)}\u001b[0m${SECRET.slice(5)} y`, expected: "x [redacted] y" },
    { name: "escapes are stripped and newlines kept", message: "2 problems:\n  \u001b]0;t\u0007line 1\n  line 2\u009b2J", expected: "2 problems:\n  line 1\n  line 2" },
  ])("$name", ({ message, expected }) => {
    expect(cliErrorText(error(message), [SECRET])).toBe(expected);
  });
});

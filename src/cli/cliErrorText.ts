import { makeRedactor } from "../lib/redact.js";
import { describeError } from "./describeError.js";
import { terminalText } from "./terminalText.js";

/** An error as the CLI and the seed script print it: described, made safe for a terminal, and redacted. */
export function cliErrorText(error: unknown, secrets: readonly string[]): string {
  // Secrets are also matched as they look once cleaned: an escape sequence inside one must not split it past the mask.
  const redact = makeRedactor([...secrets, ...secrets.map((s) => terminalText(s))]);
  return redact(terminalText(describeError(error), { multiline: true }));
}

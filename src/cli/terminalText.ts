import stripAnsi from "strip-ansi";

/** C0 controls, DEL and C1 controls: a terminal acts on these instead of showing them. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex -- as above, keeping LF
const CONTROLS_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
/**
 * Unicode's bidirectional controls (LRM, RLM, the embeddings, overrides and isolates): not controls to a terminal,
 * but they reorder what it shows, so "evil.com/moc.elgoog" can read as something else ("Trojan Source").
 */
const BIDI = /[؜‎‏‪-‮⁦-⁩]/g;
/** Whitespace controls read as a space; dropping them would glue words together. */
const SPACING = /[\t\n\v\f\r]/g;

/**
 * Text safe to print on a terminal. Labels, Cloudflare's fields, error text from the network and alert content can
 * carry escape sequences (colours, cursor moves, OSC window titles or hyperlinks, a "clear screen") that would
 * rewrite what an operator sees. Whole sequences are removed first, so their parameters do not leak out as text;
 * then any remaining control character is dropped. One line by default (a table cell); `multiline` keeps newlines,
 * for error messages that list several problems.
 */
export function terminalText(text: string, options: { multiline?: boolean } = {}): string {
  const stripped = stripAnsi(text).replace(BIDI, "");
  if (options.multiline) return stripped.replace(/\r\n?/g, "\n").replace(/\t/g, " ").replace(CONTROLS_BUT_NEWLINE, "");
  return stripped.replace(SPACING, " ").replace(CONTROLS, "");
}

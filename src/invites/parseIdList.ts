import { INVITE_ID_FORM, normalizeInviteId } from "./inviteId.js";

export interface IdEntry {
  id: string;
  label: string | null;
  /**
   * The Slack channel id its cards go to (`track --channel`, or a `channel=` column): null sends them to
   * SLACK_CHANNEL again (`channel=default`); absent keeps what is stored.
   */
  channel?: string | null;
  /** Where the id came from, e.g. "ids.txt line 3" or "argument 2". */
  source: string;
}

export interface IdListProblem {
  source: string;
  message: string;
}

export interface IdList {
  entries: IdEntry[];
  /** The first MAX_PROBLEMS_KEPT problems, in input order. */
  problems: IdListProblem[];
  /** Every problem, including those not kept. */
  problemCount: number;
}

/** Labels are free text, but bounded so a hostile file cannot fill a column. */
export const MAX_LABEL = 200;

/**
 * The longest line read, in bytes: an id (32), a label (200 characters, up to 800 bytes of UTF-8), the spaces
 * between and a comment fit with room to spare. A longer line is reported, and its bytes are skipped, never held:
 * a 60 MB file with no newline is one bad line, not 60 MB of memory.
 */
export const MAX_LINE_BYTES = 4096;

/**
 * Problems kept per list: a file of a million bad lines is reported by its first few and a count, in bounded memory.
 * The CLI shows this many.
 */
export const MAX_PROBLEMS_KEPT = 20;

/**
 * C0 controls, DEL and C1 controls, which include ESC and the 8-bit CSI that start ANSI and OSC sequences; and
 * Unicode's bidirectional controls, which reorder what a reader sees ("Trojan Source").
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * Why a label cannot be stored, or null when it can. A label is printed in tables and sent to Slack: a control
 * character in it (an escape sequence above all) would act on the reader's terminal instead of being read.
 */
export function labelProblem(label: string): string | null {
  const control = CONTROL.exec(label);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    return `the label contains a control character (U+${code}${code === "001B" ? ", an escape sequence" : ""}); labels are plain text`;
  }
  if (label.length > MAX_LABEL) return `the label is ${label.length} characters long (at most ${MAX_LABEL})`;
  return null;
}

/** Slack's channel ids (public C…, private G…, direct D…), as SLACK_CHANNEL takes them; bounded like a label. */
const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{6,31}$/;
/** How a file line names its channel: `<id> channel=C0123ABCD [label]`. */
const CHANNEL_COLUMN = /^channel=(.*)$/i;

/**
 * A channel as `--channel` or a `channel=` column gives it: a channel id, or "default" (null: SLACK_CHANNEL).
 * Returns a problem instead when it is neither; a channel name is the usual mistake, so the message says where the
 * id is found.
 */
export function parseSlackChannel(raw: string): { channel: string | null } | { problem: string } {
  const text = raw.trim();
  if (text.toLowerCase() === "default") return { channel: null };
  if (SLACK_CHANNEL_ID.test(text)) return { channel: text };
  return {
    problem: `${JSON.stringify(shorten(text))} is not a Slack channel id (expected an id such as C0123ABCD, shown at the bottom of the channel's details in Slack, or "default" for SLACK_CHANNEL)`,
  };
}

/**
 * Collects ids line by line, so that a file can be parsed as it streams in. Lines are one id, an optional
 * `channel=C0123ABCD` column, an optional label after whitespace, `#` comments, or blank. A repeated id keeps its
 * first occurrence (and the last label and channel given for it).
 */
export class IdListBuilder {
  private readonly entries = new Map<string, IdEntry>();
  private readonly problems: IdListProblem[] = [];
  private problemCount = 0;

  constructor(private readonly sourceName: string) {}

  /** The distinct ids collected so far. */
  get size(): number {
    return this.entries.size;
  }

  /** One line of text, without its line ending. Line numbers start at 1. */
  addLine(rawLine: string, lineNumber: number): void {
    const source = `${this.sourceName} line ${lineNumber}`;
    const text = lineNumber === 1 ? rawLine.replace(/^\uFEFF/, "") : rawLine;
    const line = text.replace(/#.*$/, "").trim();
    if (line === "") return;
    const [first = "", ...rest] = line.split(/\s+/);
    const column = CHANNEL_COLUMN.exec(rest[0] ?? "");
    if (!column) return this.add(first, rest.join(" "), source);
    // A channel written as a name, "channel=#eng", reaches us as "channel=": the "#" began a comment.
    if (column[1] === "") return this.problem(source, 'channel: "channel=" needs a channel id such as C0123ABCD ("#" starts a comment, so a channel name cannot be written here)');
    const channel = parseSlackChannel(column[1]!);
    if ("problem" in channel) return this.problem(source, `channel: ${channel.problem}`);
    this.add(first, rest.slice(1).join(" "), source, channel.channel);
  }

  /** A line longer than MAX_LINE_BYTES, known by its length only. */
  addOverlongLine(lineNumber: number, bytes: number): void {
    this.problem(`${this.sourceName} line ${lineNumber}`, `the line is ${bytes} bytes long (at most ${MAX_LINE_BYTES}); expected one invite id per line, with an optional label`);
  }

  /** One id with its label ("" for none) and, when given, its channel, from any source. */
  add(raw: string, label: string, source: string, channel?: string | null): void {
    const id = normalizeInviteId(raw);
    if (id === null) return this.problem(source, `${JSON.stringify(shorten(raw))} is not an invite id (expected ${INVITE_ID_FORM})`);
    const badLabel = labelProblem(label);
    if (badLabel) return this.problem(source, badLabel);
    const existing = this.entries.get(id);
    if (existing) {
      if (label) existing.label = label;
      if (channel !== undefined) existing.channel = channel;
      return;
    }
    this.entries.set(id, { id, label: label || null, ...(channel !== undefined && { channel }), source });
  }

  problem(source: string, message: string): void {
    this.problemCount += 1;
    if (this.problems.length < MAX_PROBLEMS_KEPT) this.problems.push({ source, message });
  }

  finish(): IdList {
    return { entries: [...this.entries.values()], problems: this.problems, problemCount: this.problemCount };
  }
}

/**
 * Parses a whole text of lines (see IdListBuilder). Every bad line is reported with its number; callers write
 * nothing when `problemCount` is not 0.
 */
export function parseIdLines(text: string, sourceName: string): IdList {
  const builder = new IdListBuilder(sourceName);
  text.split(/\r\n|\r|\n/).forEach((line, index) => {
    const bytes = Buffer.byteLength(line);
    if (bytes > MAX_LINE_BYTES) builder.addOverlongLine(index + 1, bytes);
    else builder.addLine(line, index + 1);
  });
  return builder.finish();
}

/**
 * Parses ids given as command-line arguments: no comments, and one label (from --label) for all of them. The label
 * is checked once, by the same rule as a label in a file.
 */
export function parseIdArguments(args: readonly string[], label = ""): IdList {
  const builder = new IdListBuilder("argument");
  const trimmed = label.trim();
  const badLabel = labelProblem(trimmed);
  if (badLabel) builder.problem("--label", badLabel);
  args.forEach((arg, index) => builder.add(arg, badLabel ? "" : trimmed, `argument ${index + 1}`));
  return builder.finish();
}

/** Joins lists from several sources, keeping the first occurrence of each id. */
export function mergeIdLists(lists: readonly IdList[]): IdList {
  const entries = new Map<string, IdEntry>();
  for (const list of lists) {
    for (const entry of list.entries) {
      const existing = entries.get(entry.id);
      if (!existing) {
        entries.set(entry.id, entry);
        continue;
      }
      if (entry.label) existing.label = entry.label;
      if (entry.channel !== undefined) existing.channel = entry.channel;
    }
  }
  return {
    entries: [...entries.values()],
    problems: lists.flatMap((l) => l.problems).slice(0, MAX_PROBLEMS_KEPT),
    problemCount: lists.reduce((sum, l) => sum + l.problemCount, 0),
  };
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

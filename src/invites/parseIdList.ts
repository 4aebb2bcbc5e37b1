import { INVITE_ID_FORM, normalizeInviteId } from "./inviteId.js";

export interface IdEntry {
  id: string;
  label: string | null;
  /** Where the id came from, e.g. "ids.txt line 3" or "argument 2". */
  source: string;
}

export interface IdListProblem {
  source: string;
  message: string;
}

export interface IdList {
  entries: IdEntry[];
  problems: IdListProblem[];
}

/** Labels are free text, but bounded so a hostile file cannot fill a column. */
const MAX_LABEL = 200;

/**
 * Parses one id per line, an optional label after whitespace, `#` comments and blank lines.
 * Every bad line is reported with its number; callers write nothing when `problems` is not empty.
 * A repeated id keeps its first occurrence (and the last label given for it).
 */
export function parseIdLines(text: string, sourceName: string): IdList {
  const entries = new Map<string, IdEntry>();
  const problems: IdListProblem[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  lines.forEach((rawLine, index) => {
    const source = `${sourceName} line ${index + 1}`;
    const line = rawLine.replace(/#.*$/, "").trim();
    if (line === "") return;
    const [first = "", ...rest] = line.split(/\s+/);
    const label = rest.join(" ").trim();
    addEntry(entries, problems, first, label, source);
  });
  return { entries: [...entries.values()], problems };
}

/** Parses ids given as command-line arguments: no labels, no comments. */
export function parseIdArguments(args: readonly string[]): IdList {
  const entries = new Map<string, IdEntry>();
  const problems: IdListProblem[] = [];
  args.forEach((arg, index) => addEntry(entries, problems, arg, "", `argument ${index + 1}`));
  return { entries: [...entries.values()], problems };
}

/** Joins lists from several sources, keeping the first occurrence of each id. */
export function mergeIdLists(lists: readonly IdList[]): IdList {
  const entries = new Map<string, IdEntry>();
  for (const list of lists) {
    for (const entry of list.entries) {
      const existing = entries.get(entry.id);
      if (!existing) entries.set(entry.id, entry);
      else if (entry.label) existing.label = entry.label;
    }
  }
  return { entries: [...entries.values()], problems: lists.flatMap((l) => l.problems) };
}

function addEntry(entries: Map<string, IdEntry>, problems: IdListProblem[], raw: string, label: string, source: string): void {
  const id = normalizeInviteId(raw);
  if (id === null) {
    problems.push({ source, message: `${JSON.stringify(shorten(raw))} is not an invite id (expected ${INVITE_ID_FORM})` });
    return;
  }
  if (label.length > MAX_LABEL) {
    problems.push({ source, message: `the label is ${label.length} characters long (at most ${MAX_LABEL})` });
    return;
  }
  const existing = entries.get(id);
  if (existing) {
    if (label) existing.label = label;
    return;
  }
  entries.set(id, { id, label: label || null, source });
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

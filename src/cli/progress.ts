import type { ReadProgress } from "./readIdSources.js";

const MiB = 1024 * 1024;

/** "reading ids.txt: 12.0 of 64.0 MiB (18%), 190000 ids"; stdin and pipes have no size to count against. */
export function readProgressText(p: ReadProgress): string {
  const read = (p.bytesRead / MiB).toFixed(1);
  const of = p.totalBytes ? ` of ${(p.totalBytes / MiB).toFixed(1)} MiB (${percent(p.bytesRead, p.totalBytes)})` : " MiB";
  return `reading ${p.source}: ${read}${of}, ${p.ids} ids`;
}

/** "writing: 50000 of 100000 invites (50%)". */
export function writeProgressText(written: number, total: number): string {
  return `writing: ${written} of ${total} invites (${percent(written, total)})`;
}

function percent(part: number, whole: number): string {
  return `${whole > 0 ? Math.min(100, Math.floor((part / whole) * 100)) : 100}%`;
}

/** One line of a terminal, rewritten in place. */
export interface ProgressLine {
  show(text: string): void;
  /** Clears the line, so that what is printed next starts on a clean one. */
  clear(): void;
  /** Whether anything was shown. */
  readonly shown: boolean;
}

/**
 * A progress line on a terminal: each update returns to the start of the line and erases the rest of it. Off, it
 * writes nothing at all: a pipe or a file must hold only the result, not carriage returns and escape sequences.
 */
export function makeProgressLine(write: (text: string) => void, enabled: boolean): ProgressLine {
  let shown = false;
  return {
    show(text) {
      if (!enabled) return;
      shown = true;
      write(`\r${text}\u001b[K`);
    },
    clear() {
      if (shown) write("\r\u001b[K");
    },
    get shown() {
      return shown;
    },
  };
}

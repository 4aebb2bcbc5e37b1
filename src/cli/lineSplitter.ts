/** One line of a stream: its text, or only its length when it was longer than the splitter keeps. */
export type SplitLine = { number: number; text: string } | { number: number; overlongBytes: number };

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into numbered lines at LF, CRLF or a lone CR, holding at most `maxLineBytes` of any one
 * line. A longer line is still counted and numbered (so later lines keep their numbers, which split2's skipOverflow
 * would lose) but its bytes are dropped as they arrive. Lines are decoded as UTF-8 one by one: CR and LF never occur
 * inside a multi-byte character, so a character split across chunks is joined before it is decoded.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private lineBytes = 0;
  private lineNumber = 0;
  /** The last chunk ended with CR: an LF at the start of the next one belongs to the same line ending. */
  private afterCr = false;

  constructor(private readonly maxLineBytes: number) {}

  /** The lines that this chunk completes. The chunk is not kept: its memory may be reused for the next one. */
  push(chunk: Buffer): SplitLine[] {
    const lines: SplitLine[] = [];
    let start = 0;
    if (this.afterCr && chunk[0] === LF) start = 1;
    this.afterCr = false;
    for (let i = start; i < chunk.length; i += 1) {
      const byte = chunk[i];
      if (byte !== LF && byte !== CR) continue;
      if (this.lineBytes === 0 && i - start <= this.maxLineBytes) {
        // The usual case: the whole line is in this chunk, and is decoded from it without a copy.
        this.lineNumber += 1;
        lines.push({ number: this.lineNumber, text: chunk.toString("utf8", start, i) });
      } else {
        this.take(chunk, start, i);
        lines.push(this.completeLine());
      }
      if (byte === CR) {
        if (i + 1 === chunk.length) this.afterCr = true;
        else if (chunk[i + 1] === LF) i += 1;
      }
      start = i + 1;
    }
    this.take(chunk, start, chunk.length);
    return lines;
  }

  /** The last line, when the stream did not end with a line ending. */
  end(): SplitLine[] {
    return this.lineBytes > 0 ? [this.completeLine()] : [];
  }

  private take(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    // Copied: the caller may reuse the chunk's memory for the next one, and a part must not pin a large chunk.
    if (this.lineBytes + (to - from) <= this.maxLineBytes) this.parts.push(Buffer.from(chunk.subarray(from, to)));
    else this.parts = [];
    this.lineBytes += to - from;
  }

  private completeLine(): SplitLine {
    this.lineNumber += 1;
    const line: SplitLine =
      this.lineBytes > this.maxLineBytes
        ? { number: this.lineNumber, overlongBytes: this.lineBytes }
        : { number: this.lineNumber, text: Buffer.concat(this.parts, this.lineBytes).toString("utf8") };
    this.parts = [];
    this.lineBytes = 0;
    return line;
  }
}

import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { InviteMonitorError } from "../lib/errors.js";
import { IdListBuilder, MAX_LINE_BYTES, mergeIdLists, parseIdArguments, parseIdLines, parseSlackChannel, type IdList } from "../invites/parseIdList.js";
import { LineSplitter, type SplitLine } from "./lineSplitter.js";

/** A hostile or mistaken file (a disk image, a log) is refused before it is read, or as soon as it passes this. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;
const MAX_INPUT_TEXT = `${MAX_INPUT_BYTES / 1024 / 1024} MiB`;

export interface IdSources {
  args?: readonly string[];
  /** Labels the ids given as arguments. */
  label?: string;
  file?: string;
  stdin?: NodeJS.ReadableStream;
  /** Ids separated by commas or white space, as in the INVITE_IDS variable. */
  inline?: { text: string; name: string };
  /** The Slack channel of every id read (`track --channel`), unless a file line names its own. */
  channel?: string;
  /**
   * Told how far a file or stdin has been read: every READ_PROGRESS_BYTES, and at its end once it has been told
   * anything (an input smaller than that reports nothing: there was nothing to wait for).
   */
  onProgress?: (progress: ReadProgress) => void;
}

/** How far the reading of one file (or stdin) has come. */
export interface ReadProgress {
  source: string;
  bytesRead: number;
  /** The file's size; null for stdin or a pipe. */
  totalBytes: number | null;
  /** Distinct ids read from it so far. */
  ids: number;
  done: boolean;
}

/** Progress is reported this often: often enough to move on a terminal, rarely enough to cost nothing. */
const READ_PROGRESS_BYTES = 1024 * 1024;

/**
 * Collects ids from every source given. Throws INPUT_INVALID, naming each bad line (the first 20), when any id or
 * label is invalid: callers write nothing in that case. Files and stdin are parsed as they stream in, so memory
 * grows with the number of distinct ids, never with the size of the input.
 */
export async function readIdSources(sources: IdSources): Promise<IdList> {
  const lists: IdList[] = [];
  if (sources.inline && sources.inline.text.trim() !== "") {
    lists.push(parseIdLines(sources.inline.text.split(/[\s,]+/).join("\n"), sources.inline.name));
  }
  const channel = sources.channel === undefined ? undefined : parseSlackChannel(sources.channel);
  if (channel && "problem" in channel) lists.push({ entries: [], problems: [{ source: "--channel", message: channel.problem }], problemCount: 1 });
  if (sources.args && sources.args.length > 0) lists.push(parseIdArguments(sources.args, sources.label));
  if (sources.file) lists.push(await readIdFile(sources.file, sources.onProgress));
  if (sources.stdin) lists.push(await readIdChunks(sources.stdin, "stdin", null, sources.onProgress));

  const merged = mergeIdLists(lists);
  if (merged.problemCount > 0) {
    const shown = merged.problems.map((p) => `  ${p.source}: ${p.message}`);
    const more = merged.problemCount - shown.length;
    throw new InviteMonitorError(
      "INPUT_INVALID",
      `${merged.problemCount} invalid invite id${merged.problemCount === 1 ? "" : "s"}; nothing was written:\n${shown.join("\n")}${more > 0 ? `\n  ... and ${more} more` : ""}`,
    );
  }
  if (channel && "channel" in channel) {
    for (const entry of merged.entries) if (entry.channel === undefined) entry.channel = channel.channel;
  }
  return merged;
}

async function readIdFile(path: string, onProgress?: (progress: ReadProgress) => void): Promise<IdList> {
  try {
    // A regular file is refused by its size before any of it is read. A pipe or device has no size to check: the
    // limit is enforced while reading instead.
    const info = await stat(path);
    if (!info.isFile()) return await readIdChunks(createReadStream(path), path, null, onProgress);
    if (info.size > MAX_INPUT_BYTES) {
      throw new InviteMonitorError("INPUT_INVALID", `${path} is ${(info.size / 1024 / 1024).toFixed(0)} MiB; at most ${MAX_INPUT_TEXT} of ids is read`);
    }
    return await readIdChunks(fileChunks(path), path, info.size, onProgress);
  } catch (error) {
    if (error instanceof InviteMonitorError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new InviteMonitorError("INPUT_INVALID", `cannot read ${path} (${code})`, { cause: error });
  }
}

/**
 * A file's bytes, read into one buffer that is reused for every chunk. A stream would allocate a new 64 KiB buffer
 * per chunk, and the garbage collector lets tens of MB of those pile up before it frees them.
 */
async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(64 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** Parses lines as the chunks arrive. A chunk may be reused once the next one is asked for (see fileChunks). */
async function readIdChunks(
  chunks: AsyncIterable<Buffer | string>,
  name: string,
  totalBytes: number | null = null,
  onProgress?: (progress: ReadProgress) => void,
): Promise<IdList> {
  const builder = new IdListBuilder(name);
  const splitter = new LineSplitter(MAX_LINE_BYTES);
  const add = (line: SplitLine) => ("text" in line ? builder.addLine(line.text, line.number) : builder.addOverlongLine(line.number, line.overlongBytes));
  let size = 0;
  let reported = 0;
  const report = (done: boolean) => onProgress?.({ source: name, bytesRead: size, totalBytes, ids: builder.size, done });
  // Leaving the loop early (a throw) ends the iterator: a refused stream is destroyed, not read to its end.
  for await (const chunk of chunks) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_INPUT_BYTES) throw new InviteMonitorError("INPUT_INVALID", `${name} is larger than ${MAX_INPUT_TEXT}`);
    if (buffer.includes(0)) throw new InviteMonitorError("INPUT_INVALID", `${name} looks binary (it contains NUL bytes); expected one invite id per line`);
    for (const line of splitter.push(buffer)) add(line);
    if (size - reported >= READ_PROGRESS_BYTES) {
      reported = size;
      report(false);
    }
  }
  for (const line of splitter.end()) add(line);
  if (reported > 0) report(true);
  return builder.finish();
}

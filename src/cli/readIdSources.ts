import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { InviteMonitorError } from "../lib/errors.js";
import { IdListBuilder, MAX_LINE_BYTES, mergeIdLists, parseIdArguments, parseIdLines, type IdList } from "../invites/parseIdList.js";
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
}

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
  if (sources.args && sources.args.length > 0) lists.push(parseIdArguments(sources.args, sources.label));
  if (sources.file) lists.push(await readIdFile(sources.file));
  if (sources.stdin) lists.push(await readIdChunks(sources.stdin, "stdin"));

  const merged = mergeIdLists(lists);
  if (merged.problemCount > 0) {
    const shown = merged.problems.map((p) => `  ${p.source}: ${p.message}`);
    const more = merged.problemCount - shown.length;
    throw new InviteMonitorError(
      "INPUT_INVALID",
      `${merged.problemCount} invalid invite id${merged.problemCount === 1 ? "" : "s"}; nothing was written:\n${shown.join("\n")}${more > 0 ? `\n  ... and ${more} more` : ""}`,
    );
  }
  return merged;
}

async function readIdFile(path: string): Promise<IdList> {
  try {
    // A regular file is refused by its size before any of it is read. A pipe or device has no size to check: the
    // limit is enforced while reading instead.
    const info = await stat(path);
    if (!info.isFile()) return await readIdChunks(createReadStream(path), path);
    if (info.size > MAX_INPUT_BYTES) {
      throw new InviteMonitorError("INPUT_INVALID", `${path} is ${(info.size / 1024 / 1024).toFixed(0)} MiB; at most ${MAX_INPUT_TEXT} of ids is read`);
    }
    return await readIdChunks(fileChunks(path), path);
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
async function readIdChunks(chunks: AsyncIterable<Buffer | string>, name: string): Promise<IdList> {
  const builder = new IdListBuilder(name);
  const splitter = new LineSplitter(MAX_LINE_BYTES);
  const add = (line: SplitLine) => ("text" in line ? builder.addLine(line.text, line.number) : builder.addOverlongLine(line.number, line.overlongBytes));
  let size = 0;
  // Leaving the loop early (a throw) ends the iterator: a refused stream is destroyed, not read to its end.
  for await (const chunk of chunks) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_INPUT_BYTES) throw new InviteMonitorError("INPUT_INVALID", `${name} is larger than ${MAX_INPUT_TEXT}`);
    if (buffer.includes(0)) throw new InviteMonitorError("INPUT_INVALID", `${name} looks binary (it contains NUL bytes); expected one invite id per line`);
    for (const line of splitter.push(buffer)) add(line);
  }
  for (const line of splitter.end()) add(line);
  return builder.finish();
}

import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { InviteMonitorError } from "../lib/errors.js";
import { mergeIdLists, parseIdArguments, parseIdLines, type IdList } from "../invites/parseIdList.js";

/** A hostile or mistaken file (a disk image, a log) is refused before it is read into memory. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;
/** Problems listed in full; the rest are counted. */
const MAX_PROBLEMS_SHOWN = 20;

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
 * Collects ids from every source given. Throws INPUT_INVALID, naming each bad line, when any id is invalid:
 * callers write nothing in that case.
 */
export async function readIdSources(sources: IdSources): Promise<IdList> {
  const lists: IdList[] = [];
  if (sources.inline && sources.inline.text.trim() !== "") {
    lists.push(parseIdLines(sources.inline.text.split(/[\s,]+/).join("\n"), sources.inline.name));
  }
  if (sources.args && sources.args.length > 0) {
    const fromArgs = parseIdArguments(sources.args);
    if (sources.label) for (const entry of fromArgs.entries) entry.label = sources.label;
    lists.push(fromArgs);
  }
  if (sources.file) lists.push(parseIdLines(await readFileText(sources.file), sources.file));
  if (sources.stdin) lists.push(parseIdLines(await readStream(sources.stdin), "stdin"));

  const merged = mergeIdLists(lists);
  if (merged.problems.length > 0) {
    const shown = merged.problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => `  ${p.source}: ${p.message}`);
    const more = merged.problems.length - shown.length;
    throw new InviteMonitorError(
      "INPUT_INVALID",
      `${merged.problems.length} invalid invite id${merged.problems.length === 1 ? "" : "s"}; nothing was written:\n${shown.join("\n")}${more > 0 ? `\n  ... and ${more} more` : ""}`,
    );
  }
  return merged;
}

async function readFileText(path: string): Promise<string> {
  let buffer: Buffer;
  try {
    // Refused before reading: a mistaken 10 GB file must not be loaded to be rejected. A pipe or device has no
    // size to check, so it is read as a stream that stops at the limit.
    const info = await stat(path);
    if (!info.isFile()) return await readStream(createReadStream(path), path);
    const size = info.size;
    if (size > MAX_INPUT_BYTES) throw new InviteMonitorError("INPUT_INVALID", `${path} is ${(size / 1024 / 1024).toFixed(0)} MiB; at most ${MAX_INPUT_BYTES / 1024 / 1024} MiB of ids is read`);
    buffer = await readFile(path);
  } catch (error) {
    if (error instanceof InviteMonitorError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new InviteMonitorError("INPUT_INVALID", `cannot read ${path} (${code})`, { cause: error });
  }
  return decode(buffer, path);
}

async function readStream(stream: NodeJS.ReadableStream, name = "stdin"): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_INPUT_BYTES) {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw new InviteMonitorError("INPUT_INVALID", `${name} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB`);
    }
    chunks.push(buffer);
  }
  return decode(Buffer.concat(chunks), name);
}

function decode(buffer: Buffer, name: string): string {
  if (buffer.length > MAX_INPUT_BYTES) throw new InviteMonitorError("INPUT_INVALID", `${name} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB`);
  if (buffer.includes(0)) throw new InviteMonitorError("INPUT_INVALID", `${name} looks binary (it contains NUL bytes); expected one invite id per line`);
  return buffer.toString("utf8");
}

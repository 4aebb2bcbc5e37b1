import type { Command } from "commander";
import { InviteMonitorError } from "../../lib/errors.js";
import type { CliContext } from "../cliContext.js";
import { toJson } from "../format.js";
import { makeProgressLine, readProgressText, writeProgressText } from "../progress.js";
import type { ReadProgress } from "../readIdSources.js";
import { registerInvites } from "../registerInvites.js";

interface TrackOptions {
  file?: string;
  label?: string;
  channel?: string;
  json?: boolean;
}

export function registerTrack(program: Command, ctx: CliContext): void {
  program
    .command("track")
    .description("start tracking invite ids (from arguments, --file, or stdin); safe to repeat, and tracks untracked ids again")
    .argument("[ids...]", "invite ids (32 hex characters); '-' reads stdin")
    .option("-f, --file <path>", "read ids from a file: one per line, an optional channel=C0123ABCD column and label after it, # comments")
    .option("-l, --label <text>", "label for the ids given as arguments (plain text, at most 200 characters)")
    .option("-c, --channel <id>", "send these invites' Slack cards to this channel id (C0123ABCD) instead of SLACK_CHANNEL; \"default\" undoes it")
    .option("--json", "print the result as JSON (no progress)")
    .action(async (ids: string[], options: TrackOptions) => {
      const io = ctx.io;
      const args = ids.filter((id) => id !== "-");
      if (options.label !== undefined && args.length === 0) {
        // Silently dropping it would leave the operator believing the ids were labelled.
        throw new InviteMonitorError("INPUT_INVALID", "--label labels the ids given as arguments; in a file or on stdin, write the label after the id");
      }
      const readStdin = ids.includes("-") || (ids.length === 0 && !options.file && !io.stdin.isTTY);
      // Progress rewrites one terminal line; a pipe, a file or a script reading JSON gets the result only.
      const progress = makeProgressLine(io.stdout, io.stdoutIsTTY === true && !options.json);
      const reads = new Map<string, ReadProgress>();
      let result;
      try {
        result = await registerInvites(
          {
            args,
            label: options.label,
            channel: options.channel,
            file: options.file,
            stdin: readStdin ? io.stdin : undefined,
            onProgress: (p) => {
              reads.set(p.source, p);
              progress.show(readProgressText(p));
            },
          },
          {
            db: () => ctx.getDb(),
            clock: io.clock,
            nothingGiven: "no invite ids given: pass them as arguments, with --file, or on stdin",
            onWriteProgress: (written, total) => progress.show(writeProgressText(written, total)),
          },
        );
      } finally {
        progress.clear();
      }
      if (options.json) {
        io.stdout(`${toJson({ added: result.added, alreadyTracked: result.alreadyTracked, trackedAgain: result.trackedAgain })}\n`);
        return;
      }
      if (progress.shown) {
        for (const read of reads.values()) io.stdout(`Read ${read.source}: ${(read.bytesRead / 1024 / 1024).toFixed(1)} MiB, ${read.ids} distinct ids.\n`);
      }
      const count = result.entries.length;
      const again = result.trackedAgain.length > 0 ? `, ${result.trackedAgain.length} tracked again` : "";
      io.stdout(`Tracking ${count} invite${count === 1 ? "" : "s"}: ${result.added.length} added, ${result.alreadyTracked.length} already tracked${again}.\n`);
      const routing = routingText(result.entries);
      if (routing) io.stdout(`${routing}\n`);
    });
}

/** "Slack cards: 2 to C0123ABCD, 1 to SLACK_CHANNEL." for the ids whose channel this command set; null when none. */
export function routingText(entries: ReadonlyArray<{ channel?: string | null }>): string | null {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    if (entry.channel === undefined) continue;
    const name = entry.channel ?? "SLACK_CHANNEL";
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  if (counts.size === 0) return null;
  return `Slack cards: ${[...counts].map(([name, n]) => `${n} to ${name}`).join(", ")}.`;
}

import type { Command } from "commander";
import { InviteMonitorError } from "../../lib/errors.js";
import type { CliContext } from "../cliContext.js";
import { toJson } from "../format.js";
import { registerInvites } from "../registerInvites.js";

export function registerTrack(program: Command, ctx: CliContext): void {
  program
    .command("track")
    .description("start tracking invite ids (from arguments, --file, or stdin); safe to repeat")
    .argument("[ids...]", "invite ids (32 hex characters); '-' reads stdin")
    .option("-f, --file <path>", "read ids from a file: one per line, an optional label after it, # comments")
    .option("-l, --label <text>", "label for the ids given as arguments (plain text, at most 200 characters)")
    .option("--json", "print the result as JSON")
    .action(async (ids: string[], options: { file?: string; label?: string; json?: boolean }) => {
      const io = ctx.io;
      const args = ids.filter((id) => id !== "-");
      if (options.label !== undefined && args.length === 0) {
        // Silently dropping it would leave the operator believing the ids were labelled.
        throw new InviteMonitorError("INPUT_INVALID", "--label labels the ids given as arguments; in a file or on stdin, write the label after the id");
      }
      const readStdin = ids.includes("-") || (ids.length === 0 && !options.file && !io.stdin.isTTY);
      const result = await registerInvites(
        { args, label: options.label, file: options.file, stdin: readStdin ? io.stdin : undefined },
        { db: () => ctx.getDb(), clock: io.clock, nothingGiven: "no invite ids given: pass them as arguments, with --file, or on stdin" },
      );
      if (options.json) {
        io.stdout(`${toJson({ added: result.added, alreadyTracked: result.alreadyTracked })}\n`);
        return;
      }
      const count = result.entries.length;
      io.stdout(`Tracking ${count} invite${count === 1 ? "" : "s"}: ${result.added.length} added, ${result.alreadyTracked.length} already tracked.\n`);
    });
}

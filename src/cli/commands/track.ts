import type { Command } from "commander";
import { InviteMonitorError } from "../../lib/errors.js";
import { trackInvites } from "../../storage/trackInvites.js";
import type { CliContext } from "../cliContext.js";
import { toJson } from "../format.js";
import { readIdSources } from "../readIdSources.js";

export function registerTrack(program: Command, ctx: CliContext): void {
  program
    .command("track")
    .description("start tracking invite ids (from arguments, --file, or stdin); safe to repeat")
    .argument("[ids...]", "invite ids (32 hex characters); '-' reads stdin")
    .option("-f, --file <path>", "read ids from a file: one per line, an optional label after it, # comments")
    .option("-l, --label <text>", "label for the ids given as arguments")
    .option("--json", "print the result as JSON")
    .action(async (ids: string[], options: { file?: string; label?: string; json?: boolean }) => {
      const io = ctx.io;
      const args = ids.filter((id) => id !== "-");
      const readStdin = ids.includes("-") || (ids.length === 0 && !options.file && !io.stdin.isTTY);
      const list = await readIdSources({ args, label: options.label, file: options.file, stdin: readStdin ? io.stdin : undefined });
      if (list.entries.length === 0) {
        throw new InviteMonitorError("INPUT_INVALID", "no invite ids given: pass them as arguments, with --file, or on stdin");
      }
      const result = await trackInvites(ctx.getDb(), list.entries, io.clock());
      if (options.json) {
        io.stdout(`${toJson(result)}\n`);
        return;
      }
      io.stdout(`Tracking ${list.entries.length} invite${list.entries.length === 1 ? "" : "s"}: ${result.added.length} added, ${result.alreadyTracked.length} already tracked.\n`);
    });
}

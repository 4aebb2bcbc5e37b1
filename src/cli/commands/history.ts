import type { Command } from "commander";
import { inviteHistory } from "../../storage/readInvites.js";
import type { CliContext } from "../cliContext.js";
import { formatTime, formatValue, toJson } from "../format.js";
import { parseInviteIdArg } from "../parseInviteIdArg.js";
import { terminalText } from "../terminalText.js";

export function registerHistory(program: Command, ctx: CliContext): void {
  program
    .command("history")
    .description("show the snapshots of one invite, with what changed in each")
    .argument("<id>", "invite id")
    .option("--json", "print JSON for scripts")
    .action(async (rawId: string, options: { json?: boolean }) => {
      const id = parseInviteIdArg(rawId);
      const entries = await inviteHistory(ctx.getDb(), id);
      if (options.json) {
        ctx.io.stdout(`${toJson(entries)}\n`);
        return;
      }
      if (entries.length === 0) {
        ctx.io.stdout(`${id} has not been observed yet.\n`);
        return;
      }
      const lines = entries.map((entry) => {
        const what = entry.first
          ? `first observation: ${entry.effectiveStatus}${entry.expiresOn ? `, expires ${formatTime(entry.expiresOn)}` : ""}`
          : entry.changes.map((c) => `${c.field}: ${formatValue(c.old)} → ${formatValue(c.new)}`).join("; ");
        // The old and new values are Cloudflare's text (organization name, email...): never raw on a terminal.
        return terminalText(`${formatTime(entry.observedAt)}  ${what}`);
      });
      ctx.io.stdout(`${lines.join("\n")}\n`);
    });
}

import type { Command } from "commander";
import { fieldLabel, isDateField } from "../../invites/fieldLabels.js";
import { inviteHistory } from "../../storage/readInvites.js";
import type { CliContext } from "../cliContext.js";
import { formatTime, formatValue, toJson } from "../format.js";
import { parseInviteIdArg } from "../parseInviteIdArg.js";
import { terminalText } from "../terminalText.js";

export function registerHistory(program: Command, ctx: CliContext): void {
  program
    .command("history")
    .description("show the snapshots of one invite, with what changed in each (--json keeps the stored field names)")
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
          : entry.changes.map((c) => `${fieldLabel(c.field)}: ${formatValue(c.old, isDateField(c.field))} → ${formatValue(c.new, isDateField(c.field))}`).join("; ");
        // The old and new values are Cloudflare's text (organization name, email...): never raw on a terminal.
        return terminalText(`${formatTime(entry.observedAt)}  ${what}`);
      });
      ctx.io.stdout(`${lines.join("\n")}\n`);
    });
}

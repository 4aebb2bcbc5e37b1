import type { Command } from "commander";
import { listInvites } from "../../storage/readInvites.js";
import type { CliContext } from "../cliContext.js";
import { formatTable, formatTime, toJson } from "../format.js";

export function registerList(program: Command, ctx: CliContext): void {
  program
    .command("list")
    .description("show every tracked invite: status, effective status, expiry and checks")
    .option("--json", "print JSON for scripts")
    .action(async (options: { json?: boolean }) => {
      const invites = await listInvites(ctx.getDb());
      if (options.json) {
        ctx.io.stdout(`${toJson(invites)}\n`);
        return;
      }
      if (invites.length === 0) {
        ctx.io.stdout("No invites tracked yet. Add some with: invite-monitor track <id...>\n");
        return;
      }
      const rows = invites.map((i) => [
        i.id,
        i.label ?? "",
        i.apiStatus ?? "-",
        i.effectiveStatus ?? "(not checked yet)",
        formatTime(i.expiresOn),
        formatTime(i.lastCheckedAt),
        i.active ? formatTime(i.nextCheckAt) : "(final)",
        i.consecutiveFailures > 0 ? `${i.consecutiveFailures}: ${i.lastError ?? ""}` : "",
      ]);
      ctx.io.stdout(`${formatTable(["ID", "LABEL", "STATUS", "EFFECTIVE", "EXPIRES", "LAST CHECK", "NEXT CHECK", "FAILURES"], rows)}\n`);
    });
}

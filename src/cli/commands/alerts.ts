import { Option, type Command } from "commander";
import { InviteMonitorError } from "../../lib/errors.js";
import { listAlerts, retryAlerts, type AlertStatusName } from "../../storage/alertQueries.js";
import type { CliContext } from "../cliContext.js";
import { formatTable, formatTime, toJson } from "../format.js";

export function registerAlerts(program: Command, ctx: CliContext): void {
  const alerts = program
    .command("alerts")
    .description("list alerts: pending, delivered and failed (newest first)")
    .addOption(new Option("--status <status>", "only this status").choices(["pending", "delivered", "failed"]))
    .option("--limit <n>", "at most this many", "50")
    .option("--json", "print JSON for scripts")
    .action(async (options: { status?: AlertStatusName; limit: string; json?: boolean }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new InviteMonitorError("INPUT_INVALID", `--limit: expected a whole number, at least 1 (got ${JSON.stringify(options.limit)})`);
      const rows = await listAlerts(ctx.getDb(), { status: options.status, limit });
      if (options.json) {
        ctx.io.stdout(`${toJson(rows)}\n`);
        return;
      }
      if (rows.length === 0) {
        ctx.io.stdout("No alerts.\n");
        return;
      }
      const table = rows.map((a) => [
        String(a.id),
        a.kind,
        a.status,
        a.inviteId ?? "-",
        formatTime(a.createdAt),
        a.status === "delivered" ? formatTime(a.deliveredAt) : a.status === "pending" ? `next ${formatTime(a.nextAttemptAt)}` : formatTime(a.failedAt),
        String(a.attempts),
        a.lastError ?? "",
      ]);
      ctx.io.stdout(`${formatTable(["ID", "KIND", "STATUS", "INVITE", "RAISED", "SENT / NEXT / FAILED", "ATTEMPTS", "LAST ERROR"], table)}\n`);
    });

  alerts
    .command("retry")
    .description("send failed alerts again")
    .argument("[ids...]", "alert ids (see: invite-monitor alerts --status failed)")
    .option("--failed", "every failed alert")
    .action(async (ids: string[], options: { failed?: boolean }) => {
      if (!options.failed && ids.length === 0) throw new InviteMonitorError("INPUT_INVALID", "give alert ids, or --failed for every failed alert");
      const numbers = ids.map((raw) => {
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 1) throw new InviteMonitorError("INPUT_INVALID", `${JSON.stringify(raw)} is not an alert id (expected a positive whole number)`);
        return n;
      });
      const count = await retryAlerts(ctx.getDb(), options.failed ? { allFailed: true } : { ids: numbers }, ctx.io.clock());
      ctx.io.stdout(`${count} failed alert${count === 1 ? "" : "s"} queued for delivery again.\n`);
    });
}

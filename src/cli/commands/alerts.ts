import { Argument, Option, type Command } from "commander";
import { InviteMonitorError } from "../../lib/errors.js";
import { listAlerts, retryAlerts, type AlertStatusName } from "../../storage/alertQueries.js";
import type { CliContext } from "../cliContext.js";
import { formatTime, toJson, writeTable } from "../format.js";
import { wholeNumber } from "../wholeNumber.js";

/** Alert ids are Postgres integers. */
const MAX_ALERT_ID = 2_147_483_647;

export function registerAlerts(program: Command, ctx: CliContext): void {
  const alerts = program
    .command("alerts")
    .description("list alerts: pending, delivered and failed (newest first)")
    .addOption(new Option("--status <status>", "only this status").choices(["pending", "delivered", "failed"]))
    .addOption(new Option("--limit <n>", "at most this many").argParser(wholeNumber(1, 1_000_000)).default(50))
    .option("--json", "print JSON for scripts")
    .action(async (options: { status?: AlertStatusName; limit: number; json?: boolean }) => {
      const rows = await listAlerts(ctx.getDb(), { status: options.status, limit: options.limit });
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
      writeTable(ctx.io.stdout, ["ID", "KIND", "STATUS", "INVITE", "RAISED", "SENT / NEXT / FAILED", "ATTEMPTS", "LAST ERROR"], table);
    });

  alerts
    .command("retry")
    .description("send failed alerts again (all or nothing: an unknown id, or one that is not failed, changes nothing)")
    .addArgument(new Argument("[ids...]", "alert ids (see: invite-monitor alerts --status failed)").argParser(collectAlertIds))
    .option("--failed", "every failed alert")
    .action(async (ids: number[] | undefined, options: { failed?: boolean }) => {
      const given = ids ?? [];
      if (options.failed && given.length > 0) throw new InviteMonitorError("INPUT_INVALID", "give alert ids or --failed, not both");
      if (!options.failed && given.length === 0) throw new InviteMonitorError("INPUT_INVALID", "give alert ids, or --failed for every failed alert");
      const outcome = await retryAlerts(ctx.getDb(), options.failed ? { allFailed: true } : { ids: given }, ctx.io.clock());
      const refused = [
        ...outcome.unknown.map((id) => `  alert ${id} does not exist`),
        ...outcome.notFailed.map((a) => `  alert ${a.id} is ${a.status}, not failed${a.status === "pending" ? " (it is already queued)" : " (it was sent)"}`),
      ];
      if (refused.length > 0) {
        throw new InviteMonitorError("INPUT_INVALID", `only failed alerts can be retried; nothing was changed:\n${refused.join("\n")}\n  (see: invite-monitor alerts --status failed)`);
      }
      const count = outcome.queued.length;
      const withheld = outcome.withheld > 0 ? ` ${outcome.withheld} withheld by untrack left as they are (retry them by id to send them).` : "";
      ctx.io.stdout(`${count} failed alert${count === 1 ? "" : "s"} queued for delivery again.${withheld}\n`);
    });
}

/** The variadic argument's parser: each id in decimal digits, collected into one list. */
function collectAlertIds(raw: string, previous: number[] | undefined): number[] {
  return [...(previous ?? []), wholeNumber(1, MAX_ALERT_ID)(raw)];
}

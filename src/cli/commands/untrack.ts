import type { Command } from "commander";
import { InviteMonitorError } from "../../lib/errors.js";
import { previewPurge, purgeInvites, untrackInvites } from "../../storage/untrackInvites.js";
import type { CliContext } from "../cliContext.js";
import { confirm } from "../confirm.js";
import { toJson } from "../format.js";
import { readIdSources } from "../readIdSources.js";

interface UntrackOptions {
  purge?: boolean;
  yes?: boolean;
  json?: boolean;
}

export function registerUntrack(program: Command, ctx: CliContext): void {
  program
    .command("untrack")
    .description("stop polling and alerting for invites, keeping their history (list --all); --purge deletes it")
    .argument("<ids...>", "invite ids (32 hex characters)")
    .option("--purge", "delete the invites, their snapshots and their alerts (asks first)")
    .option("-y, --yes", "with --purge: delete without asking")
    .option("--json", "print the result as JSON")
    .action(async (rawIds: string[], options: UntrackOptions) => {
      if (options.yes && !options.purge) throw new InviteMonitorError("INPUT_INVALID", "--yes confirms --purge; without --purge nothing is deleted, so there is nothing to confirm");
      // The same reader as `track`: every bad argument is named by its position, and nothing changes.
      const ids = (await readIdSources({ args: rawIds })).entries.map((e) => e.id);
      const db = ctx.getDb();
      if (options.purge) return purge(ctx, ids, options);

      const outcome = await untrackInvites(db, ids, ctx.io.clock());
      if (outcome.unknown.length > 0) throw notTracked(outcome.unknown);
      if (options.json) {
        ctx.io.stdout(`${toJson({ untracked: outcome.untracked, alreadyUntracked: outcome.alreadyUntracked, alertsWithheld: outcome.alertsWithheld })}\n`);
        return;
      }
      const lines = [
        `Untracked ${plural(outcome.untracked.length, "invite")}: no longer polled nor alerted; the history is kept (see: invite-monitor list --all).`,
      ];
      if (outcome.alreadyUntracked.length > 0) lines.push(`${plural(outcome.alreadyUntracked.length, "invite")} already untracked: ${outcome.alreadyUntracked.join(", ")}.`);
      if (outcome.alertsWithheld > 0) lines.push(`${plural(outcome.alertsWithheld, "pending alert")} not sent, marked failed (see: invite-monitor alerts --status failed).`);
      lines.push("To watch them again: invite-monitor track <id...>.");
      ctx.io.stdout(`${lines.join("\n")}\n`);
    });
}

async function purge(ctx: CliContext, ids: string[], options: UntrackOptions): Promise<void> {
  const db = ctx.getDb();
  const preview = await previewPurge(db, ids);
  if (preview.unknown.length > 0) throw notTracked(preview.unknown);
  const what = `${plural(preview.invites, "invite")}, ${plural(preview.snapshots, "snapshot")} and ${plural(preview.alerts, "alert")}`;
  if (!options.yes) {
    if (!ctx.io.stdin.isTTY) {
      throw new InviteMonitorError("INPUT_INVALID", `--purge would delete ${what} for good; confirm on a terminal, or pass --yes. Nothing was deleted.`);
    }
    if (!(await confirm(ctx.io, `Delete ${what}? This cannot be undone.`))) {
      throw new InviteMonitorError("INPUT_INVALID", "not confirmed: nothing was deleted");
    }
  }
  const deleted = await purgeInvites(db, ids);
  if (options.json) {
    ctx.io.stdout(`${toJson({ purged: ids, ...deleted })}\n`);
    return;
  }
  ctx.io.stdout(`Deleted ${plural(deleted.invites, "invite")}, ${plural(deleted.snapshots, "snapshot")} and ${plural(deleted.alerts, "alert")}.\n`);
}

function notTracked(unknown: readonly string[]): InviteMonitorError {
  const shown = unknown.map((id) => `  ${id} is not tracked`);
  return new InviteMonitorError("INVITE_NOT_TRACKED", `${plural(unknown.length, "id")} not tracked; nothing was changed:\n${shown.join("\n")}\n  (see: invite-monitor list --all)`);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

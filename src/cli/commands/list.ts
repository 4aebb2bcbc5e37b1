import { InvalidArgumentError, Option, type Command } from "commander";
import { parseDuration } from "../../lib/duration.js";
import { NOT_VISIBLE_HINT } from "../../observations/planObservation.js";
import { STATUS_FILTERS, type InviteFilter, type StatusFilter } from "../../storage/inviteFilter.js";
import { inviteTableShape, listInvitePages, type InviteSummary } from "../../storage/readInvites.js";
import type { CliContext } from "../cliContext.js";
import { formatTime, tableLine } from "../format.js";

const HEADER = ["ID", "LABEL", "STATUS", "EFFECTIVE", "EXPIRES", "LAST CHECK", "NEXT CHECK", "FAILURES"];
/** Widths of the columns whose values have a known longest form: ids, the effective statuses, times, "(untracked)". */
const FIXED = { id: 32, effective: "(not checked yet)".length, time: "2026-11-28 20:14Z".length };
/** Ten years: longer than any invite lives, and a bound that keeps a typo from overflowing a date. */
const MAX_EXPIRING_WITHIN_MS = 3650 * 86_400_000;

interface ListOptions {
  json?: boolean;
  status?: StatusFilter;
  expiringWithin?: number;
  failing?: boolean;
  all?: boolean;
}

export function registerList(program: Command, ctx: CliContext): void {
  program
    .command("list")
    .description("show the tracked invites: status, effective status, expiry and checks (filters combine)")
    .addOption(new Option("--status <status>", "only invites with this effective status (unchecked: not polled yet)").choices([...STATUS_FILTERS]))
    .addOption(new Option("--expiring-within <duration>", "only pending invites that expire within this long, e.g. 24h or 7d").argParser(expiringWithin))
    .option("--failing", "only invites whose last poll failed")
    .option("--all", "untracked invites too (their history is kept)")
    .option("--json", "print JSON for scripts")
    .action(async (options: ListOptions) => {
      const db = ctx.getDb();
      const filter: InviteFilter = { status: options.status, expiringWithinMs: options.expiringWithin, failing: options.failing, includeUntracked: options.all };
      const now = ctx.io.clock();
      // Printed a page at a time, so 100,000 invites fit the image's 128 MB heap.
      if (options.json) {
        let first = true;
        for await (const page of listInvitePages(db, { filter, now })) {
          const items = page.map((invite) => JSON.stringify(invite, null, 2).replace(/^/gm, "  "));
          ctx.io.stdout(`${first ? "[\n" : ",\n"}${items.join(",\n")}`);
          first = false;
        }
        ctx.io.stdout(first ? "[]\n" : "\n]\n");
        return;
      }
      const shape = await inviteTableShape(db, { filter, now });
      if (shape.count === 0) {
        const filtered = filter.status !== undefined || filter.expiringWithinMs !== undefined || filter.failing;
        ctx.io.stdout(filtered ? "No invites match.\n" : "No invites tracked yet. Add some with: invite-monitor track <id...>\n");
        return;
      }
      const widths = [FIXED.id, shape.labelWidth, Math.max(shape.apiStatusWidth, 1), FIXED.effective, FIXED.time, FIXED.time, FIXED.time].map((w, i) => Math.max(w, HEADER[i]!.length));
      ctx.io.stdout(`${tableLine(HEADER, widths)}\n`);
      let notVisible = false;
      for await (const page of listInvitePages(db, { filter, now })) {
        notVisible ||= page.some((i) => i.notVisible);
        ctx.io.stdout(`${page.map((invite) => tableLine(cells(invite), widths)).join("\n")}\n`);
      }
      if (notVisible) {
        ctx.io.stdout(`\nnot visible: ${NOT_VISIBLE_HINT.replace(/^not visible: /, "")}. Such an invite is checked again with backoff and raises no alert; track it with the invitee's token.\n`);
      }
    });
}

/**
 * `--expiring-within`: a duration such as 24h, 7d or 90m. Its unit is required: a bare "24" would be 24 seconds (as
 * in the configuration), which is not what anyone typing it means.
 */
function expiringWithin(raw: string): number {
  const ms = /^\d+(?:\.\d+)?(?:ms|s|m|h|d)$/i.test(raw) ? parseDuration(raw) : null;
  if (ms === null || ms <= 0 || ms > MAX_EXPIRING_WITHIN_MS) throw new InvalidArgumentError("Expected a duration with its unit, such as 24h, 7d or 90m.");
  return ms;
}

function cells(i: InviteSummary): string[] {
  return [
    i.id,
    i.label ?? "",
    i.apiStatus ?? "-",
    i.notVisible ? "not visible" : (i.effectiveStatus ?? "(not checked yet)"),
    formatTime(i.expiresOn),
    formatTime(i.lastCheckedAt),
    i.untrackedAt ? "(untracked)" : i.active ? formatTime(i.nextCheckAt) : "(final)",
    i.consecutiveFailures > 0 ? `${i.consecutiveFailures}: ${i.lastError ?? ""}` : "",
  ];
}

import type { Command } from "commander";
import { NOT_VISIBLE_HINT } from "../../observations/planObservation.js";
import { inviteTableShape, listInvitePages, type InviteSummary } from "../../storage/readInvites.js";
import type { CliContext } from "../cliContext.js";
import { formatTime, tableLine } from "../format.js";

const HEADER = ["ID", "LABEL", "STATUS", "EFFECTIVE", "EXPIRES", "LAST CHECK", "NEXT CHECK", "FAILURES"];
/** Widths of the columns whose values have a known longest form: ids, the effective statuses, times, "(final)". */
const FIXED = { id: 32, effective: "(not checked yet)".length, time: "2026-11-28 20:14Z".length };

export function registerList(program: Command, ctx: CliContext): void {
  program
    .command("list")
    .description("show every tracked invite: status, effective status, expiry and checks")
    .option("--json", "print JSON for scripts")
    .action(async (options: { json?: boolean }) => {
      const db = ctx.getDb();
      // Printed a page at a time, so 100,000 invites fit the image's 128 MB heap.
      if (options.json) {
        let first = true;
        for await (const page of listInvitePages(db)) {
          const items = page.map((invite) => JSON.stringify(invite, null, 2).replace(/^/gm, "  "));
          ctx.io.stdout(`${first ? "[\n" : ",\n"}${items.join(",\n")}`);
          first = false;
        }
        ctx.io.stdout(first ? "[]\n" : "\n]\n");
        return;
      }
      const shape = await inviteTableShape(db);
      if (shape.count === 0) {
        ctx.io.stdout("No invites tracked yet. Add some with: invite-monitor track <id...>\n");
        return;
      }
      const widths = [FIXED.id, shape.labelWidth, Math.max(shape.apiStatusWidth, 1), FIXED.effective, FIXED.time, FIXED.time, FIXED.time].map((w, i) => Math.max(w, HEADER[i]!.length));
      ctx.io.stdout(`${tableLine(HEADER, widths)}\n`);
      let notVisible = false;
      for await (const page of listInvitePages(db)) {
        notVisible ||= page.some((i) => i.notVisible);
        ctx.io.stdout(`${page.map((invite) => tableLine(cells(invite), widths)).join("\n")}\n`);
      }
      if (notVisible) {
        ctx.io.stdout(`\nnot visible: ${NOT_VISIBLE_HINT.replace(/^not visible: /, "")}. Such an invite is checked again with backoff and raises no alert; track it with the invitee's token.\n`);
      }
    });
}

function cells(i: InviteSummary): string[] {
  return [
    i.id,
    i.label ?? "",
    i.apiStatus ?? "-",
    i.notVisible ? "not visible" : (i.effectiveStatus ?? "(not checked yet)"),
    formatTime(i.expiresOn),
    formatTime(i.lastCheckedAt),
    i.active ? formatTime(i.nextCheckAt) : "(final)",
    i.consecutiveFailures > 0 ? `${i.consecutiveFailures}: ${i.lastError ?? ""}` : "",
  ];
}

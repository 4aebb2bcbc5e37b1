import { relativeTime } from "../alerts/relativeTime.js";
import { fieldLabel, isDateField } from "../invites/fieldLabels.js";
import type { FieldChange } from "../invites/inviteState.js";
import type { InviteDetail } from "../storage/inviteDetail.js";
import { formatTime, formatValue } from "./format.js";

/** What `check` found, for its output: the row before and after the poll, and the changes its snapshot recorded. */
export interface CheckReport {
  id: string;
  /** The poll's outcome: invite, not-found, rejected, failure or rate-limited. */
  outcome: string;
  /** What the poll recorded: a change (or first sight), a failure, or nothing new. */
  result: "changed" | "first" | "failed" | "unchanged";
  status: string;
  changes: FieldChange[];
  lastError: string | null;
  consecutiveFailures: number;
  expiresOn: Date | null;
  nextCheckAt: Date | null;
  checkedAt: Date | null;
}

type CheckState = Pick<InviteDetail, "effectiveStatus" | "notVisible" | "consecutiveFailures" | "lastCheckedAt" | "lastError" | "expiresOn" | "nextCheckAt" | "snapshots">;

/** Compares the row before and after one poll. Pure: the rows are read by the caller. */
export function compareCheck(id: string, outcome: string, before: CheckState, after: CheckState): CheckReport {
  const seen = new Set(before.snapshots.map((s) => s.id));
  const fresh = after.snapshots.filter((s) => !seen.has(s.id));
  const changes = fresh.flatMap((s) => s.changes);
  const failed = after.consecutiveFailures > 0 && (after.consecutiveFailures > before.consecutiveFailures || after.lastCheckedAt?.getTime() !== before.lastCheckedAt?.getTime());
  const result = fresh.some((s) => s.first) ? "first" : changes.length > 0 ? "changed" : failed ? "failed" : "unchanged";
  return {
    id,
    outcome,
    result,
    status: after.notVisible ? "not visible" : (after.effectiveStatus ?? "not checked yet"),
    changes,
    lastError: failed ? after.lastError : null,
    consecutiveFailures: after.consecutiveFailures,
    expiresOn: after.expiresOn,
    nextCheckAt: after.nextCheckAt,
    checkedAt: after.lastCheckedAt,
  };
}

/** The report as lines for a terminal. `now` makes the relative times ("in 6 days"). */
export function describeCheck(report: CheckReport, now: Date): string[] {
  const expires = report.expiresOn ? `, expires ${formatTime(report.expiresOn)} (${relativeTime(report.expiresOn, now)})` : "";
  const lines: string[] = [];
  switch (report.result) {
    case "first":
      lines.push(`${report.id}: first observation: ${report.status}${report.status === "pending" ? expires : ""}`);
      break;
    case "changed":
      lines.push(`${report.id}: ${report.status}${report.status === "pending" ? expires : ""}`);
      lines.push(`  changed: ${report.changes.map(describeChange).join("; ")}`);
      break;
    case "failed":
      lines.push(`${report.id}: the poll failed (${report.consecutiveFailures} in a row): ${report.lastError ?? "unknown error"}`);
      break;
    case "unchanged":
      lines.push(`${report.id}: still ${report.status}${report.status === "pending" ? expires : ""}; nothing changed`);
      break;
  }
  lines.push(report.nextCheckAt ? `  next check: ${formatTime(report.nextCheckAt)} (${relativeTime(report.nextCheckAt, now)})` : `  no longer polled: ${report.status} is final`);
  return lines;
}

function describeChange(change: FieldChange): string {
  const date = isDateField(change.field);
  return `${fieldLabel(change.field)}: ${formatValue(change.old, date)} → ${formatValue(change.new, date)}`;
}

import { expect } from "vitest";
import type { FaultOutcome } from "./faultRun.js";

/**
 * The suite's promises, checked for every fault: every transition has its snapshot (and only one), every alert
 * reached Slack, no duplicate outside the documented send/commit window, no request while Cloudflare blocked us,
 * and the daemon converged by itself. One comparison, so a failure names everything that went wrong at once.
 */
export function expectClean(outcome: FaultOutcome): void {
  const context = [
    outcome.summary,
    ...outcome.details,
    ...outcome.snapshotAnomalies.slice(0, 8).map((a) => `snapshot: ${a}`),
    ...outcome.alertAnomalies.slice(0, 8).map((a) => `alert: ${a}`),
  ].join("\n");
  expect(
    {
      lost: outcome.lost,
      duplicates: outcome.duplicates,
      requestsDuringBlock: outcome.requestsDuringBlock,
      transitionsWithoutSnapshot: outcome.transitions - outcome.snapshots,
      invitesWithWrongSnapshotCount: outcome.snapshotAnomalies.length,
      alertRowsMissingDoubledOrUndelivered: outcome.alertAnomalies.length,
      recovered: outcome.recovered,
    },
    context,
  ).toEqual({
    lost: 0,
    duplicates: 0,
    requestsDuringBlock: 0,
    transitionsWithoutSnapshot: 0,
    invitesWithWrongSnapshotCount: 0,
    alertRowsMissingDoubledOrUndelivered: 0,
    recovered: true,
  });
}

import { InviteMonitorError } from "../lib/errors.js";
import { onlyTimesMoved } from "../observations/onlyTimesMoved.js";
import { planObservation, type Observation, type ObservationPlan, type PlanSettings } from "../observations/planObservation.js";
import { readInviteStates, writeInviteStates, type InviteWrite } from "../storage/inviteStateRows.js";
import type { Sql } from "../storage/sqlPool.js";

export type RecordResult = ObservationPlan | { kind: "untracked" };

export interface ObservationToRecord {
  inviteId: string;
  observation: Observation;
  /** When it was observed: the snapshot's observed_at, and the clock the rules run on. */
  now: Date;
}

/** Concurrent writers can only make a round retry while they are themselves making progress. */
const MAX_ATTEMPTS = 20;

/**
 * Records a batch of observations: read the rows, plan each observation against its row (the pure rules), and write
 * the plans back only where the row is still the version that was read. A row another writer changed in between (a
 * second worker observing the same invite, a mute) is read and planned again against what that writer stored, so
 * one change can never yield two snapshots. An invite observed twice in one batch is planned in order.
 *
 * This is the hot path of every poll, so a batch costs two round trips whatever its size (BENCHMARKS.md, row 1).
 */
export async function recordObservations(sql: Sql, items: readonly ObservationToRecord[], settings: PlanSettings): Promise<RecordResult[]> {
  const results: RecordResult[] = new Array(items.length);
  for (const round of roundsOfDistinctInvites(items)) {
    let pending = round;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) {
        throw new InviteMonitorError("WRITE_CONFLICT", `could not record ${pending.length} observation(s): their invites kept changing under the write`);
      }
      const rows = await readInviteStates(sql, pending.map((i) => items[i]!.inviteId));
      const writes: InviteWrite[] = [];
      const planned: number[] = [];
      for (const index of pending) {
        const { inviteId, observation, now } = items[index]!;
        const row = rows.get(inviteId);
        if (!row) {
          results[index] = { kind: "untracked" };
          continue;
        }
        const plan = planObservation(row.invite, observation, now, settings);
        results[index] = plan;
        if (plan.kind !== "write") continue;
        planned.push(index);
        const timesOnly = plan.snapshot === null && plan.alerts.length === 0 && onlyTimesMoved(row.invite, plan.next);
        writes.push({ inviteId, version: row.version, next: plan.next, snapshot: plan.snapshot, alerts: plan.alerts, observedAt: now, timesOnly });
      }
      const written = await writeInviteStates(sql, writes);
      pending = planned.filter((index) => !written.has(items[index]!.inviteId));
    }
  }
  return results;
}

/** Splits item indexes into rounds in which every invite appears at most once, keeping each invite's order. */
function roundsOfDistinctInvites(items: readonly ObservationToRecord[]): number[][] {
  const rounds: number[][] = [];
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const round = seen.get(item.inviteId) ?? 0;
    seen.set(item.inviteId, round + 1);
    (rounds[round] ??= []).push(index);
  });
  return rounds;
}

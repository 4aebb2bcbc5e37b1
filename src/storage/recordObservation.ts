import type { EffectiveStatus, StoredInviteState } from "../invites/inviteState.js";
import { planObservation, type Observation, type ObservationPlan, type ScheduleSettings } from "../invites/planObservation.js";
import { Prisma } from "../generated/prisma/client.js";
import type { Db } from "./db.js";

export type RecordResult = ObservationPlan | { kind: "untracked" };

/**
 * Writes one observation atomically: the invite's new state and, when something changed, its snapshot.
 * The invite row is locked first, so two workers observing the same invite at once are serialized, and the
 * second one diffs against what the first wrote: one change can never yield two snapshots.
 */
export async function recordObservation(
  db: Db,
  inviteId: string,
  observation: Observation,
  now: Date,
  schedule: ScheduleSettings,
): Promise<RecordResult> {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM tracked_invite WHERE id = ${inviteId} FOR UPDATE`;
    const row = await tx.trackedInvite.findUnique({ where: { id: inviteId } });
    if (!row) return { kind: "untracked" } as const;

    const plan = planObservation(toStoredState(row), observation, now, schedule);
    if (plan.kind === "skip") return plan;

    const { payload, ...update } = plan.update;
    await tx.trackedInvite.update({
      where: { id: inviteId },
      data: { ...update, ...(payload === undefined ? {} : { payload: jsonOrNull(payload) }) },
    });
    if (plan.snapshot) {
      const s = plan.snapshot;
      await tx.snapshot.create({
        data: {
          inviteId,
          observedAt: s.observedAt,
          apiStatus: s.apiStatus,
          effectiveStatus: s.effectiveStatus,
          expiresOn: s.expiresOn,
          payload: jsonOrNull(s.payload),
          changedFields: s.changes.map((c) => c.field),
          changes: s.changes as unknown as Prisma.InputJsonValue,
          first: s.first,
        },
      });
    }
    return plan;
  });
}

function toStoredState(row: Prisma.TrackedInviteGetPayload<object>): StoredInviteState {
  return {
    apiStatus: row.apiStatus,
    effectiveStatus: row.effectiveStatus as EffectiveStatus | null,
    expiresOn: row.expiresOn,
    invitedMemberId: row.invitedMemberId,
    invitedMemberEmail: row.invitedMemberEmail,
    organizationId: row.organizationId,
    organizationName: row.organizationName,
    invitedBy: row.invitedBy,
    invitedOn: row.invitedOn,
    roles: row.roles,
    twoFactorEnforced: row.twoFactorEnforced,
    payload: row.payload as Record<string, unknown> | null,
    lastCheckedAt: row.lastCheckedAt,
    consecutiveFailures: row.consecutiveFailures,
    active: row.active,
  };
}

function jsonOrNull(value: Record<string, unknown> | null): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return value === null ? Prisma.DbNull : (value as Prisma.InputJsonValue);
}

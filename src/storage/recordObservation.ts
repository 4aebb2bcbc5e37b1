import { decideAlerts, type AlertDecision } from "../alerts/decideAlerts.js";
import type { EffectiveStatus, InviteFields, StoredInviteState } from "../invites/inviteState.js";
import { planObservation, type Observation, type ObservationPlan, type ScheduleSettings } from "../invites/planObservation.js";
import { Prisma } from "../generated/prisma/client.js";
import type { Db } from "./db.js";
import { insertAlerts } from "./insertAlerts.js";

export type RecordResult = (ObservationPlan & { alerts?: AlertDecision["alerts"] }) | { kind: "untracked" };

/**
 * Writes one observation atomically: the invite's new state, its snapshot when something changed, and the alerts
 * the change raises (the outbox), so an alert exists exactly when its cause was recorded.
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

    const stored = toStoredState(row);
    const decision =
      observation.kind === "failure"
        ? null
        : decideAlerts(
            inviteId,
            {
              label: row.label,
              muted: row.muted,
              effectiveStatus: stored.effectiveStatus,
              expiryAlertedFor: row.expiryAlertedFor,
              expiryAlertedThresholdMs: row.expiryAlertedThresholdSec === null ? null : row.expiryAlertedThresholdSec * 1000,
            },
            { ...pickFields(stored), ...plan.update, effectiveStatus: plan.update.effectiveStatus ?? "unknown" },
            now,
            schedule.expiryThresholdsMs,
          );

    const { payload, ...update } = plan.update;
    await tx.trackedInvite.update({
      where: { id: inviteId },
      data: {
        ...update,
        ...(payload === undefined ? {} : { payload: jsonOrNull(payload) }),
        ...(decision
          ? {
              expiryAlertedFor: decision.expiryAlertedFor,
              expiryAlertedThresholdSec: decision.expiryAlertedThresholdMs === null ? null : Math.round(decision.expiryAlertedThresholdMs / 1000),
            }
          : {}),
      },
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
    if (decision) await insertAlerts(tx, decision.alerts, now);
    return { ...plan, alerts: decision?.alerts ?? [] };
  });
}

function pickFields(state: StoredInviteState): InviteFields {
  const { effectiveStatus: _e, payload: _p, lastCheckedAt: _l, consecutiveFailures: _c, active: _a, ...fields } = state;
  return fields;
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

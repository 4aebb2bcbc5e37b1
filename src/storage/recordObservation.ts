import { decideAlerts, type AlertDecision } from "../alerts/decideAlerts.js";
import type { EffectiveStatus, InviteFields, StoredInviteState } from "../invites/inviteState.js";
import { planObservation, type InviteUpdate, type Observation, type ObservationPlan, type ScheduleSettings } from "../invites/planObservation.js";
import { Prisma } from "../generated/prisma/client.js";
import type { Db } from "./db.js";
import { insertAlerts } from "./insertAlerts.js";

export type RecordResult = (ObservationPlan & { alerts?: AlertDecision["alerts"] }) | { kind: "untracked" };

/**
 * Writes one observation atomically: the invite's new state, its snapshot when something changed, and the alerts
 * the change raises (the outbox), so an alert exists exactly when its cause was recorded.
 * The invite row is locked first, so two workers observing the same invite at once are serialized, and the
 * second one diffs against what the first wrote: one change can never yield two snapshots.
 *
 * This is the hot path of every poll, so it speaks SQL through Prisma's raw queries: the model API compiled each
 * query in WebAssembly and cost about 4 ms of CPU per poll (see BENCHMARKS.md).
 */
export async function recordObservation(
  db: Db,
  inviteId: string,
  observation: Observation,
  now: Date,
  schedule: ScheduleSettings,
): Promise<RecordResult> {
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<InviteRow[]>`SELECT ${Prisma.raw(SELECTED)} FROM tracked_invite WHERE id = ${inviteId} FOR UPDATE`;
    if (!row) return { kind: "untracked" } as const;

    const stored = toStoredState(row);
    const plan = planObservation(stored, observation, now, schedule);
    if (plan.kind === "skip") return plan;

    const decision =
      observation.kind === "failure"
        ? null
        : decideAlerts(
            inviteId,
            {
              label: row.label,
              muted: row.muted,
              effectiveStatus: stored.effectiveStatus,
              expiryAlertedFor: row.expiry_alerted_for,
              expiryAlertedThresholdMs: row.expiry_alerted_threshold_sec === null ? null : row.expiry_alerted_threshold_sec * 1000,
            },
            { ...pickFields(stored), ...plan.update, effectiveStatus: plan.update.effectiveStatus ?? "unknown" },
            now,
            schedule.expiryThresholdsMs,
          );

    const assignments = updateAssignments(plan.update);
    if (decision) {
      assignments.push(Prisma.sql`expiry_alerted_for = ${decision.expiryAlertedFor}`);
      assignments.push(
        Prisma.sql`expiry_alerted_threshold_sec = ${decision.expiryAlertedThresholdMs === null ? null : Math.round(decision.expiryAlertedThresholdMs / 1000)}::int`,
      );
    }
    await tx.$executeRaw`UPDATE tracked_invite SET ${Prisma.join(assignments, ", ")} WHERE id = ${inviteId}`;

    if (plan.snapshot) {
      const s = plan.snapshot;
      await tx.$executeRaw`
        INSERT INTO snapshot (invite_id, observed_at, api_status, effective_status, expires_on, payload, changed_fields, changes, first)
        VALUES (${inviteId}, ${s.observedAt}, ${s.apiStatus}, ${s.effectiveStatus}::"EffectiveStatus", ${s.expiresOn},
                ${json(s.payload)}::jsonb, ${s.changes.map((c) => c.field)}::text[], ${JSON.stringify(s.changes)}::jsonb, ${s.first})`;
    }
    // Alerts are rare (only on changes), so the outbox insert can use the shared model-API path.
    if (decision) await insertAlerts(tx, decision.alerts, now);
    return { ...plan, alerts: decision?.alerts ?? [] };
  });
}

/** The columns the rules read, as Postgres names them. */
interface InviteRow {
  label: string | null;
  muted: boolean;
  api_status: string | null;
  effective_status: EffectiveStatus | null;
  expires_on: Date | null;
  invited_member_id: string | null;
  invited_member_email: string | null;
  organization_id: string | null;
  organization_name: string | null;
  invited_by: string | null;
  invited_on: Date | null;
  roles: string[];
  two_factor_enforced: boolean | null;
  payload: Record<string, unknown> | null;
  last_checked_at: Date | null;
  consecutive_failures: number;
  active: boolean;
  expiry_alerted_for: Date | null;
  expiry_alerted_threshold_sec: number | null;
}

const SELECTED = [
  "label", "muted", "api_status", "effective_status::text AS effective_status", "expires_on", "invited_member_id", "invited_member_email",
  "organization_id", "organization_name", "invited_by", "invited_on", "roles", "two_factor_enforced", "payload", "last_checked_at",
  "consecutive_failures", "active", "expiry_alerted_for", "expiry_alerted_threshold_sec",
].join(", ");

/** Each field of the plan's update, as a SQL assignment. Undefined fields are left as they are. */
function updateAssignments(update: InviteUpdate): Prisma.Sql[] {
  const columns: { [K in keyof InviteUpdate]-?: (value: NonNullable<InviteUpdate[K]> | null) => Prisma.Sql } = {
    apiStatus: (v) => Prisma.sql`api_status = ${v}`,
    expiresOn: (v) => Prisma.sql`expires_on = ${v}`,
    invitedMemberId: (v) => Prisma.sql`invited_member_id = ${v}`,
    invitedMemberEmail: (v) => Prisma.sql`invited_member_email = ${v}`,
    organizationId: (v) => Prisma.sql`organization_id = ${v}`,
    organizationName: (v) => Prisma.sql`organization_name = ${v}`,
    invitedBy: (v) => Prisma.sql`invited_by = ${v}`,
    invitedOn: (v) => Prisma.sql`invited_on = ${v}`,
    roles: (v) => Prisma.sql`roles = ${v ?? []}::text[]`,
    twoFactorEnforced: (v) => Prisma.sql`two_factor_enforced = ${v}`,
    effectiveStatus: (v) => Prisma.sql`effective_status = ${v}::"EffectiveStatus"`,
    payload: (v) => Prisma.sql`payload = ${json(v)}::jsonb`,
    active: (v) => Prisma.sql`active = ${v}`,
    nextCheckAt: (v) => Prisma.sql`next_check_at = ${v}`,
    lastCheckedAt: (v) => Prisma.sql`last_checked_at = ${v}`,
    lastChangedAt: (v) => Prisma.sql`last_changed_at = ${v}`,
    consecutiveFailures: (v) => Prisma.sql`consecutive_failures = ${v}`,
    lastError: (v) => Prisma.sql`last_error = ${v}`,
    lastErrorAt: (v) => Prisma.sql`last_error_at = ${v}`,
  };
  return (Object.keys(columns) as Array<keyof InviteUpdate>)
    .filter((key) => update[key] !== undefined)
    .map((key) => (columns[key] as (value: unknown) => Prisma.Sql)(update[key]));
}

function json(value: Record<string, unknown> | null | undefined): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function toStoredState(row: InviteRow): StoredInviteState {
  return {
    apiStatus: row.api_status,
    effectiveStatus: row.effective_status,
    expiresOn: row.expires_on,
    invitedMemberId: row.invited_member_id,
    invitedMemberEmail: row.invited_member_email,
    organizationId: row.organization_id,
    organizationName: row.organization_name,
    invitedBy: row.invited_by,
    invitedOn: row.invited_on,
    roles: row.roles ?? [],
    twoFactorEnforced: row.two_factor_enforced,
    payload: row.payload,
    lastCheckedAt: row.last_checked_at,
    consecutiveFailures: row.consecutive_failures,
    active: row.active,
  };
}

function pickFields(state: StoredInviteState): InviteFields {
  const { effectiveStatus: _e, payload: _p, lastCheckedAt: _l, consecutiveFailures: _c, active: _a, ...fields } = state;
  return fields;
}

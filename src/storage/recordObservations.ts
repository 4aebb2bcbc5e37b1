import { decideAlerts, type AlertDecision } from "../alerts/decideAlerts.js";
import type { AlertDraft } from "../alerts/alertTypes.js";
import { pickInviteFields, type EffectiveStatus, type StoredInviteState } from "../invites/inviteState.js";
import { planObservation, type InviteUpdate, type Observation, type ObservationPlan, type ScheduleSettings, type SnapshotDraft } from "../invites/planObservation.js";
import type { Sql } from "./sqlPool.js";

export type RecordResult = (ObservationPlan & { alerts?: AlertDecision["alerts"] }) | { kind: "untracked" };

export interface ObservationToRecord {
  inviteId: string;
  observation: Observation;
  /** When it was observed: the snapshot's observed_at, and the clock the rules run on. */
  now: Date;
}

/**
 * Writes observations atomically: each invite's new state, its snapshot when something changed, and the alerts the
 * change raises (the outbox), in one statement, so an alert exists exactly when its cause was recorded.
 *
 * This is the hot path of every poll, so a batch costs two round trips whatever its size (rows travel as one JSON
 * parameter): read the rows, run the rules, then write them back only where the row is still the version that was
 * read (Postgres's xmin). A row another writer changed in between (a second worker observing the same invite, a
 * mute) is read again and planned against what that writer stored, so one change can never yield two snapshots.
 * An invite observed twice in one call is planned against its first observation. See BENCHMARKS.md, row 1.
 */
export async function recordObservations(sql: Sql, items: readonly ObservationToRecord[], schedule: ScheduleSettings): Promise<RecordResult[]> {
  const results: RecordResult[] = new Array(items.length);
  for (const round of roundsOfDistinctInvites(items)) {
    let pending = round;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) throw new Error(`could not record ${pending.length} observation(s): their invites kept changing under the write`);
      pending = await writeRound(sql, items, pending, schedule, results);
    }
  }
  return results;
}

/** Concurrent writers can only make a round retry while they are themselves making progress. */
const MAX_ATTEMPTS = 20;

/** Reads, plans and writes one round of distinct invites. Returns the indexes to try again (their rows changed). */
async function writeRound(sql: Sql, items: readonly ObservationToRecord[], round: number[], schedule: ScheduleSettings, results: RecordResult[]): Promise<number[]> {
  const { rows } = await sql.query<InviteRow>(SELECT_SQL, [round.map((i) => items[i]!.inviteId)]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const planned: number[] = [];
  const updates: Record<string, unknown>[] = [];
  const snapshots: Record<string, unknown>[] = [];
  const alerts: Record<string, unknown>[] = [];
  for (const index of round) {
    const item = items[index]!;
    const row = byId.get(item.inviteId);
    if (!row) {
      results[index] = { kind: "untracked" };
      continue;
    }
    const { result, update } = planRow(row, item, schedule);
    results[index] = result;
    if (result.kind !== "write" || !update) continue;
    planned.push(index);
    updates.push(update);
    if (result.snapshot) snapshots.push(snapshotRecord(item.inviteId, result.snapshot));
    alerts.push(...(result.alerts ?? []).map((a) => alertRecord(a, item.now)));
  }
  if (planned.length === 0) return [];
  const { rows: written } = await sql.query<{ id: string }>(WRITE_SQL, [JSON.stringify(updates), JSON.stringify(snapshots), JSON.stringify(alerts)]);
  const writtenIds = new Set(written.map((w) => w.id));
  // A row written by someone else since it was read keeps its provisional result only until it is planned again.
  return planned.filter((index) => !writtenIds.has(items[index]!.inviteId));
}

/** One observation, written alone. */
export async function recordObservation(sql: Sql, inviteId: string, observation: Observation, now: Date, schedule: ScheduleSettings): Promise<RecordResult> {
  const [result] = await recordObservations(sql, [{ inviteId, observation, now }], schedule);
  return result!;
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

/** Runs the pure rules for one observation against the row as read: what to write back, and what it raised. */
function planRow(row: InviteRow, item: ObservationToRecord, schedule: ScheduleSettings): { result: RecordResult; update: Record<string, unknown> | null } {
  const { inviteId, observation, now } = item;
  const stored = toStoredState(row);
  const plan = planObservation(stored, observation, now, schedule);
  if (plan.kind === "skip") return { result: plan, update: null };

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
          { ...pickInviteFields(stored), ...plan.update, effectiveStatus: plan.update.effectiveStatus ?? "unknown" },
          now,
          schedule.expiryThresholdsMs,
        );
  return { result: { ...plan, alerts: decision?.alerts ?? [] }, update: updateRecord(row, plan.update, decision) };
}

/** The invite's row after the plan: every written column, with the stored value where the plan leaves it alone. */
function updateRecord(row: InviteRow, u: InviteUpdate, decision: AlertDecision | null): Record<string, unknown> {
  const keep = <T>(value: T | undefined, stored: T): T => (value === undefined ? stored : value);
  return {
    id: row.id,
    version: row.version,
    api_status: keep(u.apiStatus, row.api_status),
    expires_on: keep(u.expiresOn, row.expires_on),
    invited_member_id: keep(u.invitedMemberId, row.invited_member_id),
    invited_member_email: keep(u.invitedMemberEmail, row.invited_member_email),
    organization_id: keep(u.organizationId, row.organization_id),
    organization_name: keep(u.organizationName, row.organization_name),
    invited_by: keep(u.invitedBy, row.invited_by),
    invited_on: keep(u.invitedOn, row.invited_on),
    roles: keep(u.roles, row.roles) ?? [],
    two_factor_enforced: keep(u.twoFactorEnforced, row.two_factor_enforced),
    effective_status: keep(u.effectiveStatus, row.effective_status),
    payload: keep(u.payload, row.payload),
    active: u.active,
    next_check_at: keep(u.nextCheckAt, row.next_check_at),
    last_checked_at: u.lastCheckedAt,
    last_changed_at: keep(u.lastChangedAt, row.last_changed_at),
    consecutive_failures: u.consecutiveFailures,
    last_error: keep(u.lastError, row.last_error),
    last_error_at: keep(u.lastErrorAt, row.last_error_at),
    expiry_alerted_for: decision ? decision.expiryAlertedFor : row.expiry_alerted_for,
    expiry_alerted_threshold_sec: decision
      ? decision.expiryAlertedThresholdMs === null
        ? null
        : Math.round(decision.expiryAlertedThresholdMs / 1000)
      : row.expiry_alerted_threshold_sec,
  };
}

function snapshotRecord(inviteId: string, s: SnapshotDraft): Record<string, unknown> {
  return {
    invite_id: inviteId,
    observed_at: s.observedAt,
    api_status: s.apiStatus,
    effective_status: s.effectiveStatus,
    expires_on: s.expiresOn,
    payload: s.payload,
    changed_fields: s.changes.map((c) => c.field),
    changes: s.changes,
    first: s.first,
  };
}

function alertRecord(a: AlertDraft, now: Date): Record<string, unknown> {
  return { dedup_key: a.dedupKey, kind: a.kind, invite_id: a.inviteId, content: a.content, created_at: now };
}

const SELECT_SQL = `SELECT id, xmin::text AS version, ${[
  "label", "muted", "api_status", "effective_status::text AS effective_status", "expires_on", "invited_member_id", "invited_member_email",
  "organization_id", "organization_name", "invited_by", "invited_on", "roles", "two_factor_enforced", "payload", "next_check_at",
  "last_checked_at", "last_changed_at", "consecutive_failures", "last_error", "last_error_at", "active", "expiry_alerted_for",
  "expiry_alerted_threshold_sec",
].join(", ")} FROM tracked_invite WHERE id = ANY($1::char(32)[])`;

// One statement, so all of it or none of it lands. Rows travel as jsonb arrays; jsonb_to_recordset turns them back
// into typed columns (JSON arrays into text[]). Snapshots and alerts are inserted only for the rows updated.
const WRITE_SQL = `
  WITH updated AS (
    UPDATE tracked_invite t SET
      api_status = v.api_status, expires_on = v.expires_on, invited_member_id = v.invited_member_id,
      invited_member_email = v.invited_member_email, organization_id = v.organization_id,
      organization_name = v.organization_name, invited_by = v.invited_by, invited_on = v.invited_on, roles = v.roles,
      two_factor_enforced = v.two_factor_enforced, effective_status = v.effective_status::"EffectiveStatus",
      payload = v.payload, active = v.active, next_check_at = v.next_check_at, last_checked_at = v.last_checked_at,
      last_changed_at = v.last_changed_at, consecutive_failures = v.consecutive_failures, last_error = v.last_error,
      last_error_at = v.last_error_at, expiry_alerted_for = v.expiry_alerted_for,
      expiry_alerted_threshold_sec = v.expiry_alerted_threshold_sec
    FROM jsonb_to_recordset($1::jsonb) AS v(
      id char(32), version text, api_status text, expires_on timestamptz, invited_member_id text,
      invited_member_email text, organization_id text, organization_name text, invited_by text, invited_on timestamptz,
      roles text[], two_factor_enforced boolean, effective_status text, payload jsonb, active boolean,
      next_check_at timestamptz, last_checked_at timestamptz, last_changed_at timestamptz, consecutive_failures int,
      last_error text, last_error_at timestamptz, expiry_alerted_for timestamptz, expiry_alerted_threshold_sec int)
    WHERE t.id = v.id AND t.xmin::text = v.version
    RETURNING t.id
  ),
  snapshots AS (
    INSERT INTO snapshot (invite_id, observed_at, api_status, effective_status, expires_on, payload, changed_fields, changes, first)
    SELECT invite_id, observed_at, api_status, effective_status::"EffectiveStatus", expires_on, payload, changed_fields, changes, first
    FROM jsonb_to_recordset($2::jsonb) AS s(
      invite_id char(32), observed_at timestamptz, api_status text, effective_status text, expires_on timestamptz,
      payload jsonb, changed_fields text[], changes jsonb, first boolean)
    WHERE s.invite_id IN (SELECT id FROM updated)
  ),
  -- A dedup key already there means the event was recorded before: skipped, like insertAlerts.
  alerts AS (
    INSERT INTO alert (dedup_key, kind, invite_id, content, created_at, next_attempt_at)
    SELECT dedup_key, kind::"AlertKind", invite_id, content, created_at, created_at
    FROM jsonb_to_recordset($3::jsonb) AS a(dedup_key text, kind text, invite_id char(32), content jsonb, created_at timestamptz)
    WHERE a.invite_id IN (SELECT id FROM updated)
    ON CONFLICT (dedup_key) DO NOTHING
  )
  SELECT id FROM updated`;

/** The columns the rules read and the update writes back, as Postgres names them. */
interface InviteRow {
  id: string;
  /** The row version read (xmin): the write lands only if the row is still this version. */
  version: string;
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
  next_check_at: Date;
  last_checked_at: Date | null;
  last_changed_at: Date | null;
  consecutive_failures: number;
  last_error: string | null;
  last_error_at: Date | null;
  active: boolean;
  expiry_alerted_for: Date | null;
  expiry_alerted_threshold_sec: number | null;
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

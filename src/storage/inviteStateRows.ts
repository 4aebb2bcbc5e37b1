import type { AlertDraft } from "../alerts/alertTypes.js";
import type { EffectiveStatus, InviteState, TrackedInvite } from "../invites/inviteState.js";
import type { SnapshotDraft } from "../observations/planObservation.js";
import { alertRecord, insertAlertsSql } from "./alertRows.js";
import type { Sql } from "./sqlPool.js";
import { ALERT_CHANNEL, wake } from "./wakeChannels.js";

/** A tracked invite as read, with the row version (Postgres's xmin) a write must still find. */
export interface VersionedInvite {
  invite: TrackedInvite;
  version: string;
}

/** One planned write: the invite's whole next state, its snapshot and its alerts, all or nothing. */
export interface InviteWrite {
  inviteId: string;
  /** The version the plan was made against: the write lands only if the row is still that version. */
  version: string;
  next: InviteState;
  snapshot: SnapshotDraft | null;
  alerts: readonly AlertDraft[];
  /** When the observation was made: the alerts' created_at. */
  observedAt: Date;
  /** Only last_checked_at and next_check_at differ from the row as read (an identical answer): two columns are written. */
  timesOnly: boolean;
}

/** Reads the invites with these ids, in one round trip. Missing ids are simply absent. */
export async function readInviteStates(sql: Sql, ids: readonly string[]): Promise<Map<string, VersionedInvite>> {
  const { rows } = await sql.query<InviteRow>(SELECT_SQL, [ids]);
  return new Map(rows.map((row) => [row.id, { invite: toInvite(row), version: row.version }]));
}

/**
 * Writes planned states in one statement, so all of it or none of it lands: each invite's row, its snapshot and its
 * alerts (the outbox), so an alert exists exactly when its cause was recorded. Rows travel as one JSON parameter (the
 * rows that only moved their check times as four arrays), so a batch costs one round trip whatever its size. Returns the ids written; a row another writer changed since it
 * was read is left alone, for the caller to read and plan again.
 */
export async function writeInviteStates(sql: Sql, writes: readonly InviteWrite[]): Promise<Set<string>> {
  if (writes.length === 0) return new Set();
  const full = writes.filter((w) => !w.timesOnly);
  const times = writes.filter((w) => w.timesOnly);
  const rows = full.map((w) => ({ id: w.inviteId, version: w.version, ...toRow(w.next) }));
  const snapshots = full.flatMap((w) => (w.snapshot ? [snapshotRecord(w.inviteId, w.snapshot)] : []));
  const alerts = full.flatMap((w) => w.alerts.map((a) => alertRecord(a, w.observedAt)));
  const { rows: written } = await sql.query<{ id: string }>(WRITE_SQL, [
    JSON.stringify(rows),
    JSON.stringify(snapshots),
    JSON.stringify(alerts),
    times.map((w) => w.inviteId),
    times.map((w) => w.version),
    times.map((w) => w.next.lastCheckedAt),
    times.map((w) => w.next.nextCheckAt),
  ]);
  const landed = new Set(written.map((w) => w.id));
  if (full.some((w) => w.alerts.length > 0 && landed.has(w.inviteId))) await wake(sql, ALERT_CHANNEL);
  return landed;
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

/** The state's columns as Postgres names them; the threshold is stored in whole seconds. */
function toRow(s: InviteState): Omit<InviteRow, "id" | "version" | "label" | "muted"> {
  return {
    api_status: s.apiStatus,
    expires_on: s.expiresOn,
    invited_member_id: s.invitedMemberId,
    invited_member_email: s.invitedMemberEmail,
    organization_id: s.organizationId,
    organization_name: s.organizationName,
    invited_by: s.invitedBy,
    invited_on: s.invitedOn,
    roles: s.roles,
    two_factor_enforced: s.twoFactorEnforced,
    effective_status: s.effectiveStatus,
    payload: s.payload,
    active: s.active,
    next_check_at: s.nextCheckAt,
    last_checked_at: s.lastCheckedAt,
    last_changed_at: s.lastChangedAt,
    consecutive_failures: s.consecutiveFailures,
    last_error: s.lastError,
    last_error_at: s.lastErrorAt,
    not_found_since: s.notFoundSince,
    expiry_alerted_for: s.expiryAlertedFor,
    expiry_alerted_threshold_sec: s.expiryAlertedThresholdMs === null ? null : Math.round(s.expiryAlertedThresholdMs / 1000),
  };
}

function toInvite(row: InviteRow): TrackedInvite {
  return {
    id: row.id,
    label: row.label,
    muted: row.muted,
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
    active: row.active,
    nextCheckAt: row.next_check_at,
    lastCheckedAt: row.last_checked_at,
    lastChangedAt: row.last_changed_at,
    consecutiveFailures: row.consecutive_failures,
    lastError: row.last_error,
    lastErrorAt: row.last_error_at,
    notFoundSince: row.not_found_since,
    expiryAlertedFor: row.expiry_alerted_for,
    expiryAlertedThresholdMs: row.expiry_alerted_threshold_sec === null ? null : row.expiry_alerted_threshold_sec * 1000,
  };
}

/** The columns the rules read and the write puts back, as Postgres names them. */
interface InviteRow {
  id: string;
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
  active: boolean;
  next_check_at: Date;
  last_checked_at: Date | null;
  last_changed_at: Date | null;
  consecutive_failures: number;
  last_error: string | null;
  last_error_at: Date | null;
  not_found_since: Date | null;
  expiry_alerted_for: Date | null;
  expiry_alerted_threshold_sec: number | null;
}

/** Every column the write sets, with its Postgres type: the SET list and the recordset's columns come from it. */
const WRITTEN_COLUMNS: ReadonlyArray<[string, string]> = [
  ["api_status", "text"], ["expires_on", "timestamptz"], ["invited_member_id", "text"], ["invited_member_email", "text"],
  ["organization_id", "text"], ["organization_name", "text"], ["invited_by", "text"], ["invited_on", "timestamptz"],
  ["roles", "text[]"], ["two_factor_enforced", "boolean"], ["effective_status", "text"], ["payload", "jsonb"], ["active", "boolean"],
  ["next_check_at", "timestamptz"], ["last_checked_at", "timestamptz"], ["last_changed_at", "timestamptz"],
  ["consecutive_failures", "int"], ["last_error", "text"], ["last_error_at", "timestamptz"], ["not_found_since", "timestamptz"],
  ["expiry_alerted_for", "timestamptz"], ["expiry_alerted_threshold_sec", "int"],
];

const SELECT_SQL = `SELECT id, xmin::text AS version, label, muted, effective_status::text AS effective_status, ${WRITTEN_COLUMNS.filter(([c]) => c !== "effective_status")
  .map(([c]) => c)
  .join(", ")} FROM tracked_invite WHERE id = ANY($1::char(32)[])`;

// Rows travel as jsonb arrays; jsonb_to_recordset turns them back into typed columns (JSON arrays into text[]).
// Snapshots and alerts are inserted only for the rows updated.
const WRITE_SQL = `
  WITH updated AS (
    UPDATE tracked_invite t SET ${WRITTEN_COLUMNS.map(([c]) => (c === "effective_status" ? `${c} = v.${c}::"EffectiveStatus"` : `${c} = v.${c}`)).join(", ")}
    FROM jsonb_to_recordset($1::jsonb) AS v(id char(32), version text, ${WRITTEN_COLUMNS.map(([c, type]) => `${c} ${type}`).join(", ")})
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
  alerts AS (${insertAlertsSql("$3", "WHERE a.invite_id IN (SELECT id FROM updated)")}),
  -- An identical answer moves two columns: a few bytes a row instead of the whole row as JSON.
  touched AS (
    UPDATE tracked_invite t SET last_checked_at = v.last_checked_at, next_check_at = v.next_check_at
    FROM unnest($4::char(32)[], $5::text[], $6::timestamptz[], $7::timestamptz[]) AS v(id, version, last_checked_at, next_check_at)
    WHERE t.id = v.id AND t.xmin::text = v.version
    RETURNING t.id
  )
  SELECT id FROM updated UNION ALL SELECT id FROM touched`;

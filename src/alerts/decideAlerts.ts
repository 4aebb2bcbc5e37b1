import type { EffectiveStatus, InviteFields } from "../invites/inviteState.js";
import { TRANSITION_KINDS, type AlertContent, type AlertDraft, type AlertKind } from "./alertTypes.js";

/** What the rules need to know about the invite before this observation. */
export interface AlertMemory {
  label: string | null;
  muted: boolean;
  /** Null before the first observation: nothing changed "while we watched" yet. */
  effectiveStatus: EffectiveStatus | null;
  /** The expires_on the last expiring alert was for, and the threshold it announced. */
  expiryAlertedFor: Date | null;
  expiryAlertedThresholdMs: number | null;
}

export interface AlertDecision {
  alerts: AlertDraft[];
  /** The expiring-alert bookkeeping to store with the new state. */
  expiryAlertedFor: Date | null;
  expiryAlertedThresholdMs: number | null;
}

/**
 * Which alerts one observation raises. Pure: the same inputs always raise the same alerts with the same keys.
 * - A transition into accepted, rejected, expired (by the API or by the date) or gone raises that kind, except on
 *   the first observation (nothing changed while we watched).
 * - A pending invite raises "expiring" for the nearest threshold it has crossed, once per threshold and
 *   expires_on: a later expires_on (a re-sent invite) arms every threshold again.
 * - A muted invite raises nothing, but its bookkeeping still moves, so unmuting does not replay old thresholds.
 */
export function decideAlerts(
  inviteId: string,
  memory: AlertMemory,
  after: InviteFields & { effectiveStatus: EffectiveStatus },
  now: Date,
  thresholdsMs: readonly number[],
): AlertDecision {
  const alerts: AlertDraft[] = [];
  let expiryAlertedFor = memory.expiryAlertedFor;
  let expiryAlertedThresholdMs = memory.expiryAlertedThresholdMs;
  const expiryKey = after.expiresOn ? after.expiresOn.toISOString() : "none";
  const content = (kind: AlertKind, thresholdMs: number | null = null): AlertContent => ({
    kind,
    inviteId,
    label: memory.label,
    invitedMemberEmail: after.invitedMemberEmail,
    organizationName: after.organizationName,
    organizationId: after.organizationId,
    roles: after.roles,
    invitedBy: after.invitedBy,
    invitedOn: after.invitedOn?.toISOString() ?? null,
    expiresOn: after.expiresOn?.toISOString() ?? null,
    oldStatus: memory.effectiveStatus,
    newStatus: after.effectiveStatus,
    thresholdMs,
    detail: null,
    occurredAt: now.toISOString(),
  });

  const transitioned = memory.effectiveStatus !== null && memory.effectiveStatus !== after.effectiveStatus;
  const kind = TRANSITION_KINDS.find((k) => k === after.effectiveStatus);
  if (transitioned && kind) {
    alerts.push({ dedupKey: `invite:${inviteId}:${kind}:${expiryKey}`, kind, inviteId, content: content(kind) });
  }

  if (after.effectiveStatus === "pending" && after.expiresOn) {
    const remaining = after.expiresOn.getTime() - now.getTime();
    const crossed = thresholdsMs.filter((t) => remaining <= t);
    if (crossed.length > 0) {
      const nearest = Math.min(...crossed);
      const sameExpiry = memory.expiryAlertedFor?.getTime() === after.expiresOn.getTime();
      const already = sameExpiry ? memory.expiryAlertedThresholdMs : null;
      if (already === null || nearest < already) {
        alerts.push({
          dedupKey: `invite:${inviteId}:expiring:${nearest}:${expiryKey}`,
          kind: "expiring",
          inviteId,
          content: content("expiring", nearest),
        });
        expiryAlertedFor = after.expiresOn;
        expiryAlertedThresholdMs = nearest;
      }
    }
  }

  return { alerts: memory.muted ? [] : alerts, expiryAlertedFor, expiryAlertedThresholdMs };
}

/** The operations alerts for one credentials incident, keyed by when it started so each fires once. */
export function credentialsAlert(kind: "credentials_rejected" | "credentials_restored", incidentStart: string, detail: string, now: Date): AlertDraft {
  return {
    dedupKey: `credentials:${kind}:${incidentStart}`,
    kind,
    inviteId: null,
    content: {
      kind,
      inviteId: null,
      label: null,
      invitedMemberEmail: null,
      organizationName: null,
      organizationId: null,
      roles: [],
      invitedBy: null,
      invitedOn: null,
      expiresOn: null,
      oldStatus: null,
      newStatus: null,
      thresholdMs: null,
      detail,
      occurredAt: now.toISOString(),
    },
  };
}

/**
 * "📨 New invitation": an invitation the list showed that nobody tracked yet (TRACK_DISCOVERED). Keyed by the invite,
 * so however many cycles, restarts or daemons see it, it is announced once.
 */
export function discoveredAlert(inviteId: string, fields: InviteFields, now: Date): AlertDraft {
  return {
    dedupKey: `invite:${inviteId}:discovered`,
    kind: "discovered",
    inviteId,
    content: {
      kind: "discovered",
      inviteId,
      label: DISCOVERED_LABEL,
      invitedMemberEmail: fields.invitedMemberEmail,
      organizationName: fields.organizationName,
      organizationId: fields.organizationId,
      roles: fields.roles,
      invitedBy: fields.invitedBy,
      invitedOn: fields.invitedOn?.toISOString() ?? null,
      expiresOn: fields.expiresOn?.toISOString() ?? null,
      oldStatus: null,
      newStatus: fields.apiStatus,
      thresholdMs: null,
      detail: null,
      occurredAt: now.toISOString(),
    },
  };
}

/** The label a discovered invitation is tracked under. */
export const DISCOVERED_LABEL = "discovered";

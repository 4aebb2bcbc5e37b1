/** Every kind of Slack message invite-monitor sends. */
export const ALERT_KINDS = ["discovered", "accepted", "rejected", "expired", "gone", "expiring", "credentials_rejected", "credentials_restored"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Transitions into these effective statuses raise an alert of the same name. */
export const TRANSITION_KINDS = ["accepted", "rejected", "expired", "gone"] as const;

/**
 * Everything needed to render an alert, frozen when the alert is raised: the message says what was true then,
 * even if it is delivered an hour later.
 */
export interface AlertContent {
  kind: AlertKind;
  inviteId: string | null;
  label: string | null;
  invitedMemberEmail: string | null;
  organizationName: string | null;
  organizationId: string | null;
  roles: string[];
  invitedBy: string | null;
  invitedOn: string | null;
  expiresOn: string | null;
  oldStatus: string | null;
  newStatus: string | null;
  /** For "expiring": the threshold crossed, in ms before expires_on. */
  thresholdMs: number | null;
  /** For operations alerts: what happened, secret-free. */
  detail: string | null;
  /** When the event was observed (ISO). */
  occurredAt: string;
}

/** An alert to insert into the outbox. The dedup key makes a second insert of the same event a no-op. */
export interface AlertDraft {
  dedupKey: string;
  kind: AlertKind;
  inviteId: string | null;
  content: AlertContent;
}

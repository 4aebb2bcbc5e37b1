import { decideAlerts } from "../alerts/decideAlerts.js";
import type { AlertDraft } from "../alerts/alertTypes.js";
import { diffInvite, type ObservedSide } from "../invites/diffInvite.js";
import { effectiveStatus as computeEffectiveStatus } from "../invites/effectiveStatus.js";
import { pickInviteFields, type EffectiveStatus, type FieldChange, type InviteFields, type InviteState, type TrackedInvite } from "../invites/inviteState.js";
import { nextCheckAt, type NextCheckInput } from "../invites/nextCheck.js";

/** What one poll found out. */
export type Observation =
  | { kind: "invite"; fields: InviteFields; payload: Record<string, unknown> }
  /**
   * A 404 for this invite. `lastHealthyAt` is the latest time Cloudflare answered these credentials normally
   * (another invite's 200, a successful list): the evidence that the 404 is about the invite, not the URL.
   */
  | { kind: "not-found"; error: string; lastHealthyAt: Date | null }
  | { kind: "failure"; error: string };

/** The settings the rules need; the invite and `now` are given per observation. */
export type PlanSettings = Omit<NextCheckInput, "now" | "effectiveStatus" | "expiresOn" | "consecutiveFailures">;

export interface SnapshotDraft {
  observedAt: Date;
  apiStatus: string | null;
  effectiveStatus: EffectiveStatus;
  expiresOn: Date | null;
  payload: Record<string, unknown> | null;
  changes: FieldChange[];
  first: boolean;
}

export type ObservationPlan =
  | { kind: "skip"; reason: "inactive" | "stale" }
  /** `next` is the invite's whole state after the observation: storage writes it as it is. */
  | { kind: "write"; next: InviteState; snapshot: SnapshotDraft | null; changes: FieldChange[]; alerts: AlertDraft[] };

/** Why a first 404 is not news: the get endpoint shows only invitations addressed to the token's own user. */
export const NOT_VISIBLE_HINT = "not visible: GET /user/invites/{id} shows only invitations addressed to the token's own user";

/**
 * Decides everything one observation writes: the invite's next state, a snapshot when something changed (or on the
 * first sight), the alerts the change raises, and when to look again. Pure; the poll writes the plan only if the
 * row is still the version it was planned against.
 *
 * Every plan moves next_check_at (or stops polling): an invite left due would be queued again at every sweep under
 * the same job id, which stays taken for an hour, and enough of them would starve every other invite.
 */
export function planObservation(invite: TrackedInvite, observation: Observation, now: Date, settings: PlanSettings): ObservationPlan {
  if (!invite.active) return { kind: "skip", reason: "inactive" };
  // An answer older than what we already stored (a slow worker racing a fast one, a clock behind) must not roll the
  // state back; it only makes sure the invite is not left due.
  if (invite.lastCheckedAt && now.getTime() < invite.lastCheckedAt.getTime()) {
    if (invite.nextCheckAt.getTime() > now.getTime()) return { kind: "skip", reason: "stale" };
    return write({ ...stateOf(invite), nextCheckAt: schedule(invite, now, settings, invite.consecutiveFailures) });
  }
  if (observation.kind === "failure") return failed(invite, observation.error, now, settings, invite.notFoundSince);
  if (observation.kind === "not-found") {
    // Never seen: nothing can have gone. Keep looking, with backoff, and say why it may stay invisible.
    if (invite.effectiveStatus === null) return failed(invite, `${observation.error}; ${NOT_VISIBLE_HINT}`, now, settings, invite.notFoundSince ?? now);
    if (!goneIsProven(invite, observation.lastHealthyAt, now, settings.failureBackoffMs)) {
      const error = `${observation.error} (not confirmed: gone only after a second 404 at least FAILURE_BACKOFF later, while Cloudflare answers other requests normally)`;
      return failed(invite, error, now, settings, invite.notFoundSince ?? now);
    }
  }
  return seen(invite, observation, now, settings);
}

/**
 * "Gone" needs two 404s of this invite at least `failureBackoffMs` apart, and a normal answer from Cloudflare for
 * these credentials since the first one: a wrong base URL or a broken route 404s everything, this invite included.
 */
function goneIsProven(invite: TrackedInvite, lastHealthyAt: Date | null, now: Date, failureBackoffMs: number): boolean {
  const since = invite.notFoundSince;
  if (since === null || lastHealthyAt === null) return false;
  return now.getTime() - since.getTime() >= failureBackoffMs && lastHealthyAt.getTime() >= since.getTime();
}

function failed(invite: TrackedInvite, error: string, now: Date, settings: PlanSettings, notFoundSince: Date | null): ObservationPlan {
  const failures = invite.consecutiveFailures + 1;
  return write({
    ...stateOf(invite),
    nextCheckAt: schedule(invite, now, settings, failures),
    lastCheckedAt: now,
    consecutiveFailures: failures,
    lastError: error,
    lastErrorAt: now,
    notFoundSince,
  });
}

/** An answer that says what the invite is: a 200, or a 404 proven to mean it is gone. */
function seen(invite: TrackedInvite, observation: Extract<Observation, { kind: "invite" | "not-found" }>, now: Date, settings: PlanSettings): ObservationPlan {
  const after: ObservedSide =
    observation.kind === "not-found"
      ? { ...pickInviteFields(invite), effectiveStatus: "gone", payload: invite.payload }
      : { ...observation.fields, effectiveStatus: computeEffectiveStatus(observation.fields.apiStatus, observation.fields.expiresOn, now), payload: observation.payload };
  const status = after.effectiveStatus ?? "unknown";
  const first = invite.effectiveStatus === null;
  const changes = first ? [] : diffInvite(invite, after);
  const next = nextCheckAfterSuccess(status, after.expiresOn, now, settings);
  const snapshot: SnapshotDraft | null =
    first || changes.length > 0
      ? { observedAt: now, apiStatus: after.apiStatus, effectiveStatus: status, expiresOn: after.expiresOn, payload: observation.kind === "not-found" ? null : after.payload, changes, first }
      : null;
  const decision = decideAlerts(invite.id, invite, { ...pickInviteFields(after), effectiveStatus: status }, now, settings.expiryThresholdsMs);
  return {
    kind: "write",
    next: {
      ...pickInviteFields(after),
      effectiveStatus: status,
      // An answer the diff calls identical (only spelled differently) leaves the stored payload as the last snapshot
      // recorded it: the invite's payload is always the payload of its latest snapshot.
      payload: snapshot ? after.payload : invite.payload,
      active: next !== null,
      nextCheckAt: next ?? invite.nextCheckAt,
      lastCheckedAt: now,
      lastChangedAt: snapshot ? now : invite.lastChangedAt,
      consecutiveFailures: 0,
      lastError: null,
      lastErrorAt: null,
      notFoundSince: null,
      expiryAlertedFor: decision.expiryAlertedFor,
      expiryAlertedThresholdMs: decision.expiryAlertedThresholdMs,
    },
    snapshot,
    changes,
    alerts: decision.alerts,
  };
}

/**
 * The next check an answer identical to the stored state gives (the list's fast path, storage/listBookkeeping.ts):
 * exactly what the full plan would set, so skipping the plan changes nothing but the work. Null for a final status.
 */
export function nextCheckOfUnchanged(fields: Pick<InviteFields, "apiStatus" | "expiresOn">, now: Date, settings: PlanSettings): Date | null {
  return nextCheckAfterSuccess(computeEffectiveStatus(fields.apiStatus, fields.expiresOn, now), fields.expiresOn, now, settings);
}

function nextCheckAfterSuccess(status: EffectiveStatus, expiresOn: Date | null, now: Date, settings: PlanSettings): Date | null {
  return nextCheckAt({ ...settings, now, effectiveStatus: status, expiresOn, consecutiveFailures: 0 });
}

function write(next: InviteState): ObservationPlan {
  return { kind: "write", next, snapshot: null, changes: [], alerts: [] };
}

/** The next check of an invite whose state does not change: a pending one keeps its expiry marks. */
function schedule(invite: TrackedInvite, now: Date, settings: PlanSettings, failures: number): Date {
  const status = invite.effectiveStatus === "pending" ? "pending" : "unknown";
  // "unknown" is never final, so there is always a next check.
  return nextCheckAt({ ...settings, now, effectiveStatus: status, expiresOn: invite.expiresOn, consecutiveFailures: failures })!;
}

function stateOf(invite: TrackedInvite): InviteState {
  const { id: _id, label: _label, muted: _muted, ...state } = invite;
  return state;
}

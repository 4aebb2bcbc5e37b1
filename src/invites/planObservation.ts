import { diffInvite, type ObservedSide } from "./diffInvite.js";
import { effectiveStatus as computeEffectiveStatus } from "./effectiveStatus.js";
import { pickInviteFields, type EffectiveStatus, type FieldChange, type InviteFields, type StoredInviteState } from "./inviteState.js";
import { nextCheckAt, type NextCheckInput } from "./nextCheck.js";

/** What one poll found out. */
export type Observation =
  | { kind: "invite"; fields: InviteFields; payload: Record<string, unknown> }
  | { kind: "gone" }
  | { kind: "failure"; error: string };

/** The scheduling settings the rules need; `now` and the invite's own state are filled in per observation. */
export type ScheduleSettings = Omit<NextCheckInput, "now" | "effectiveStatus" | "expiresOn" | "consecutiveFailures">;

export interface SnapshotDraft {
  observedAt: Date;
  apiStatus: string | null;
  effectiveStatus: EffectiveStatus;
  expiresOn: Date | null;
  payload: Record<string, unknown> | null;
  changes: FieldChange[];
  first: boolean;
}

export interface InviteUpdate extends Partial<InviteFields> {
  effectiveStatus?: EffectiveStatus;
  payload?: Record<string, unknown> | null;
  active: boolean;
  nextCheckAt?: Date;
  lastCheckedAt: Date;
  lastChangedAt?: Date;
  consecutiveFailures: number;
  lastError?: string | null;
  lastErrorAt?: Date | null;
}

export type ObservationPlan =
  | { kind: "skip"; reason: "inactive" | "stale" }
  | { kind: "write"; update: InviteUpdate; snapshot: SnapshotDraft | null; changes: FieldChange[] };

/**
 * Decides everything one observation writes: the invite's new state, and a snapshot when something changed
 * (or on the first observation). Pure: storage applies the plan inside one transaction.
 */
export function planObservation(current: StoredInviteState, observation: Observation, now: Date, schedule: ScheduleSettings): ObservationPlan {
  if (!current.active) return { kind: "skip", reason: "inactive" };
  // An answer older than what we already stored (a slow worker racing a fast one) must not roll the state back.
  if (current.lastCheckedAt && now.getTime() < current.lastCheckedAt.getTime()) return { kind: "skip", reason: "stale" };

  if (observation.kind === "failure") {
    const failures = current.consecutiveFailures + 1;
    const next = nextCheckAt({
      ...schedule,
      now,
      effectiveStatus: current.effectiveStatus === "pending" ? "pending" : "unknown",
      expiresOn: current.expiresOn,
      consecutiveFailures: failures,
    });
    return {
      kind: "write",
      update: { active: true, nextCheckAt: next ?? undefined, lastCheckedAt: now, consecutiveFailures: failures, lastError: observation.error, lastErrorAt: now },
      snapshot: null,
      changes: [],
    };
  }

  const after: ObservedSide =
    observation.kind === "gone"
      ? { ...current, effectiveStatus: "gone" }
      : {
          ...observation.fields,
          effectiveStatus: computeEffectiveStatus(observation.fields.apiStatus, observation.fields.expiresOn, now),
          payload: observation.payload,
        };
  const status = after.effectiveStatus ?? "unknown";
  const first = current.effectiveStatus === null;
  const changes = first ? [] : diffInvite(current, after);
  const next = nextCheckAt({ ...schedule, now, effectiveStatus: status, expiresOn: after.expiresOn, consecutiveFailures: 0 });

  const snapshot: SnapshotDraft | null =
    first || changes.length > 0
      ? {
          observedAt: now,
          apiStatus: after.apiStatus,
          effectiveStatus: status,
          expiresOn: after.expiresOn,
          payload: observation.kind === "gone" ? null : after.payload,
          changes,
          first,
        }
      : null;

  const { payload, effectiveStatus: _ignored, ...fields } = after;
  return {
    kind: "write",
    update: {
      ...pickInviteFields(fields),
      effectiveStatus: status,
      // An answer the diff calls identical (only spelled differently) leaves the stored payload as the last
      // snapshot recorded it: the invite's payload is always the payload of its latest snapshot.
      payload: snapshot ? payload : undefined,
      active: next !== null,
      nextCheckAt: next ?? undefined,
      lastCheckedAt: now,
      lastChangedAt: snapshot ? now : undefined,
      consecutiveFailures: 0,
      lastError: null,
      lastErrorAt: null,
    },
    snapshot,
    changes,
  };
}

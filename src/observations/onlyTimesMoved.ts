import { sameJson } from "../invites/diffInvite.js";
import type { InviteState } from "../invites/inviteState.js";

/** The two columns every check moves; an answer that changes nothing else changes nothing worth a full write. */
const TIMES: ReadonlySet<keyof InviteState> = new Set(["lastCheckedAt", "nextCheckAt"]);

/**
 * True when the next state differs from the stored one only in when the invite was last checked and when it is
 * checked next: the common case (an identical answer), which storage writes as two columns instead of a whole row.
 */
export function onlyTimesMoved(before: InviteState, after: InviteState): boolean {
  for (const key of Object.keys(after) as Array<keyof InviteState>) {
    if (TIMES.has(key)) continue;
    if (!sameJson(before[key] ?? null, after[key] ?? null)) return false;
  }
  return true;
}

import { InviteMonitorError } from "../lib/errors.js";
import type { Db } from "./db.js";

/** Mutes or unmutes an invite's alerts. Polling and recording go on either way. */
export async function setMuted(db: Db, inviteId: string, muted: boolean): Promise<void> {
  const result = await db.trackedInvite.updateMany({ where: { id: inviteId }, data: { muted } });
  if (result.count === 0) {
    throw new InviteMonitorError("INVITE_NOT_TRACKED", `invite ${inviteId} is not tracked (add it with: invite-monitor track ${inviteId})`);
  }
}

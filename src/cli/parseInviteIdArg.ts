import { INVITE_ID_FORM, normalizeInviteId } from "../invites/inviteId.js";
import { InviteMonitorError } from "../lib/errors.js";

/** The one-id argument of history, mute and unmute. */
export function parseInviteIdArg(raw: string): string {
  const id = normalizeInviteId(raw);
  if (!id) throw new InviteMonitorError("INPUT_INVALID", `${JSON.stringify(raw.slice(0, 60))} is not an invite id (expected ${INVITE_ID_FORM})`);
  return id;
}

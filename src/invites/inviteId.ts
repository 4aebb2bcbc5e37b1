/** The accepted form of an invite id, for error messages. */
export const INVITE_ID_FORM = "32 hexadecimal characters, e.g. 4f5f0c14a2a41d5063dd301b2f829f04";

const INVITE_ID = /^[0-9a-f]{32}$/;

/** Lower-cases and checks an invite id. Returns null when it is not exactly 32 hex characters. */
export function normalizeInviteId(raw: string): string | null {
  // A byte-order mark survives copy-paste from some editors; it is never part of an id.
  const candidate = raw.replace(/^\uFEFF/, "").trim().toLowerCase();
  return INVITE_ID.test(candidate) ? candidate : null;
}

export function isInviteId(text: string): boolean {
  return INVITE_ID.test(text);
}

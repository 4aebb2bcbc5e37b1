import { sameJson } from "../invites/diffInvite.js";
import { normalizeInviteId } from "../invites/inviteId.js";
import type { InviteFields } from "../invites/inviteState.js";
import { parseInvite } from "./parseInvite.js";

/** What one page of GET /user/invites tells about each invitation on it. */
export interface InviteListPage {
  /** Entries complete enough to be observed from the list, by invite id. */
  listed: Map<string, { fields: InviteFields; payload: Record<string, unknown> }>;
  /** Invites named on the page whose entry is incomplete or unparsable: the get endpoint must be asked. */
  unclear: Set<string>;
  /** Entries that name no usable invite id: nothing can be done with them but count them. */
  unnamed: number;
  /** The next page to read, or null when this was the last one. */
  nextPage: number | null;
}

/** Beyond this many pages the list is read no further in one cycle: a broken result_info must not loop for ever. */
export const MAX_LIST_PAGES = 100;

/**
 * Reads one page of the list. An entry is observed from the list only when it parses as an Invite and carries a
 * status: a list entry without one (or with a field that does not parse) is not proof of anything, so that invite is
 * asked about by id instead. Pagination follows `result_info` when Cloudflare sends it (the SDK reads the endpoint as
 * a single page).
 */
export function readInviteList(result: readonly unknown[], resultInfo: unknown, page: number): InviteListPage {
  const listed: InviteListPage["listed"] = new Map();
  const unclear = new Set<string>();
  let unnamed = 0;
  for (const entry of result) {
    const rawId = entry && typeof entry === "object" ? (entry as { id?: unknown }).id : undefined;
    const id = typeof rawId === "string" ? normalizeInviteId(rawId) : null;
    if (id === null) {
      unnamed += 1;
      continue;
    }
    const parsed = parseInvite(entry, id);
    const seen = listed.get(id);
    // An entry that does not parse, has no status, or contradicts another entry for the same id proves nothing.
    if (!parsed.ok || parsed.fields.apiStatus === null || (seen && !sameJson(seen.payload, parsed.payload))) unclear.add(id);
    else listed.set(id, { fields: parsed.fields, payload: parsed.payload });
  }
  for (const id of unclear) listed.delete(id);
  return { listed, unclear, unnamed, nextPage: nextPageOf(resultInfo, page) };
}

function nextPageOf(resultInfo: unknown, page: number): number | null {
  if (!resultInfo || typeof resultInfo !== "object") return null;
  const info = resultInfo as { page?: unknown; total_pages?: unknown };
  const current = Number.isSafeInteger(info.page) ? (info.page as number) : page;
  const total = info.total_pages;
  if (!Number.isSafeInteger(total) || (total as number) <= current) return null;
  return current + 1 > MAX_LIST_PAGES ? null : current + 1;
}

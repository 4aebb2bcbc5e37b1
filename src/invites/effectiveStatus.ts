import { API_STATUSES, type EffectiveStatus } from "./inviteState.js";

/**
 * What the invite is, all things considered. A pending invite whose expires_on has passed is expired, even while
 * the API still says pending; so is one whose status is missing or undocumented, because whatever that status
 * means, an invitation past its expiry can no longer be accepted. Otherwise an undocumented status is "unknown",
 * never a crash.
 */
export function effectiveStatus(apiStatus: string | null, expiresOn: Date | null, now: Date): EffectiveStatus {
  const expired = expiresOn !== null && now.getTime() >= expiresOn.getTime();
  switch (apiStatus) {
    case "accepted":
    case "rejected":
    case "expired":
      return apiStatus;
    case "pending":
      return expired ? "expired" : "pending";
    default:
      return expired ? "expired" : "unknown";
  }
}

/** True for the statuses Cloudflare documents; anything else is logged once, when it first appears. */
export function isDocumentedStatus(apiStatus: string | null): boolean {
  return API_STATUSES.some((s) => s === apiStatus);
}

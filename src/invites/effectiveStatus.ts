import type { EffectiveStatus } from "./inviteState.js";

/**
 * What the invite is, all things considered. A pending invite whose expires_on has passed is expired,
 * even while the API still says pending. An unknown or missing status is "unknown", never a crash.
 */
export function effectiveStatus(apiStatus: string | null, expiresOn: Date | null, now: Date): EffectiveStatus {
  switch (apiStatus) {
    case "accepted":
    case "rejected":
    case "expired":
      return apiStatus;
    case "pending":
      return expiresOn !== null && now.getTime() >= expiresOn.getTime() ? "expired" : "pending";
    default:
      return "unknown";
  }
}

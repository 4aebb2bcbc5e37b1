import type { ListOutcome, ProbeOutcome } from "./cloudflareClient.js";

/**
 * What a probe says about everyone's requests, not about one invite:
 * - "ok": the credentials and the base URL work;
 * - "credentials": Cloudflare refuses these credentials;
 * - "route": Cloudflare cannot route our requests at all (a wrong CLOUDFLARE_BASE_URL, a broken route);
 * - "inconclusive": the probe itself failed (5xx, timeout, 429), which says nothing either way.
 */
export type ProbeResult = "ok" | "credentials" | "route" | "inconclusive";

/**
 * Judges the answer of a credentials probe (GET /user/tokens/verify, GET /user) or of the route probe
 * (GET /user/invites). A 2xx answer too long to read proves the route, not that a token is active.
 */
export function probeVerdict(outcome: ProbeOutcome | ListOutcome, probe: "credentials" | "route"): { result: ProbeResult; message: string } {
  switch (outcome.kind) {
    case "accepted":
    case "list":
      return { result: "ok", message: "Cloudflare accepts the credentials" };
    case "rejected":
      return { result: "credentials", message: outcome.message };
    case "not-found":
      return { result: "route", message: outcome.message };
    case "rate-limited":
      return { result: "inconclusive", message: "the probe was rate limited" };
    case "failure":
      if (outcome.routed && probe === "route") return { result: "ok", message: "Cloudflare routes the requests" };
      return { result: "inconclusive", message: outcome.message };
  }
}

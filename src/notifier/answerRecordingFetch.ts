/** What came back to one Slack call before any failure: the status line and Retry-After. */
export interface HeardAnswer {
  status: number;
  retryAfter: string | null;
}

/**
 * The fetch for one Slack call (webhook or Web API). It remembers what the packages' errors do not carry: the
 * answer's Retry-After, and whether an answer had arrived at all when a failure came (which makes a lost answer
 * ambiguous rather than a failed connection). It never follows a redirect: Slack's webhooks and Web API never
 * redirect, and a followed one could take a login page's 200 for Slack's answer.
 */
export function answerRecordingFetch(): { fetch: (url: string | URL, init?: unknown) => Promise<Response>; heard: () => HeardAnswer | null } {
  let heard: HeardAnswer | null = null;
  return {
    async fetch(url, init) {
      const response = await globalThis.fetch(url, { ...(init as RequestInit), redirect: "manual" });
      heard = { status: response.status, retryAfter: response.headers.get("retry-after") };
      return response;
    },
    heard: () => heard,
  };
}

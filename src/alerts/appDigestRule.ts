/** Fresh alerts ready in one channel: none of their messages (digest, card, reply) has been sent yet. */
export interface FreshInChannel {
  channel: string;
  fresh: number;
}

/**
 * In the Slack app mode, which channel gets a digest now, or null. A burst (more than `digestThreshold` fresh
 * alerts ready in one channel) is announced at once by one digest message; each invite's card and reply then
 * follow at Slack's pace. Unlike webhook mode, a short queue is not digested: every alert gets its own reply in
 * its card's thread anyway, so a digest of two or three would only be noise. The busiest channel goes first.
 */
export function channelForDigest(channels: readonly FreshInChannel[], digestThreshold: number): string | null {
  let best: FreshInChannel | null = null;
  for (const c of channels) if (c.fresh > digestThreshold && (!best || c.fresh > best.fresh)) best = c;
  return best?.channel ?? null;
}

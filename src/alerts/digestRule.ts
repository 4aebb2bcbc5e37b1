export interface DigestRule {
  /** More ready alerts than this always go out as one digest. */
  digestThreshold: number;
  /** The most alerts taken for one digest; when they need several messages, the first goes out and the rest wait. */
  maxDigest: number;
  /** Several ready alerts go out as one digest once the oldest has waited this long. */
  backlogAfterMs: number;
}

/**
 * How many ready alerts the next message carries: one, or up to `maxDigest` for one digest when more than
 * `digestThreshold` are ready, or when more than one is ready and the oldest has already waited `backlogAfterMs`.
 * Slack takes one message a second: sent one by one, three warnings raised together would reach Slack over three
 * seconds, so once a queue has started to form it goes out at once instead (BENCHMARKS.md, row 5).
 */
export function alertsForNextMessage(ready: number, oldestWaitedMs: number, rule: DigestRule): number {
  if (ready === 0) return 0;
  const backlog = ready > 1 && oldestWaitedMs >= rule.backlogAfterMs;
  return ready > rule.digestThreshold || backlog ? rule.maxDigest : 1;
}

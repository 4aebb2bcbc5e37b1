import { parseList, Token, type BareItem, type Parameters } from "structured-headers";
import { MAX_RETRY_AFTER_MS } from "../lib/parseRetryAfter.js";

/** One item of Cloudflare's `Ratelimit` header: `"default";r=50;t=30` is quota `default`, 50 left, reset in 30 s. */
export interface RateLimitItem {
  /** The quota's name (the item's string or token), e.g. `default` or `burst`. */
  name: string;
  /** `r`: requests left in the current window. */
  remaining: number;
  /** `t`: seconds until the window resets, as sent (0 stays 0 here; the policies below floor it). */
  resetSeconds: number;
}

/** One item of `Ratelimit-Policy`: `"burst";q=100;w=60` allows 100 requests per 60-second window. */
export interface RateLimitPolicy {
  name: string;
  /** `q`: requests allowed per window. */
  quota: number;
  /** `w`: the window, in seconds. */
  windowSeconds: number;
}

/**
 * What the `Ratelimit` and `Ratelimit-Policy` headers of one answer say. `remaining` and `resetSeconds` are those of
 * the most restrictive readable `Ratelimit` item (see {@link readRateLimit}); `items` and `policies` hold every
 * readable item, in header order.
 */
export interface RateLimitState {
  remaining: number;
  resetSeconds: number;
  items: readonly RateLimitItem[];
  policies: readonly RateLimitPolicy[];
}

/**
 * Reads `Ratelimit` and `Ratelimit-Policy` as RFC 9651 lists (several field lines are one list, joined by commas).
 * An item whose parameters are missing or not non-negative integers is ignored, never guessed; the others still
 * count. Returns null when `Ratelimit` is absent, does not parse, or has no readable item: a policy alone says
 * nothing about how much is left. A `Ratelimit-Policy` that does not parse just contributes no policies.
 */
export function readRateLimit(ratelimit: string | string[] | undefined, policy: string | string[] | undefined): RateLimitState | null {
  const items = readList(ratelimit, (name, params) => {
    const remaining = count(params.get("r"));
    const resetSeconds = count(params.get("t"));
    return remaining === null || resetSeconds === null ? null : { name, remaining, resetSeconds };
  });
  if (items.length === 0) return null;
  const policies = readList(policy, (name, params) => {
    const quota = count(params.get("q"));
    const windowSeconds = count(params.get("w"));
    return quota === null || windowSeconds === null ? null : { name, quota, windowSeconds };
  });
  const worst = items.reduce((a, b) => (moreRestrictive(b, a) ? b : a));
  return { remaining: worst.remaining, resetSeconds: worst.resetSeconds, items, policies };
}

/**
 * How long every worker should hold off before the next request. Two things can ask for it: the most restrictive
 * `Ratelimit` item, so that what is left lasts until its window resets (an exhausted quota waits for the reset),
 * and the most restrictive `Ratelimit-Policy`, whose quota over its window sets the fastest pace it allows. Either
 * only counts when it is slower than `spacingMs`, our own gap between requests. Zero when neither does; never
 * above MAX_RETRY_AFTER_MS.
 */
export function slowdownFromRateLimit(state: RateLimitState | null, spacingMs: number): number {
  if (!state) return 0;
  const policyMs = Math.max(0, ...state.policies.map(policyPaceMs));
  const itemMs = state.remaining === 0 ? resetMs(state) : resetMs(state) / state.remaining;
  // An exhausted quota waits for its reset even when that is shorter than our own spacing.
  const needed = Math.max(state.remaining === 0 || itemMs > spacingMs ? itemMs : 0, policyMs > spacingMs ? policyMs : 0);
  return Math.min(MAX_RETRY_AFTER_MS, Math.ceil(needed));
}

/**
 * Milliseconds until the window resets. `r=0;t=0` means the quota is gone, not that there is none: `t` is rounded
 * to whole seconds, so an exhausted quota is taken to reset one second away at the earliest.
 */
function resetMs(state: { remaining: number; resetSeconds: number }): number {
  const seconds = state.remaining === 0 ? Math.max(1, state.resetSeconds) : state.resetSeconds;
  return Math.min(MAX_RETRY_AFTER_MS, seconds * 1000);
}

/**
 * Whether `a` holds us back more than `b`: an exhausted quota beats every open one, and among exhausted quotas the
 * longest reset wins; open quotas compare by the gap they ask for, the rest of the window over what is left.
 */
function moreRestrictive(a: RateLimitItem, b: RateLimitItem): boolean {
  if (a.remaining === 0 || b.remaining === 0) {
    return b.remaining !== 0 || (a.remaining === 0 && resetMs(a) > resetMs(b));
  }
  return resetMs(a) / a.remaining > resetMs(b) / b.remaining;
}

function policyPaceMs(policy: RateLimitPolicy): number {
  const windowMs = Math.min(MAX_RETRY_AFTER_MS, policy.windowSeconds * 1000);
  return policy.quota === 0 ? windowMs : windowMs / policy.quota;
}

function readList<T>(value: string | string[] | undefined, read: (name: string, params: Parameters) => T | null): T[] {
  const text = Array.isArray(value) ? value.join(", ") : value;
  if (text === undefined) return [];
  let list;
  try {
    list = parseList(text);
  } catch {
    // RFC 9651 §4.2: a field that fails to parse is ignored as a whole.
    return [];
  }
  const out: T[] = [];
  for (const [bare, params] of list) {
    // An inner list is a member whose value is an array: no quota has that shape.
    if (Array.isArray(bare)) continue;
    const name = itemName(bare);
    const item = name === null ? null : read(name, params);
    if (item !== null) out.push(item);
  }
  return out;
}

function itemName(bare: BareItem): string | null {
  if (typeof bare === "string") return bare;
  return bare instanceof Token ? bare.toString() : null;
}

/** A non-negative sf-integer, or null. structured-headers reads `5.0` as 5: JavaScript cannot tell them apart. */
function count(value: BareItem | undefined): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

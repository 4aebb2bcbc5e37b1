import { createHash } from "node:crypto";
import pLimit from "p-limit";
import { RateLimitError } from "bullmq";
import type { Redis } from "ioredis";
import { DISCOVERED_LABEL, discoveredAlert } from "../alerts/decideAlerts.js";
import type { CloudflareClient, ListOutcome } from "../cloudflare/cloudflareClient.js";
import { readInviteList } from "../cloudflare/readInviteList.js";
import type { InviteFields } from "../invites/inviteState.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { Pause } from "../lib/makePause.js";
import type { Metrics } from "../metrics/createMetrics.js";
import { nextCheckOfUnchanged, type PlanSettings } from "../observations/planObservation.js";
import { activeAmong, dueAmong, makeDue, touchUnchanged, trackDiscovered } from "../storage/listBookkeeping.js";
import { nextInviteDue } from "../storage/nextDue.js";
import type { Sql } from "../storage/sqlPool.js";
import type { CloudflareGuard, PauseReason } from "./cloudflareGuard.js";
import { REDIS_CALLS_IN_FLIGHT, type ConfirmNow } from "./confirmNow.js";
import { recordObservations, type ObservationToRecord } from "./recordObservations.js";

export interface ListDeps {
  cloudflare: CloudflareClient;
  guard: CloudflareGuard;
  throttle(answer: ListOutcome): Promise<void>;
  pause: Pause;
  pauseAll(ms: number, reason: PauseReason): Promise<void>;
  /** Our own gap between requests: what each page after the first costs. */
  spacingMs: number;
  sql: Sql;
  redis: Redis;
  /** The Redis key that holds the ids of the previous list. */
  listedKey: string;
  settings: PlanSettings;
  trackDiscovered: boolean;
  clock: Clock;
  logger: Logger;
  metrics: Pick<Metrics, "listFinished" | "observed">;
  /** Removes the queued poll of an invite for this due time, if it is still waiting: the list has just observed it. */
  dropQueuedPoll(inviteId: string, dueAt: Date): Promise<void>;
  /** Sends what confirmations the window can pay for at once (confirmNow.ts); the rest are made due for the sweep. */
  confirmNow: ConfirmNow;
  /** Notes the list's own requests in the spend ledger: the list job is not kept among finished polls. */
  noteSpent(requests: number): Promise<void>;
}

export type ListResult =
  | { outcome: "listed"; listed: number; changed: number; confirming: number; discovered: number; pages: number }
  | { outcome: "failed"; reason: string }
  /** Nothing is tracked and discovery is off: the list could tell us nothing, so it is not read. */
  | { outcome: "nothing-tracked" };

/** Observations per write statement, as for polls (BENCHMARKS.md, row 1): bounds one statement's JSON parameter. */
const RECORD_CHUNK = 500;

/**
 * One list cycle: GET /user/invites (every page, each paid for out of the budget), and every tracked invite it shows
 * observed from it through the same plan and write as a GET would, in batches: an unchanged invite costs no request
 * of its own. The get endpoint stays the authority for the rest: an invite that dropped out of the list since the
 * previous one (accepted, rejected, expired, removed), or whose entry is unclear, is made due so the sweep asks about
 * it. A list that fails changes nothing: each invite is then polled on its own schedule, as without the list.
 */
export function makeObserveList(deps: ListDeps): () => Promise<ListResult> {
  let failing = false;
  // A process's first list plans every entry in full: settings changed by a restart (EXPIRY_THRESHOLDS, say) are
  // applied to every invite at once, not when each next check comes.
  let firstList = true;

  async function readAllPages(): Promise<{ pages: ReturnType<typeof readInviteList>[]; now: Date } | { failed: string }> {
    const pages: ReturnType<typeof readInviteList>[] = [];
    for (let page = 1; ; ) {
      const outcome = await deps.cloudflare.listInvites(page);
      // Cloudflare counts every request, answered or not.
      await deps.noteSpent(1);
      await deps.throttle(outcome);
      if (outcome.kind !== "list") return { failed: outcome.kind === "rate-limited" ? "rate limited" : outcome.message };
      const read = readInviteList(outcome.invites, outcome.resultInfo, page);
      pages.push(read);
      if (read.nextPage === null) return { pages, now: deps.clock() };
      page = read.nextPage;
      // Each further page is one more request: the others are held off for its share of the budget, and the pages
      // themselves keep to the same pace.
      await deps.pauseAll(deps.spacingMs, "payment");
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(deps.spacingMs)));
    }
  }

  async function cycle(): Promise<ListResult> {
    // An idle daemon spends no request (BENCHMARKS.md, row 8); the first invite tracked is listed at the next cycle.
    if (!deps.trackDiscovered && (await nextInviteDue(deps.sql)) === null) return { outcome: "nothing-tracked" };
    await deps.guard.beforeRequest();
    if ((await deps.pause.remainingMs()) > 0) throw new RateLimitError();
    const read = await readAllPages();
    if ("failed" in read) {
      deps.metrics.listFinished("failed");
      if (!failing) deps.logger.warn({ error: read.failed }, "GET /user/invites failed: each invite is polled on its own schedule until it works again");
      failing = true;
      return { outcome: "failed", reason: read.failed };
    }
    if (failing) deps.logger.info("GET /user/invites works again: listed invites are observed from it");
    failing = false;
    const { now } = read;
    await deps.guard.noteHealthy(now);

    const listed = new Map<string, { fields: InviteFields; payload: Record<string, unknown> }>();
    const unclear = new Set<string>();
    for (const page of read.pages) {
      for (const [id, entry] of page.listed) listed.set(id, entry);
      for (const id of page.unclear) unclear.add(id);
    }
    for (const id of unclear) listed.delete(id);

    const observe = (ids: Iterable<string>): ObservationToRecord[] =>
      [...ids].map((id) => ({ inviteId: id, observation: { kind: "invite", ...listed.get(id)! }, now }));
    // The usual cycle: most entries are exactly what is stored, and only their check times move. In chunks: a list of
    // 100,000 entries as one parameter would be tens of MB at once, against the image's 128 MB heap.
    const touched = new Set<string>();
    const keepBeyond = new Date(now.getTime() + deps.settings.intervalMs / 2);
    const entries = firstList ? [] : [...listed];
    for (let start = 0; start < entries.length; start += RECORD_CHUNK) {
      const chunk = entries.slice(start, start + RECORD_CHUNK).flatMap(([id, entry]) => {
        const nextCheckAt = nextCheckOfUnchanged(entry.fields, now, deps.settings);
        return nextCheckAt ? [{ id, payload: entry.payload, nextCheckAt }] : [];
      });
      for (const id of await touchUnchanged(deps.sql, chunk, now, keepBeyond)) touched.add(id);
    }
    const toPlan = [...listed.keys()].filter((id) => !touched.has(id));
    // Invites the sweep may already have queued: once the list has observed them, those polls would only spend budget.
    const queuedBefore = await dueAmong(deps.sql, toPlan, now);
    let changed = 0;
    const untracked: string[] = [];
    const record = async (items: ObservationToRecord[]) => {
      for (let start = 0; start < items.length; start += RECORD_CHUNK) {
        const chunk = items.slice(start, start + RECORD_CHUNK);
        const results = await recordObservations(deps.sql, chunk, deps.settings);
        results.forEach((result, i) => {
          if (result.kind === "untracked") untracked.push(chunk[i]!.inviteId);
          else if (result.kind === "write" && result.snapshot) changed += 1;
        });
      }
    };
    await record(observe(toPlan));

    let discovered = 0;
    if (deps.trackDiscovered && untracked.length > 0) {
      const drafts = untracked.map((id) => discoveredAlert(id, listed.get(id)!.fields, now));
      const added = await trackDiscovered(deps.sql, drafts, DISCOVERED_LABEL, now);
      discovered = added.length;
      if (added.length > 0) deps.logger.info({ invites: added.length }, "tracking invitations discovered in the list");
      await record(observe(added));
    }

    // A few Redis calls each, and at a start every invite may be due: a bounded number in flight, or 100,000 of
    // them would queue in memory at once (BENCHMARKS.md, row 3).
    const redisCalls = pLimit(REDIS_CALLS_IN_FLIGHT);
    await Promise.all(queuedBefore.map((due) => redisCalls(() => deps.dropQueuedPoll(due.id, due.nextCheckAt).catch(() => {}))));

    const present = new Set([...listed.keys(), ...unclear]);
    // The same ids as last time (the usual cycle): nothing dropped out, and the stored set need not be read or rewritten.
    const digest = idsDigest(present);
    const sameIds = (await deps.redis.get(`${deps.listedKey}:digest`)) === digest;
    const previous = sameIds ? [] : await deps.redis.smembers(deps.listedKey);
    const droppedOut = previous.filter((id) => !present.has(id));
    // Confirmed before the set is replaced: a crash in between finds them dropped out again at the next list.
    const toConfirm = await activeAmong(deps.sql, [...droppedOut, ...unclear]);
    const { confirmed, left, running } = await deps.confirmNow(toConfirm);
    const confirming = confirmed.length + (await makeDue(deps.sql, left.map((c) => c.id), deps.clock()));
    // An invite whose own poll was running may have been answered before it changed: it stays in the set, so the
    // next list finds it dropped out again and asks, if it is still active then.
    const kept = [...present, ...running.map((c) => c.id)];
    if (!sameIds || running.length > 0) await replaceSet(deps.redis, deps.listedKey, kept, idsDigest(kept));
    firstList = false;

    deps.metrics.listFinished("listed");
    deps.metrics.observed("list", listed.size - untracked.length + discovered);
    return { outcome: "listed", listed: listed.size, changed, confirming, discovered, pages: read.pages.length };
  }

  // One cycle at a time in a process: a list job that comes due while the last one is still writing (100,000 first
  // observations take longer than LIST_INTERVAL) shares its outcome instead of reading, holding and writing the
  // whole list a second time, and spending a second request on it.
  let running: Promise<ListResult> | null = null;
  return () => (running ??= cycle().finally(() => (running = null)));
}

/** Replaces the set and its digest in one step, so a concurrent reader never sees them half written or apart. */
async function replaceSet(redis: Redis, key: string, members: string[], digest: string): Promise<void> {
  const next = `${key}:next`;
  const chain = redis.multi().del(next);
  for (let start = 0; start < members.length; start += 1_000) chain.sadd(next, ...members.slice(start, start + 1_000));
  if (members.length > 0) chain.rename(next, key);
  else chain.del(key);
  chain.set(`${key}:digest`, digest);
  await chain.exec();
}

function idsDigest(ids: Iterable<string>): string {
  return createHash("sha256").update([...ids].sort().join(",")).digest("hex");
}

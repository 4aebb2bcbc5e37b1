import type { IdEntry } from "../invites/parseIdList.js";
import type { Db } from "./db.js";
import { INVITE_CHANNEL, wakeStatement } from "./wakeChannels.js";

export interface TrackResult {
  added: string[];
  alreadyTracked: string[];
  /** Ids that had been untracked: tracked again, with their history (and polled again unless they reached a final status). */
  trackedAgain: string[];
}

/** Rows per INSERT: large lists go in a few statements, still in one transaction. 5,000 is about the fastest. */
const CHUNK = 5_000;

/**
 * How long the transaction may take. 100,000 ids take one to three seconds; Prisma's default of 5 s would abort a
 * large list on a slow or busy machine (or one short of memory, under garbage collection), and nothing would be
 * written. The bound still ends a transaction that holds its row locks for no reason.
 */
const TRANSACTION_TIMEOUT_MS = 120_000;

export interface TrackOptions {
  /** Told after each chunk is written (large lists only: a single chunk reports nothing). */
  onProgress?: (written: number, total: number) => void;
}

/**
 * Registers invites, idempotently: a known id keeps its history and schedule, and only takes a new label or channel
 * when one is given. An untracked id is tracked again: it is due now, and active again unless its last status was
 * final (a final invite is never polled again). All entries are written in one transaction, or none.
 */
export async function trackInvites(db: Db, entries: readonly IdEntry[], now: Date, options: TrackOptions = {}): Promise<TrackResult> {
  const result: TrackResult = { added: [], alreadyTracked: [], trackedAgain: [] };
  await db.$transaction(async (tx) => {
    for (let start = 0; start < entries.length; start += CHUNK) {
      const chunk = entries.slice(start, start + CHUNK);
      // `untracked` reads the rows as they were before the upsert (every part of one statement sees the same
      // snapshot), so RETURNING can still tell which ids it brought back.
      const rows = await tx.$queryRaw<Array<{ id: string; inserted: boolean; resumed: boolean }>>`
        WITH input AS (
          SELECT * FROM unnest(${chunk.map((e) => e.id)}::char(32)[], ${chunk.map((e) => e.label)}::text[]) AS input(id, label)
        ),
        untracked AS (SELECT id FROM tracked_invite WHERE id IN (SELECT id FROM input) AND untracked_at IS NOT NULL)
        INSERT INTO tracked_invite AS t (id, label, added_at, next_check_at)
        SELECT id, label, ${now}, ${now} FROM input
        ON CONFLICT (id) DO UPDATE SET
          label = COALESCE(EXCLUDED.label, t.label),
          active = CASE WHEN t.untracked_at IS NULL THEN t.active ELSE t.effective_status IS NULL OR t.effective_status IN ('pending', 'unknown') END,
          next_check_at = CASE WHEN t.untracked_at IS NULL THEN t.next_check_at ELSE ${now} END,
          untracked_at = NULL
        RETURNING id, (xmax = 0) AS inserted, id IN (SELECT id FROM untracked) AS resumed`;
      // A channel is set only where one was given (null included: back to SLACK_CHANNEL); elsewhere it is kept.
      const routed = chunk.filter((e) => e.channel !== undefined);
      if (routed.length > 0) {
        await tx.$executeRaw`
          UPDATE tracked_invite t SET slack_channel = input.channel
          FROM unnest(${routed.map((e) => e.id)}::char(32)[], ${routed.map((e) => e.channel ?? null)}::text[]) AS input(id, channel)
          WHERE t.id = input.id`;
      }
      for (const row of rows) {
        const id = row.id.trim();
        (row.inserted ? result.added : row.resumed ? result.trackedAgain : result.alreadyTracked).push(id);
      }
      if (entries.length > CHUNK) options.onProgress?.(Math.min(start + CHUNK, entries.length), entries.length);
    }
    // New and re-tracked invites are due now: the sweep, asleep while nothing is due, hears this on commit.
    if (result.added.length + result.trackedAgain.length > 0) await tx.$queryRawUnsafe(wakeStatement(INVITE_CHANNEL));
  }, { timeout: TRANSACTION_TIMEOUT_MS, maxWait: 10_000 });
  return result;
}

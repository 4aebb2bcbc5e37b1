import type { IdEntry } from "../invites/parseIdList.js";
import type { Db } from "./db.js";

export interface TrackResult {
  added: string[];
  alreadyTracked: string[];
}

/** Rows per INSERT: large lists go in a few statements, still in one transaction. 5,000 is about the fastest. */
const CHUNK = 5_000;

/**
 * How long the transaction may take. 100,000 ids take one to three seconds; Prisma's default of 5 s would abort a
 * large list on a slow or busy machine (or one short of memory, under garbage collection), and nothing would be
 * written. The bound still ends a transaction that holds its row locks for no reason.
 */
const TRANSACTION_TIMEOUT_MS = 120_000;

/**
 * Registers invites, idempotently: a known id keeps its history and schedule, and only takes a new label
 * when one is given. All entries are written in one transaction, or none.
 */
export async function trackInvites(db: Db, entries: readonly IdEntry[], now: Date): Promise<TrackResult> {
  const added: string[] = [];
  const alreadyTracked: string[] = [];
  await db.$transaction(async (tx) => {
    for (let start = 0; start < entries.length; start += CHUNK) {
      const chunk = entries.slice(start, start + CHUNK);
      const rows = await tx.$queryRaw<Array<{ id: string; inserted: boolean }>>`
        INSERT INTO tracked_invite (id, label, added_at, next_check_at)
        SELECT id, label, ${now}, ${now}
        FROM unnest(${chunk.map((e) => e.id)}::text[], ${chunk.map((e) => e.label)}::text[]) AS input(id, label)
        ON CONFLICT (id) DO UPDATE SET label = COALESCE(EXCLUDED.label, tracked_invite.label)
        RETURNING id, (xmax = 0) AS inserted`;
      for (const row of rows) (row.inserted ? added : alreadyTracked).push(row.id.trim());
    }
  }, { timeout: TRANSACTION_TIMEOUT_MS, maxWait: 10_000 });
  return { added, alreadyTracked };
}

import type { AlertDraft } from "../alerts/alertTypes.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Db, DbTransaction } from "./db.js";

/** Adds alerts to the outbox. A dedup key already there means the event was recorded before: it is skipped. */
export async function insertAlerts(db: Db | DbTransaction, drafts: readonly AlertDraft[], now: Date): Promise<number> {
  if (drafts.length === 0) return 0;
  const result = await db.alert.createMany({
    data: drafts.map((d) => ({
      dedupKey: d.dedupKey,
      kind: d.kind,
      inviteId: d.inviteId,
      content: d.content as unknown as Prisma.InputJsonValue,
      createdAt: now,
      nextAttemptAt: now,
    })),
    skipDuplicates: true,
  });
  return result.count;
}

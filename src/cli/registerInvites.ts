import type { IdEntry } from "../invites/parseIdList.js";
import type { Clock } from "../lib/clock.js";
import { InviteMonitorError } from "../lib/errors.js";
import type { Db } from "../storage/db.js";
import { trackInvites, type TrackResult } from "../storage/trackInvites.js";
import { readIdSources, type IdSources } from "./readIdSources.js";

export interface Registration extends TrackResult {
  /** The distinct ids read from every source. */
  entries: IdEntry[];
}

/**
 * Reads ids from every source and registers them: the one path shared by `invite-monitor track` and the seed
 * script, so both accept and refuse exactly the same input. The whole input is checked before the database is
 * opened (`db` is called only then): nothing is written when any id or label is invalid.
 */
export async function registerInvites(
  sources: IdSources,
  deps: { db: () => Db; clock: Clock; nothingGiven: string; onWriteProgress?: (written: number, total: number) => void },
): Promise<Registration> {
  const list = await readIdSources(sources);
  if (list.entries.length === 0) throw new InviteMonitorError("INPUT_INVALID", deps.nothingGiven);
  const result = await trackInvites(deps.db(), list.entries, deps.clock(), { onProgress: deps.onWriteProgress });
  return { entries: list.entries, ...result };
}

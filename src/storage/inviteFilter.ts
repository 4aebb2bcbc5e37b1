import { Prisma } from "../generated/prisma/client.js";

/**
 * What `list --status` and the status page's filter can ask for: an effective status, or one of the two states of an
 * invite never observed (`unchecked`: not polled yet; `not-visible`: it answered 404 before it was ever seen).
 */
export const STATUS_FILTERS = ["pending", "accepted", "rejected", "expired", "gone", "unknown", "unchecked", "not-visible"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export function isStatusFilter(text: string): text is StatusFilter {
  return (STATUS_FILTERS as readonly string[]).includes(text);
}

/** Every condition is optional; the ones given must all hold. */
export interface InviteFilter {
  status?: StatusFilter;
  /** Pending invites whose expires_on is after now and at most this long after it. */
  expiringWithinMs?: number;
  /** Only invites whose last poll failed (consecutive_failures > 0). */
  failing?: boolean;
  /** Untracked invites too (`list --all`); they are left out otherwise. */
  includeUntracked?: boolean;
  /** A case-insensitive part of the id, label, email or organization name. */
  search?: string;
}

/** The conditions of a filter, `now` being the time "expiring within" counts from. Values are bound, never spliced. */
export function inviteConditions(filter: InviteFilter, now: Date): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (!filter.includeUntracked) conditions.push(Prisma.sql`untracked_at IS NULL`);
  if (filter.status === "unchecked") conditions.push(Prisma.sql`effective_status IS NULL AND not_found_since IS NULL`);
  else if (filter.status === "not-visible") conditions.push(Prisma.sql`effective_status IS NULL AND not_found_since IS NOT NULL`);
  else if (filter.status) conditions.push(Prisma.sql`effective_status = ${filter.status}::"EffectiveStatus"`);
  if (filter.expiringWithinMs !== undefined) {
    const until = new Date(now.getTime() + filter.expiringWithinMs);
    conditions.push(Prisma.sql`effective_status = 'pending' AND expires_on > ${now} AND expires_on <= ${until}`);
  }
  if (filter.failing) conditions.push(Prisma.sql`consecutive_failures > 0`);
  const search = filter.search?.trim();
  if (search) {
    const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      Prisma.sql`(id::text ILIKE ${pattern} OR label ILIKE ${pattern} OR invited_member_email ILIKE ${pattern} OR organization_name ILIKE ${pattern})`,
    );
  }
  return conditions;
}

/** `WHERE a AND b`, or nothing. */
export function whereClause(conditions: readonly Prisma.Sql[]): Prisma.Sql {
  return conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
}

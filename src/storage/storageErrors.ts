import pg from "pg";
import { InviteMonitorError } from "../lib/errors.js";

/**
 * SQLSTATE classes that say the database (or the way to it) is unavailable for now, not that this write is wrong:
 * 08 connection exception, 40 transaction rollback (serialization, deadlock), 53 insufficient resources,
 * 57 operator intervention (shutdown, statement timeout), 58 system error, XX internal error.
 */
const TRANSIENT_CLASSES = new Set(["08", "40", "53", "57", "58", "XX"]);

/**
 * True when Postgres refused this write itself (its data, a constraint, a conflict that kept recurring), so trying
 * it again can never succeed; false when the database was unreachable, timed out or is busy, which a retry heals.
 * Decided by SQLSTATE code, never by message text.
 */
export function isRefusedWrite(error: unknown): boolean {
  const sqlState = sqlStateOf(error);
  if (sqlState !== null) return !TRANSIENT_CLASSES.has(sqlState.slice(0, 2));
  // A value too deep or too long to serialize into the statement's JSON parameter.
  if (error instanceof RangeError) return true;
  return error instanceof InviteMonitorError && error.code === "WRITE_CONFLICT";
}

/**
 * The SQLSTATE Postgres answered: pg's own error carries it as `code`; Prisma (through the pg driver adapter) wraps
 * it as `meta.driverAdapterError.cause.originalCode`. Null when Postgres said nothing (unreachable, a timeout).
 */
function sqlStateOf(error: unknown): string | null {
  if (error instanceof pg.DatabaseError) return error.code ?? null;
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } } | null)?.meta?.driverAdapterError?.cause;
  return typeof cause?.originalCode === "string" && /^[0-9A-Z]{5}$/.test(cause.originalCode) ? cause.originalCode : null;
}

/** One line, free of control characters, short enough for a column: what Postgres said. */
export function describeStorageError(error: unknown): string {
  const code = error instanceof pg.DatabaseError && error.code ? `${error.code}: ` : "";
  const message = error instanceof Error ? error.message : String(error);
  // eslint-disable-next-line no-control-regex
  return `${code}${message}`.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").replace(/\s+/g, " ").trim().slice(0, 200);
}

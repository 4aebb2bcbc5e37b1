import { InviteMonitorError } from "../lib/errors.js";

const CHECK_URL = "check DATABASE_URL, and that Postgres is running";
const MIGRATE = "run: invite-monitor migrate (npm run db:migrate, or docker compose run --rm migrate)";

/** Network failures of the pg driver (ensureDatabase connects with it directly). */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH"]);

interface AdapterCause {
  kind?: string;
  host?: string;
  port?: number;
  db?: string;
  table?: string;
  column?: string;
  originalCode?: string;
  originalMessage?: string;
}

/**
 * The one readable message for an error that ends a CLI command. Our own errors already say what to do. Prisma's
 * errors carry a dump of the calling code ("Invalid `db.trackedInvite.findMany()` invocation in ...") that means
 * nothing to an operator: they are recognised by the driver adapter's `kind` (Postgres' own code underneath) and
 * told as what to check or run. Anything else gives its first line only, never a stack.
 */
export function describeError(error: unknown): string {
  if (error instanceof InviteMonitorError) return error.message;
  const database = describeDatabaseError(error);
  if (database) return database;
  const message = error instanceof Error ? error.message : String(error);
  return `unexpected error: ${firstLine(message)}`;
}

function describeDatabaseError(error: unknown): string | null {
  const e = error as { name?: unknown; code?: unknown; message?: unknown; meta?: { driverAdapterError?: { cause?: AdapterCause } }; errors?: unknown[] };
  const cause = e?.meta?.driverAdapterError?.cause;
  if (cause?.kind) return describeAdapterCause(cause);

  // The pg driver: a socket error, or a Postgres error with its SQLSTATE.
  const code = typeof e?.code === "string" ? e.code : typeof (e?.errors?.[0] as { code?: unknown })?.code === "string" ? ((e.errors![0] as { code: string }).code) : undefined;
  if (code && UNREACHABLE_CODES.has(code)) {
    const at = error as { address?: string; port?: number };
    return `cannot reach Postgres${at.address ? ` at ${at.address}${at.port ? `:${at.port}` : ""}` : ""} (${code}); ${CHECK_URL}`;
  }
  const pgMessage = typeof e?.message === "string" ? firstLine(e.message) : "";
  if (code === "28P01" || code === "28000") return `Postgres refused the login (${pgMessage}); check the user and password in DATABASE_URL`;
  if (code === "3D000") return `${pgMessage}; create it and apply the migrations: ${MIGRATE}`;
  if (code === "42P01") return `the database is not migrated (${pgMessage}); ${MIGRATE}`;

  // Any other Prisma error: its last line is the reason; the lines above it are the invocation dump.
  if (typeof e?.name === "string" && e.name.startsWith("PrismaClient")) {
    const lines = String(e.message ?? "").split("\n").map((l) => l.trim()).filter(Boolean);
    return `database error${typeof e.code === "string" ? ` ${e.code}` : ""}: ${lines.at(-1) ?? "unknown"}`;
  }
  return null;
}

function describeAdapterCause(cause: AdapterCause): string {
  const postgres = cause.originalMessage ? ` (${cause.originalMessage})` : "";
  switch (cause.kind) {
    case "DatabaseNotReachable":
    case "ConnectionClosed":
    case "SocketTimeout":
    case "TlsConnectionError":
      return `cannot reach Postgres${cause.host ? ` at ${cause.host}${cause.port ? `:${cause.port}` : ""}` : ""}; ${CHECK_URL}`;
    case "DatabaseDoesNotExist":
      return `database ${cause.db ? `"${cause.db}" ` : ""}does not exist; create it and apply the migrations: ${MIGRATE}`;
    case "DatabaseAccessDenied":
    case "AuthenticationFailed":
      return `Postgres refused the login${postgres}; check the user and password in DATABASE_URL`;
    case "TableDoesNotExist":
      return `the database is not migrated (table ${cause.table ?? "?"} is missing); ${MIGRATE}`;
    case "ColumnNotFound":
      return `the database schema is older than this version (column ${cause.column ?? "?"} is missing); ${MIGRATE}`;
    case "TooManyConnections":
      return `Postgres has no free connections${postgres}; try again, or raise max_connections`;
    default:
      return `database error (${cause.kind}${cause.originalCode ? ` ${cause.originalCode}` : ""})${postgres}`;
  }
}

function firstLine(text: string): string {
  return text.split("\n").map((l) => l.trim()).find(Boolean) ?? "unknown error";
}

import pg from "pg";
import { describe, expect, it } from "vitest";
import { describeError } from "../../src/cli/describeError.js";
import { Prisma } from "../../src/generated/prisma/client.js";
import { InviteMonitorError } from "../../src/lib/errors.js";

const MIGRATE = "run: invite-monitor migrate (npm run db:migrate, or docker compose run --rm migrate)";

/** A Prisma error as the pg driver adapter raises it: an invocation dump for a message, the cause in `meta`. */
function prismaError(code: string, cause: Record<string, unknown>): Error {
  const dump = "\nInvalid `db.trackedInvite.findMany()` invocation in\n/app/src/storage/readInvites.ts:21:39\n\n→ 21   const rows = await db.trackedInvite.findMany(\nthe reason";
  return new Prisma.PrismaClientKnownRequestError(dump, { code, clientVersion: "6.19.3", meta: { driverAdapterError: { name: "DriverAdapterError", cause } } });
}

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code, address: "127.0.0.1", port: 1 });
}

function postgresError(code: string, message: string): Error {
  return Object.assign(new pg.DatabaseError(message, 0, "error"), { code });
}

describe("describeError", () => {
  it.each([
    { name: "our own error, as it is", error: new InviteMonitorError("INPUT_INVALID", "bad input"), expected: "bad input" },
    {
      name: "Postgres not reachable (Prisma)",
      error: prismaError("P1001", { kind: "DatabaseNotReachable", host: "127.0.0.1", port: 1 }),
      expected: "cannot reach Postgres at 127.0.0.1:1; check DATABASE_URL, and that Postgres is running",
    },
    {
      name: "a missing table (Prisma model query)",
      error: prismaError("P2021", { kind: "TableDoesNotExist", table: "public.tracked_invite", originalCode: "42P01" }),
      expected: `the database is not migrated (table public.tracked_invite is missing); ${MIGRATE}`,
    },
    {
      name: "a missing table (raw query)",
      error: prismaError("P2010", { kind: "TableDoesNotExist", table: "alert", originalCode: "42P01" }),
      expected: `the database is not migrated (table alert is missing); ${MIGRATE}`,
    },
    {
      name: "a missing column: an older schema",
      error: prismaError("P2022", { kind: "ColumnNotFound", column: "not_found_since" }),
      expected: `the database schema is older than this version (column not_found_since is missing); ${MIGRATE}`,
    },
    {
      name: "a missing database",
      error: prismaError("P1003", { kind: "DatabaseDoesNotExist", db: "invite_monitor", originalCode: "3D000" }),
      expected: `database "invite_monitor" does not exist; create it and apply the migrations: ${MIGRATE}`,
    },
    {
      name: "a refused login",
      error: prismaError("P1010", { kind: "DatabaseAccessDenied", originalCode: "28000", originalMessage: 'role "nobody" does not exist' }),
      expected: 'Postgres refused the login (role "nobody" does not exist); check the user and password in DATABASE_URL',
    },
    {
      name: "any other adapter error: its kind and Postgres' own words, no dump",
      error: prismaError("P2010", { kind: "postgres", originalCode: "22P02", originalMessage: "invalid input syntax" }),
      expected: "database error (postgres 22P02) (invalid input syntax)",
    },
    {
      name: "a Prisma error without an adapter cause: its last line",
      error: new Prisma.PrismaClientKnownRequestError("\nInvalid `x()` invocation:\n\n\nTransaction already closed", { code: "P2028", clientVersion: "6.19.3" }),
      expected: "database error P2028: Transaction already closed",
    },
    {
      name: "pg: connection refused (migrate's own connection)",
      error: socketError("ECONNREFUSED"),
      expected: "cannot reach Postgres at 127.0.0.1:1 (ECONNREFUSED); check DATABASE_URL, and that Postgres is running",
    },
    {
      name: "pg: a wrong password",
      error: postgresError("28P01", 'password authentication failed for user "postgres"'),
      expected: 'Postgres refused the login (password authentication failed for user "postgres"); check the user and password in DATABASE_URL',
    },
    { name: "anything else: its first line only", error: new Error("boom\n    at somewhere (file.ts:1:1)"), expected: "unexpected error: boom" },
    { name: "a thrown string", error: "just text", expected: "unexpected error: just text" },
  ])("$name", ({ error, expected }) => {
    expect(describeError(error)).toBe(expected);
  });
});

import pg from "pg";
import { describe, expect, it } from "vitest";
import { InviteMonitorError } from "../../src/lib/errors.js";
import { describeStorageError, isRefusedWrite } from "../../src/storage/storageErrors.js";

function dbError(code: string, message = "from postgres"): pg.DatabaseError {
  const error = new pg.DatabaseError(message, 0, "error");
  error.code = code;
  return error;
}

/** What Prisma throws through the pg driver adapter (seen from $executeRaw): P2010, the SQLSTATE nested in meta. */
function prismaError(cause: Record<string, unknown>): Error {
  return Object.assign(new Error("Raw query failed"), { code: "P2010", meta: { driverAdapterError: { name: "DriverAdapterError", cause } } });
}

describe("isRefusedWrite: by SQLSTATE code, never by message", () => {
  it.each<[string, unknown, boolean]>([
    ["22P05 untranslatable character (data)", dbError("22P05"), true],
    ["22008 datetime field overflow (data)", dbError("22008"), true],
    ["23505 unique violation (constraint)", dbError("23505"), true],
    ["42703 undefined column (a schema the code does not expect)", dbError("42703"), true],
    ["08006 connection failure", dbError("08006"), false],
    ["57P01 admin shutdown", dbError("57P01"), false],
    ["57014 statement timeout", dbError("57014"), false],
    ["53300 too many connections", dbError("53300"), false],
    ["40001 serialization failure", dbError("40001"), false],
    ["40P01 deadlock", dbError("40P01"), false],
    ["XX000 internal error", dbError("XX000"), false],
    ["a message that merely mentions 22P05", new Error("connection lost while sending 22P05"), false],
    ["ECONNREFUSED", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }), false],
    ["the connection dropping mid-query", new Error("Connection terminated unexpectedly"), false],
    ["a value too deep to serialize", new RangeError("Maximum call stack size exceeded"), true],
    ["an invite that kept changing under the write", new InviteMonitorError("WRITE_CONFLICT", "kept changing"), true],
    ["another error of ours", new InviteMonitorError("SERVICE_UNAVAILABLE", "down"), false],
    ["not an error at all", "oops", false],
    ["Prisma: 23503 foreign key violation", prismaError({ originalCode: "23503", kind: "ForeignKeyConstraintViolation" }), true],
    ["Prisma: 42P01 undefined table", prismaError({ originalCode: "42P01", kind: "TableDoesNotExist" }), true],
    ["Prisma: 57P01 admin shutdown", prismaError({ originalCode: "57P01" }), false],
    ["Prisma: unreachable, no SQLSTATE", prismaError({ kind: "DatabaseNotReachable" }), false],
    ["Prisma: a code that is not a SQLSTATE", prismaError({ originalCode: "ECONNRESET" }), false],
  ])("%s -> %s", (_name, error, refused) => {
    expect(isRefusedWrite(error)).toBe(refused);
  });
});

describe("describeStorageError", () => {
  it("names the code and keeps one clean, short line", () => {
    const text = describeStorageError(dbError("22P05", `unsupported Unicode escape sequence\n\u0000 detail ${"x".repeat(500)}`));
    expect(text.startsWith("22P05: unsupported Unicode escape sequence detail x")).toBe(true);
    expect(text.length).toBeLessThanOrEqual(200);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u001f]/);
  });
});

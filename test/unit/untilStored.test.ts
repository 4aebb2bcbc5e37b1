import pg from "pg";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/lib/logger.js";
import { untilStored } from "../../src/notifier/untilStored.js";

const logger = createLogger({ level: "silent", secrets: [] });

function dbError(code: string): pg.DatabaseError {
  const error = new pg.DatabaseError("from postgres", 0, "error");
  error.code = code;
  return error;
}

/** A write that fails with these errors in turn, then succeeds; counts its calls. */
function writeFailing(...errors: unknown[]): { write: () => Promise<void>; calls: () => number } {
  let calls = 0;
  return {
    write: async () => {
      const error = errors[calls++];
      if (error !== undefined) throw error;
    },
    calls: () => calls,
  };
}

describe("untilStored: holds on through an outage, never on a write Postgres refuses", () => {
  it.each<{ name: string; error: unknown; refused: boolean }>([
    { name: "23503 foreign key violation (pg)", error: dbError("23503"), refused: true },
    { name: "23503 through Prisma's driver adapter", error: Object.assign(new Error("Raw query failed"), { code: "P2010", meta: { driverAdapterError: { cause: { originalCode: "23503" } } } }), refused: true },
    { name: "08006 connection failure", error: dbError("08006"), refused: false },
    { name: "ECONNREFUSED", error: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), refused: false },
  ])("$name: refused=$refused", async ({ error, refused }) => {
    const attempt = writeFailing(error);
    const stored = untilStored(attempt.write, logger);
    if (refused) await expect(stored).rejects.toBe(error);
    else await expect(stored).resolves.toBeUndefined();
    expect(attempt.calls()).toBe(refused ? 1 : 2);
  });
});

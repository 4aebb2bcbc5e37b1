import pg from "pg";

/**
 * Plain pg for the poll's hot path (recordObservations): Prisma's per-query overhead was a fifth of a poll's CPU
 * (BENCHMARKS.md, row 1). Everything else goes through Prisma.
 */
export type Sql = Pick<pg.Pool, "query">;

/** A small pool; an idle connection that Postgres drops (a restart) is reported, not thrown. */
export function createSqlPool(databaseUrl: string, max: number, onIdleError: (error: Error) => void): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max });
  pool.on("error", onIdleError);
  return pool;
}

import pg from "pg";

/**
 * Plain pg for the poll's hot path (recordObservations): Prisma's per-query overhead was a fifth of a poll's CPU
 * (BENCHMARKS.md, row 1). Prisma runs on the same pool (storage/db.ts), so a process holds one set of connections.
 */
export type Sql = Pick<pg.Pool, "query">;

/**
 * Every connection's limits, in one place. A statement Postgres runs for longer than this is cancelled; a reply
 * that never comes (a half-open connection after a network cut) fails the query a little later on our side, and
 * TCP keepalive notices a dead peer even on an idle connection. Without them one hung connection stalls every write
 * of the process behind it.
 */
export function poolConfig(databaseUrl: string, max: number, limits: PoolLimits = DEFAULT_LIMITS): pg.PoolConfig {
  return {
    connectionString: databaseUrl,
    max,
    statement_timeout: limits.statementMs,
    query_timeout: limits.queryMs,
    idle_in_transaction_session_timeout: 60_000,
    connectionTimeoutMillis: limits.connectMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

export interface PoolLimits {
  /** Postgres cancels a statement that runs longer. */
  statementMs: number;
  /** We give up on a reply that takes longer (the connection is then discarded). */
  queryMs: number;
  /** We give up on connecting after this. */
  connectMs: number;
}

export const DEFAULT_LIMITS: PoolLimits = { statementMs: 30_000, queryMs: 35_000, connectMs: 10_000 };

/** A pool with those limits; an idle connection that Postgres drops (a restart) is reported, not thrown. */
export function createSqlPool(databaseUrl: string, max: number, onIdleError: (error: Error) => void, limits: PoolLimits = DEFAULT_LIMITS): pg.Pool {
  const pool = new pg.Pool(poolConfig(databaseUrl, max, limits));
  pool.on("error", onIdleError);
  return pool;
}

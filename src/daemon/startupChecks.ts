import type { Redis } from "ioredis";
import { InviteMonitorError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { Db } from "../storage/db.js";
import { pendingMigrations } from "../storage/migrations.js";

/**
 * Refuses to start against a database it cannot reach or has not migrated, and against an unreachable Redis;
 * warns when Redis may evict BullMQ's keys. Every failure says what to do about it.
 */
export async function startupChecks(db: Db, redis: Redis, logger: Logger): Promise<void> {
  try {
    await db.$queryRaw`SELECT 1`;
  } catch (error) {
    throw new InviteMonitorError("SERVICE_UNAVAILABLE", `cannot reach Postgres (${describe(error)}); check DATABASE_URL, or start it: docker compose up -d postgres`, { cause: error });
  }
  const pending = await pendingMigrations(db);
  if (pending.length > 0) {
    throw new InviteMonitorError(
      "MIGRATIONS_PENDING",
      `the database has ${pending.length} unapplied migration(s) (${pending.join(", ")}); apply them with: invite-monitor migrate (npm run db:migrate, or docker compose run --rm migrate)`,
    );
  }
  try {
    await withTimeout(redis.ping(), 5_000);
  } catch (error) {
    throw new InviteMonitorError("SERVICE_UNAVAILABLE", `cannot reach Redis (${describe(error)}); check REDIS_URL, or start it: docker compose up -d redis`, { cause: error });
  }
  try {
    const [, policy] = (await redis.config("GET", "maxmemory-policy")) as [string, string];
    if (policy && policy !== "noeviction") {
      logger.warn({ policy }, `Redis maxmemory-policy is "${policy}": BullMQ needs "noeviction", or Redis may silently drop queued jobs`);
    }
  } catch {
    // Managed Redis often forbids CONFIG; nothing to check then.
  }
}

function describe(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return code && !message?.includes(code) ? `${code}: ${message}` : (message ?? "unknown error");
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

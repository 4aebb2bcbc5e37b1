import os from "node:os";
import { Redis } from "ioredis";
import pg from "pg";
import { loadConfig, type Config } from "../../src/config/loadConfig.js";
import { createLogger } from "../../src/lib/logger.js";
import { createDb, type Db } from "../../src/storage/db.js";
import { ensureDatabase } from "../../src/storage/ensureDatabase.js";
import { createSqlPool } from "../../src/storage/sqlPool.js";
import { deployMigrations, pendingMigrations } from "../../src/storage/migrations.js";

/** The local services the benchmarks run on; override with BENCH_DATABASE_URL / BENCH_REDIS_URL. */
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const TEMPLATE = "invite_monitor_bench_template";

export { IMAGE_RUNTIME } from "./imageRuntime.js";

export const quietLogger = createLogger({ level: "silent", secrets: [] });

function withDatabase(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A migrated template, made once per `npm run bench`. */
export async function prepareTemplate(): Promise<void> {
  const url = withDatabase(TEMPLATE);
  await ensureDatabase(url);
  const db = createDb(url);
  const pending = await pendingMigrations(db);
  await db.$disconnect();
  if (pending.length > 0 && deployMigrations(url, { quiet: true }) !== 0) throw new Error("migrating the benchmark template failed");
}

export interface BenchDatabase {
  url: string;
  db: Db;
  /** The pool Prisma runs on, for the poll's plain-pg writes, as in the daemon. */
  sql: pg.Pool;
  drop(): Promise<void>;
}

/** A fresh database cloned from the template. */
export async function benchDatabase(name: string): Promise<BenchDatabase> {
  const database = `invite_monitor_bench_${name}`;
  await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${database}" TEMPLATE "${TEMPLATE}"`);
  const url = withDatabase(database);
  const sql = createSqlPool(url, 8, () => {});
  const db = createDb(sql);
  return {
    url,
    db,
    sql,
    async drop() {
      await db.$disconnect();
      await sql.end();
      await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    },
  };
}

/** Inserts `count` invites with SQL (not through the API): ids are the row number in hex. `dueEvery` = 100 makes 1 % due. */
export async function insertInvites(db: Db, count: number, options: { dueEvery?: number; start?: number } = {}): Promise<void> {
  const every = options.dueEvery ?? 1;
  const start = options.start ?? 1;
  for (let from = start; from < start + count; from += 200_000) {
    const to = Math.min(start + count - 1, from + 199_999);
    await db.$executeRawUnsafe(`
      INSERT INTO tracked_invite (id, next_check_at)
      SELECT lpad(to_hex(g), 32, '0'),
             CASE WHEN g % ${every} = 0 THEN now() - interval '1 minute' ELSE now() + interval '1 day' END
      FROM generate_series(${from}, ${to}) AS g`);
  }
  await db.$executeRawUnsafe("ANALYZE tracked_invite");
}

export function benchInviteId(n: number): string {
  return n.toString(16).padStart(32, "0");
}

/** A generated Invite as Cloudflare would serve it. */
export function generatedInvite(id: string): Record<string, unknown> {
  return {
    id,
    invited_member_id: null,
    organization_id: "023e105f4ecef8ad9ca31a8372d0c353",
    organization_name: "Bench Org",
    invited_by: "admin@example.com",
    invited_member_email: `${id.slice(-6)}@example.com`,
    invited_on: "2026-11-20T12:00:00Z",
    expires_on: "2027-01-20T12:00:00Z",
    organization_is_enforcing_twofactor: false,
    roles: ["Administrator"],
    status: "pending",
  };
}

export async function clearPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  await redis.quit();
}

export function benchConfig(databaseUrl: string, prefix: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    CLOUDFLARE_API_TOKEN: "bench-token-0000",
    CLOUDFLARE_RATE_LIMIT: "1000000",
    CLOUDFLARE_RATE_WINDOW: "1s",
    CLOUDFLARE_BUDGET_SHARE: "1",
    POLL_JITTER: "0",
    LOG_LEVEL: "silent",
    ...env,
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export async function machineFacts(): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  const pgVersion = (await client.query("SHOW server_version")).rows[0].server_version as string;
  await client.end();
  const redis = new Redis(REDIS_URL);
  const info = await redis.info("server");
  await redis.quit();
  return {
    cpu: `${os.cpus()[0]?.model ?? "unknown"} × ${os.cpus().length}`,
    memory: `${Math.round(os.totalmem() / 1024 ** 3)} GiB`,
    node: process.version,
    postgres: pgVersion,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown",
    os: `${os.type()} ${os.release()}`,
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

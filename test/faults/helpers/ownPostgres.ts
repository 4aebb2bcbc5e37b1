import { execFile, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "../../helpers/ownRedis.js";

const run = promisify(execFile);
const BIN = "/usr/lib/postgresql/15/bin";

/**
 * A Postgres cluster of the test's own: its own data directory, port and socket directory, so stopping it disturbs
 * neither the machine's Postgres on 5432 nor anyone else's tests. We run as root, and initdb/postgres refuse root,
 * so every server command runs as the `postgres` OS user.
 */
export interface OwnPostgres {
  /** DATABASE_URL of the monitor's database on this cluster. */
  readonly url: string;
  /** Starts the server (after a stop). */
  start(): Promise<void>;
  /** `pg_ctl stop` (fast mode by default: open connections are cut, running transactions abort). */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  /** Runs one statement on the monitor's database with a short-lived connection. */
  query<T extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Stops the server however it can and removes every file. Safe to call twice. */
  destroy(): Promise<void>;
}

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("postgres:"));
  if (!line) throw new Error("no postgres OS user: install postgresql-15");
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

async function asPostgres(args: string[], timeoutMs = 60_000): Promise<{ stdout: string; stderr: string }> {
  return run("runuser", ["-u", "postgres", "--", ...args], { timeout: timeoutMs });
}

/** Clusters not destroyed yet: stopped synchronously if the test process exits without its hooks running. */
const live = new Set<string>();
process.once("exit", () => {
  for (const dir of live) {
    try {
      execFileSync("runuser", ["-u", "postgres", "--", `${BIN}/pg_ctl`, "-D", join(dir, "data"), "-m", "immediate", "-w", "-t", "10", "stop"], { stdio: "ignore" });
    } catch {
      // not running
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Creates, starts and migrates (with the project's own `invite-monitor migrate`) a fresh cluster. */
async function createOwnPostgres(): Promise<OwnPostgres> {
  const dir = mkdtempSync(join(tmpdir(), "imfault-pg-"));
  const { uid, gid } = postgresIds();
  chownSync(dir, uid, gid);
  const data = join(dir, "data");
  const logFile = join(dir, "server.log");
  const port = await freePort();
  const url = `postgresql://postgres@127.0.0.1:${port}/invite_monitor`;
  let destroyed = false;
  live.add(dir);

  const cluster: OwnPostgres = {
    url,
    async start() {
      await asPostgres([`${BIN}/pg_ctl`, "-D", data, "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, "-l", logFile, "-w", "-t", "60", "start"]);
    },
    async stop(mode = "fast") {
      await asPostgres([`${BIN}/pg_ctl`, "-D", data, "-m", mode, "-w", "-t", "60", "stop"]);
    },
    async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
      client.on("error", () => {});
      await client.connect();
      try {
        return (await client.query<T>(sql, params)).rows;
      } finally {
        await client.end().catch(() => {});
      }
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      if (existsSync(join(data, "postmaster.pid"))) {
        await asPostgres([`${BIN}/pg_ctl`, "-D", data, "-m", "immediate", "-w", "-t", "30", "stop"]).catch(() => {
          // pg_ctl could not do it: kill the postmaster by its pid file.
          const pid = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
          if (pid > 0) {
            try {
              process.kill(pid, "SIGKILL");
            } catch {
              // already gone
            }
          }
        });
      }
      rmSync(dir, { recursive: true, force: true });
      live.delete(dir);
    },
  };

  try {
    await asPostgres([`${BIN}/initdb`, "-D", data, "-U", "postgres", "--auth=trust", "--no-sync"]);
    await cluster.start();
    await migrate(url);
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
  return cluster;
}

/** `node --import tsx src/cli/main.ts migrate`: creates the database and runs `prisma migrate deploy`. */
async function migrate(databaseUrl: string): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "migrate"], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`invite-monitor migrate exited ${code}:\n${output}`);
}

/**
 * Hands each test a cluster of its own, preparing the next one in the background while the current test runs
 * (the migrate command alone takes ~12 s, mostly idle: Prisma's CLI keeps its pool open for 10 s before exiting).
 */
export class ClusterPool {
  private next: Promise<OwnPostgres> | null = null;
  private readonly handedOut: OwnPostgres[] = [];

  constructor(private remaining: number) {
    this.prefetch();
  }

  private prefetch(): void {
    if (this.remaining <= 0 || this.next) return;
    this.remaining -= 1;
    const pending = createOwnPostgres();
    pending.catch(() => {});
    this.next = pending;
  }

  /** The next cluster (migrated, running); starts preparing the one after. */
  async take(): Promise<OwnPostgres> {
    if (!this.next) {
      this.remaining = Math.max(this.remaining, 1);
      this.prefetch();
    }
    const cluster = await this.next!;
    this.next = null;
    this.handedOut.push(cluster);
    this.prefetch();
    return cluster;
  }

  /** Destroys every cluster, handed out or still being prepared. */
  async close(): Promise<void> {
    this.remaining = 0;
    const pending = this.next;
    this.next = null;
    const clusters = [...this.handedOut];
    if (pending) {
      const extra = await pending.catch(() => null);
      if (extra) clusters.push(extra);
    }
    await Promise.all(clusters.map((c) => c.destroy()));
  }
}

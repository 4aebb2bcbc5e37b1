import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Db } from "./db.js";

/** The package root, from src/storage (tsx) and from dist/storage (built) alike. */
const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MIGRATIONS_DIR = `${PACKAGE_ROOT}prisma/migrations`;

/** The migrations committed with this version of the code that the database has not applied (yet). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const committed = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  let applied: Set<string>;
  try {
    const rows = await db.$queryRaw<Array<{ migration_name: string }>>`
      SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    applied = new Set(rows.map((r) => r.migration_name));
  } catch (error) {
    // 42P01: no migrations table at all, i.e. a database that was never migrated.
    if (isMissingTable(error)) return committed;
    throw error;
  }
  return committed.filter((name) => !applied.has(name));
}

/** Runs `prisma migrate deploy` against the URL, showing its output unless quiet. Returns its exit code. */
export function deployMigrations(databaseUrl: string, options: { quiet?: boolean } = {}): number {
  const result = spawnSync("npx", ["prisma", "migrate", "deploy"], {
    stdio: options.quiet ? "ignore" : "inherit",
    cwd: PACKAGE_ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  return result.status ?? 1;
}

function isMissingTable(error: unknown): boolean {
  const text = `${(error as { code?: string }).code ?? ""} ${(error as { message?: string }).message ?? ""} ${JSON.stringify((error as { meta?: unknown }).meta ?? "")}`;
  return text.includes("42P01") || /relation .*_prisma_migrations.* does not exist/i.test(text);
}

import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createDb, type Db } from "../../src/storage/db.js";
import { createSqlPool } from "../../src/storage/sqlPool.js";
import { withDatabase } from "../setup/globalSetup.js";

export interface TestDatabase {
  url: string;
  db: Db;
  /** The pool Prisma runs on: the poll's plain-pg writes share it, as in the daemon. */
  sql: pg.Pool;
  drop(): Promise<void>;
}

/** A fresh migrated database for one test: a clone of the template that globalSetup migrated. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = inject("adminDatabaseUrl");
  const name = `im_test_${randomBytes(6).toString("hex")}`;
  const template = options.migrated === false ? "" : ` TEMPLATE "${inject("templateDatabase")}"`;
  await admin(adminUrl, `CREATE DATABASE "${name}"${template}`);
  const url = withDatabase(adminUrl, name);
  const sql = createSqlPool(url, 6, () => {});
  const db = createDb(sql);
  return {
    url,
    db,
    sql,
    async drop() {
      await db.$disconnect();
      await sql.end();
      await admin(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

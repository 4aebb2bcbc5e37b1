import { execFileSync } from "node:child_process";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { resolveServices } from "./resolveServices.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A URL on the test Postgres server; test databases are created beside it. */
    adminDatabaseUrl: string;
    /** A migrated database that every test database is cloned from. */
    templateDatabase: string;
    redisUrl: string;
  }
}

/**
 * Runs once per `npm test`: finds Postgres and Redis, then migrates a template database with the real
 * `prisma migrate deploy`, so each test file gets a fresh migrated database by a fast CREATE DATABASE ... TEMPLATE.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const services = await resolveServices(process.env);
  const template = `im_template_${process.pid}`;
  const templateUrl = withDatabase(services.databaseUrl, template);

  await admin(services.databaseUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${template}"`);
    await client.query(`CREATE DATABASE "${template}"`);
  });
  execFileSync("npx", ["prisma", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: templateUrl }, stdio: "pipe" });

  project.provide("adminDatabaseUrl", services.databaseUrl);
  project.provide("templateDatabase", template);
  project.provide("redisUrl", services.redisUrl);

  return async () => {
    await admin(services.databaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`));
    await services.stop();
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

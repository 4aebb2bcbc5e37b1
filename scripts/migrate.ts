// Applies the committed migrations to DATABASE_URL, creating the database first if it does not exist
// (`prisma migrate deploy` alone refuses a missing database when it runs through the driver adapter).
import { spawnSync } from "node:child_process";
import { ensureDatabase } from "../src/storage/ensureDatabase.js";
import { loadConfig } from "../src/config/loadConfig.js";

const config = loadConfig(process.env);
const created = await ensureDatabase(config.databaseUrl);
if (created) console.log(`Created database ${new URL(config.databaseUrl).pathname.slice(1)}`);
const result = spawnSync("npx", ["prisma", "migrate", "deploy"], {
  stdio: "inherit",
  env: { ...process.env, DATABASE_URL: config.databaseUrl },
});
process.exit(result.status ?? 1);

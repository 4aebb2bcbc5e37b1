// Registers invite ids from INVITE_IDS (comma or space separated) and/or a file (INVITE_IDS_FILE, or --file):
// one id per line, an optional label after it, # comments. Idempotent; writes nothing if any id is invalid.
//   INVITE_IDS=4f5f0c14a2a41d5063dd301b2f829f04 npm run seed
//   npx prisma db seed -- --file invites.txt
import { parseArgs } from "node:util";
import { readIdSources } from "../src/cli/readIdSources.js";
import { loadConfig } from "../src/config/loadConfig.js";
import { InviteMonitorError } from "../src/lib/errors.js";
import { createDb } from "../src/storage/db.js";
import { trackInvites } from "../src/storage/trackInvites.js";

const { values } = parseArgs({ options: { file: { type: "string" } }, allowPositionals: false });
const file = values.file ?? process.env.INVITE_IDS_FILE;

try {
  const list = await readIdSources({ inline: { text: process.env.INVITE_IDS ?? "", name: "INVITE_IDS" }, file });
  if (list.entries.length === 0) {
    throw new InviteMonitorError("INPUT_INVALID", "nothing to seed: set INVITE_IDS, INVITE_IDS_FILE, or pass --file <path>");
  }
  const db = createDb(loadConfig(process.env).databaseUrl);
  try {
    const result = await trackInvites(db, list.entries, new Date());
    console.log(`Seeded ${list.entries.length} invites: ${result.added.length} added, ${result.alreadyTracked.length} already tracked.`);
  } finally {
    await db.$disconnect();
  }
} catch (error) {
  console.error(`seed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}

// Registers invite ids from INVITE_IDS (comma or space separated) and/or a file (INVITE_IDS_FILE, or --file):
// one id per line, then an optional channel column (channel=C0123ABCD: that invite's Slack cards go to this channel
// instead of SLACK_CHANNEL) and an optional label, # comments. Idempotent; writes nothing if any id or channel is
// invalid.
// It is `invite-monitor track` with its input taken from the config: both call registerInvites.
//   INVITE_IDS=4f5f0c14a2a41d5063dd301b2f829f04 npm run seed
//   npx prisma db seed -- --file invites.txt
import { parseArgs } from "node:util";
import { cliErrorText } from "../src/cli/cliErrorText.js";
import { registerInvites } from "../src/cli/registerInvites.js";
import { configSecrets, envSecrets, loadConfig, type Config } from "../src/config/loadConfig.js";
import { systemClock } from "../src/lib/clock.js";
import { createDb, type Db } from "../src/storage/db.js";

let config: Config | undefined;
let db: Db | undefined;
try {
  const { values } = parseArgs({ options: { file: { type: "string" } }, allowPositionals: false });
  const loaded = (config = loadConfig(process.env));
  const result = await registerInvites(
    { inline: { text: loaded.seed.inviteIds ?? "", name: "INVITE_IDS" }, file: values.file ?? loaded.seed.inviteIdsFile ?? undefined },
    {
      db: () => (db ??= createDb(loaded.databaseUrl)),
      clock: systemClock,
      nothingGiven: "nothing to seed: set INVITE_IDS, INVITE_IDS_FILE, or pass --file <path>",
    },
  );
  const again = result.trackedAgain.length > 0 ? `, ${result.trackedAgain.length} tracked again` : "";
  console.log(`Seeded ${result.entries.length} invites: ${result.added.length} added, ${result.alreadyTracked.length} already tracked${again}.`);
} catch (error) {
  console.error(`seed: ${cliErrorText(error, config ? configSecrets(config) : envSecrets(process.env))}`);
  process.exitCode = 1;
} finally {
  await db?.$disconnect().catch(() => {});
}

import { InvalidArgumentError, Option, type Command } from "commander";
import { configSecrets } from "../../config/loadConfig.js";
import { parseDuration } from "../../lib/duration.js";
import { InviteMonitorError } from "../../lib/errors.js";
import { createLogger } from "../../lib/logger.js";
import { readInviteDetail } from "../../storage/inviteDetail.js";
import type { CliContext } from "../cliContext.js";
import { compareCheck, describeCheck } from "../describeCheck.js";
import { toJson } from "../format.js";
import { parseInviteIdArg } from "../parseInviteIdArg.js";
import { pollNow } from "../pollNow.js";

const TIMEOUT = { defaultMs: 60_000, minMs: 1_000, maxMs: 3_600_000 };

export function registerCheck(program: Command, ctx: CliContext): void {
  program
    .command("check")
    .description("poll one invite now (through the shared budget), record the answer like any poll, and say what changed")
    .argument("<id>", "invite id")
    .addOption(new Option("--timeout <duration>", "give up waiting after this long, e.g. 30s or 5m (the check stays queued)").argParser(timeout).default(TIMEOUT.defaultMs, "60s"))
    .option("--json", "print the result as JSON")
    .action(async (rawId: string, options: { timeout: number; json?: boolean }) => {
      const id = parseInviteIdArg(rawId);
      const db = ctx.getDb();
      const before = await readInviteDetail(db, id);
      if (!before) throw new InviteMonitorError("INVITE_NOT_TRACKED", `invite ${id} is not tracked (add it with: invite-monitor track ${id})`);
      // Refused before a request is spent: the poll would record nothing for an invite that is no longer polled.
      if (before.untrackedAt) throw new InviteMonitorError("INPUT_INVALID", `invite ${id} is untracked, so it is not polled; track it again first: invite-monitor track ${id}`);
      if (!before.active) throw new InviteMonitorError("INPUT_INVALID", `invite ${id} is ${before.effectiveStatus ?? "final"}, a final status: it is no longer polled (see: invite-monitor history ${id})`);

      const config = ctx.getConfig();
      // Only errors: the outcome is printed below, and a worker's routine lines would bury it.
      const logger = createLogger({ level: "error", secrets: configSecrets(config), destination: { write: (line: string) => ctx.io.stderr(line) } });
      const polled = await pollNow({ config, db, sql: ctx.getPool(), redis: await ctx.getRedis(), clock: ctx.io.clock, logger, timeoutMs: options.timeout }, id);
      const after = await readInviteDetail(db, id);
      if (!after) throw new InviteMonitorError("INVITE_NOT_TRACKED", `invite ${id} was deleted while it was checked (untrack --purge)`);

      const report = compareCheck(id, polled.outcome, before, after);
      if (options.json) {
        ctx.io.stdout(`${toJson({ ...report, ranOwnWorker: polled.ownWorker })}\n`);
        return;
      }
      ctx.io.stdout(`${describeCheck(report, ctx.io.clock()).join("\n")}\n`);
    });
}

/** `--timeout`: a duration with its unit, from 1s to 1h. */
function timeout(raw: string): number {
  const ms = /^\d+(?:\.\d+)?(?:ms|s|m|h)$/i.test(raw) ? parseDuration(raw) : null;
  if (ms === null || ms < TIMEOUT.minMs || ms > TIMEOUT.maxMs) throw new InvalidArgumentError("Expected a duration from 1s to 1h, such as 30s or 5m.");
  return ms;
}

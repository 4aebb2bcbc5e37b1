import { Command, CommanderError } from "commander";
import { InviteMonitorError } from "../lib/errors.js";
import { makeRedactor } from "../lib/redact.js";
import { CliContext, type CliIo } from "./cliContext.js";
import { registerAlerts } from "./commands/alerts.js";
import { registerHistory } from "./commands/history.js";
import { registerMigrate } from "./commands/migrate.js";
import { registerMute } from "./commands/mute.js";
import { registerList } from "./commands/list.js";
import { registerSimulate } from "./commands/simulate.js";
import { registerStart } from "./commands/start.js";
import { registerTrack } from "./commands/track.js";

/** Every command of the CLI, wired to one context. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command("invite-monitor")
    .description("Watches Cloudflare invitations, records what happens to them, and tells Slack")
    .exitOverride()
    .configureOutput({ writeOut: ctx.io.stdout, writeErr: ctx.io.stderr });
  for (const register of [registerTrack, registerList, registerHistory, registerMute, registerAlerts, registerStart, registerMigrate, registerSimulate]) {
    register(program, ctx);
  }
  return program;
}

/**
 * Runs one CLI invocation and returns its exit code. Errors we expect (bad input, bad config) print one readable
 * line or block, never a stack trace, and never a secret.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx = new CliContext(io);
  const program = buildProgram(ctx);

  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const redact = makeRedactor([io.env.CLOUDFLARE_API_TOKEN, io.env.CLOUDFLARE_API_KEY, io.env.SLACK_WEBHOOK_URL]);
    if (error instanceof InviteMonitorError) {
      io.stderr(`invite-monitor: ${redact(error.message)}\n`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`invite-monitor: unexpected error: ${redact(message)}\n`);
    return 1;
  } finally {
    await ctx.close();
  }
}

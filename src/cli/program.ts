import { Command, CommanderError } from "commander";
import { configSecrets, envSecrets } from "../config/loadConfig.js";
import { CliContext, type CliIo } from "./cliContext.js";
import { registerAlerts } from "./commands/alerts.js";
import { registerCheck } from "./commands/check.js";
import { registerHistory } from "./commands/history.js";
import { registerMigrate } from "./commands/migrate.js";
import { registerMute } from "./commands/mute.js";
import { registerList } from "./commands/list.js";
import { registerSimulate } from "./commands/simulate.js";
import { registerStart } from "./commands/start.js";
import { registerTrack } from "./commands/track.js";
import { registerUntrack } from "./commands/untrack.js";
import { cliErrorText } from "./cliErrorText.js";
import { terminalText } from "./terminalText.js";

/** Every command of the CLI, wired to one context. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command("invite-monitor")
    .description("Watches Cloudflare invitations, records what happens to them, and tells Slack")
    .exitOverride()
    // Commander echoes the arguments it rejects: they are made safe for the terminal like any other error line.
    .configureOutput({ writeOut: ctx.io.stdout, writeErr: (text) => ctx.io.stderr(terminalText(text, { multiline: true })) });
  for (const register of [registerTrack, registerUntrack, registerList, registerCheck, registerHistory, registerMute, registerAlerts, registerStart, registerMigrate, registerSimulate]) {
    register(program, ctx);
  }
  return program;
}

/**
 * Runs one CLI invocation and returns its exit code. A failure prints one readable line or block that says what to
 * check or run: never a stack trace, never a Prisma invocation dump, never a terminal escape sequence, never a secret.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx = new CliContext(io);
  const program = buildProgram(ctx);

  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    // The daemon's own list of secrets: from the config when it loaded, else from the raw variables (the config
    // may be the very thing that failed).
    const secrets = ctx.loadedConfig ? configSecrets(ctx.loadedConfig) : envSecrets(io.env);
    io.stderr(`invite-monitor: ${cliErrorText(error, secrets)}\n`);
    return 1;
  } finally {
    // Closing a pool that never connected can fail too; the command's own outcome is what matters.
    await ctx.close().catch(() => {});
  }
}

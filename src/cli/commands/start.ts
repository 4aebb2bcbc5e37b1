import { Option, type Command } from "commander";
import { ROLES, type Role } from "../../daemon/createMonitor.js";
import { runDaemon } from "../../daemon/runDaemon.js";
import type { CliContext } from "../cliContext.js";

export function registerStart(program: Command, ctx: CliContext): void {
  program
    .command("start")
    .description("run the monitor: the sweep scheduler, the poll workers and the Slack notifier (until SIGTERM or Ctrl-C)")
    .addOption(new Option("--role <role...>", "run only these roles (several processes can share one Redis and Postgres)").choices([...ROLES]))
    .action(async (options: { role?: Role[] }) => {
      // npm (run, start, exec/npx) marks the environment of what it starts.
      const underNpm = Boolean(ctx.io.env.npm_lifecycle_event ?? ctx.io.env.npm_command);
      await runDaemon(ctx.getConfig(), options.role ?? ROLES, { stopWithParent: underNpm });
    });
}

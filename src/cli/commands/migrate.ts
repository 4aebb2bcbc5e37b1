import type { Command } from "commander";
import { InviteMonitorError } from "../../lib/errors.js";
import { ensureDatabase } from "../../storage/ensureDatabase.js";
import { deployMigrations } from "../../storage/migrations.js";
import type { CliContext } from "../cliContext.js";

export function registerMigrate(program: Command, ctx: CliContext): void {
  program
    .command("migrate")
    .description("create the database if it is missing and apply the committed migrations")
    .action(async () => {
      const url = ctx.getConfig().databaseUrl;
      if (await ensureDatabase(url)) ctx.io.stdout(`Created database ${new URL(url).pathname.slice(1)}.\n`);
      const code = deployMigrations(url);
      if (code !== 0) throw new InviteMonitorError("SERVICE_UNAVAILABLE", `prisma migrate deploy failed (exit ${code})`);
    });
}

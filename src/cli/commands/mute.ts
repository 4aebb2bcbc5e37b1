import type { Command } from "commander";
import { setMuted } from "../../storage/setMuted.js";
import type { CliContext } from "../cliContext.js";
import { parseInviteIdArg } from "../parseInviteIdArg.js";

export function registerMute(program: Command, ctx: CliContext): void {
  for (const [name, muted] of [["mute", true], ["unmute", false]] as const) {
    program
      .command(name)
      .description(muted ? "stop alerts for an invite (it is still polled and recorded)" : "send alerts for an invite again")
      .argument("<id>", "invite id")
      .action(async (rawId: string) => {
        const id = parseInviteIdArg(rawId);
        await setMuted(ctx.getDb(), id, muted);
        ctx.io.stdout(`${id} ${muted ? "muted: no alerts until unmuted" : "unmuted"}.\n`);
      });
  }
}

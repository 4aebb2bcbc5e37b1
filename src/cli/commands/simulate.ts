import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { parseDuration } from "../../lib/duration.js";
import { InviteMonitorError } from "../../lib/errors.js";
import { startCloudflareSimulator } from "../../simulator/cloudflareSimulator.js";
import { parseScenario, playScenario, type Scenario } from "../../simulator/scenario.js";
import type { CliContext } from "../cliContext.js";

interface SimulateOptions {
  port: string;
  scenario?: string;
  invites?: string;
  rateLimit?: string;
  latency?: string;
  token?: string;
}

export function registerSimulate(program: Command, ctx: CliContext): void {
  program
    .command("simulate")
    .description("serve a local fake of Cloudflare's invite API (GET/PATCH /user/invites/{id}, GET /user/invites)")
    .option("-p, --port <port>", "port on 127.0.0.1 (0 picks a free one)", "8787")
    .option("-s, --scenario <file>", "JSON scenario: invites, and a timeline of status changes, removals and bad answers")
    .option("--invites <n>", "also serve n generated pending invites")
    .option("--rate-limit <n/window>", 'enforce Cloudflare\'s rule, scaled: e.g. "1200/300s"; going over blocks for a window')
    .option("--latency <duration>", "answer every request this late, e.g. 200ms")
    .option("--token <token>", "accept only this API token (default: accept any credentials)")
    .action(async (options: SimulateOptions) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InviteMonitorError("INPUT_INVALID", `--port: expected 0 to 65535 (got ${JSON.stringify(options.port)})`);
      const scenario = options.scenario ? parseScenario(await readJson(options.scenario), options.scenario) : parseScenario({}, "flags");
      applyFlags(scenario, options);

      const sim = await startCloudflareSimulator({
        port,
        auth: options.token ? { token: options.token } : undefined,
        rateLimit: scenario.rateLimit ? { limit: scenario.rateLimit.limit, windowMs: scenario.rateLimit.window } : undefined,
        latencyMs: scenario.latency,
      });
      const stop = playScenario(sim, scenario, new Date());
      ctx.io.stdout(
        `Cloudflare simulator: CLOUDFLARE_BASE_URL=${sim.baseUrl}\n` +
          `${scenario.invites.length} invites, ${scenario.timeline.length} timeline events. Ctrl-C to stop.\n`,
      );
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        process.once("SIGINT", done);
        process.once("SIGTERM", done);
      });
      stop();
      await sim.close();
    });
}

function applyFlags(scenario: Scenario, options: SimulateOptions): void {
  if (options.invites !== undefined) {
    const n = Number(options.invites);
    if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw new InviteMonitorError("INPUT_INVALID", `--invites: expected a whole number up to 1000000 (got ${JSON.stringify(options.invites)})`);
    for (let i = 1; i <= n; i++) {
      scenario.invites.push({ id: `f${i.toString(16).padStart(31, "0")}`, status: "pending", invited_member_id: null, organization_id: "simulated-org", organization_name: "Simulated Org", invited_member_email: `user${i}@example.com`, roles: ["Administrator"], expires_in: 7 * 86_400_000 });
    }
  }
  if (options.rateLimit) {
    const match = /^(\d+)\/(.+)$/.exec(options.rateLimit);
    const window = match ? parseDuration(match[2]!) : null;
    if (!match || !window) throw new InviteMonitorError("INPUT_INVALID", `--rate-limit: expected requests/window such as "1200/300s" (got ${JSON.stringify(options.rateLimit)})`);
    scenario.rateLimit = { limit: Number(match[1]), window };
  }
  if (options.latency) {
    const latency = parseDuration(options.latency);
    if (latency === null) throw new InviteMonitorError("INPUT_INVALID", `--latency: expected a duration such as 200ms (got ${JSON.stringify(options.latency)})`);
    scenario.latency = latency;
  }
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new InviteMonitorError("INPUT_INVALID", `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "unknown error"})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InviteMonitorError("INPUT_INVALID", `${path} is not JSON: ${(error as Error).message}`);
  }
}

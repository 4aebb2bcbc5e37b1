import { readFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import { parseDuration } from "../../lib/duration.js";
import { InviteMonitorError } from "../../lib/errors.js";
import { startCloudflareSimulator } from "../../simulator/cloudflareSimulator.js";
import { parseScenario, playScenario, type Scenario } from "../../simulator/scenario.js";
import type { CliContext } from "../cliContext.js";
import { wholeNumber } from "../wholeNumber.js";

interface SimulateOptions {
  port: number;
  scenario?: string;
  invites?: number;
  rateLimit?: string;
  latency?: string;
  token?: string;
}

export function registerSimulate(program: Command, ctx: CliContext): void {
  program
    .command("simulate")
    .description("serve a local fake of Cloudflare's invite API (GET/PATCH /user/invites/{id}, GET /user/invites)")
    .addOption(new Option("-p, --port <port>", "port on 127.0.0.1 (0 picks a free one)").argParser(wholeNumber(0, 65535)).default(8787))
    .option("-s, --scenario <file>", "JSON scenario: invites, and a timeline of status changes, removals and bad answers")
    .addOption(new Option("--invites <n>", "also serve n generated pending invites").argParser(wholeNumber(0, 1_000_000)))
    .option("--rate-limit <n/window>", 'enforce Cloudflare\'s rule, scaled: e.g. "1200/300s"; going over blocks for a window')
    .option("--latency <duration>", "answer every request this late, e.g. 200ms")
    .option("--token <token>", "accept only this API token (default: accept any credentials)")
    .action(async (options: SimulateOptions) => {
      const scenario = options.scenario ? parseScenario(await readJson(options.scenario), options.scenario) : parseScenario({}, "flags");
      applyFlags(scenario, options);

      const sim = await startCloudflareSimulator({
        port: options.port,
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
    for (let i = 1; i <= options.invites; i++) {
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

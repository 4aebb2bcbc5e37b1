import { probeVerdict } from "../cloudflare/probeVerdict.js";
import { requireCloudflareAuth, type Config } from "../config/loadConfig.js";
import type { Clock } from "../lib/clock.js";
import { InviteMonitorError } from "../lib/errors.js";
import type { Pause } from "../lib/makePause.js";
import { cloudflareClientFor } from "../polling/cloudflareClientFor.js";

export interface VetDeps {
  config: Config;
  clock: Clock;
  /** The pause every poll worker honours: the probe pays for its request by holding them off one request's gap. */
  pollPause: Pause;
  /** The requests per second the budget grants. */
  rate: number;
}

/**
 * A command that runs a poll worker of its own (check, with no daemon connected) proves its own credentials and
 * base URL first. Its worker would otherwise judge a typo in this shell's settings the way the daemon judges its
 * own: open the shared incident, pause every worker, and send a 🔑 alert that no daemon would ever close, because
 * no daemon runs with those settings. A refusal here queues and writes nothing.
 */
export async function vetOwnCredentials(deps: VetDeps): Promise<void> {
  const auth = requireCloudflareAuth(deps.config);
  await deps.pollPause.extend(Math.max(1, Math.ceil(1000 / deps.rate)));
  const verdict = probeVerdict(await cloudflareClientFor(deps.config, deps.clock).verifyCredentials(), "credentials");
  const variables = auth.kind === "token" ? "CLOUDFLARE_API_TOKEN" : "CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY";
  switch (verdict.result) {
    case "ok":
      return;
    case "credentials":
      throw new InviteMonitorError("CONFIG_INVALID", `Cloudflare rejected this command's credentials (${variables}): ${verdict.message}; nothing was queued`);
    case "route":
      throw new InviteMonitorError("CONFIG_INVALID", `Cloudflare answers 404 to ${auth.kind === "token" ? "GET /user/tokens/verify" : "GET /user"}: check CLOUDFLARE_BASE_URL (${deps.config.cloudflare.baseUrl}); nothing was queued`);
    case "inconclusive":
      throw new InviteMonitorError("SERVICE_UNAVAILABLE", `could not verify this command's credentials with Cloudflare (${verdict.message}); nothing was queued, try again later`);
  }
}

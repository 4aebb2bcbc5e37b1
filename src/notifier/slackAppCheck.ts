import { configSecrets, type Config } from "../config/loadConfig.js";
import { systemClock, type Clock } from "../lib/clock.js";
import { InviteMonitorError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { makeRedactor } from "../lib/redact.js";
import { createSlackApi } from "./slackApi.js";

/** Who the bot is, as auth.test names it. */
export interface SlackIdentity {
  user: string;
  userId: string;
  team: string;
}

export interface SlackAppCheck {
  /**
   * auth.test at startup. A token Slack refuses stops the start with what to fix; a Slack that cannot be reached
   * only warns (alerts wait in the outbox meanwhile) and returns null.
   */
  identify(logger: Logger): Promise<SlackIdentity | null>;
  /** For /readyz: throws while Slack refuses the token or cannot be reached. A verdict is reused for `verdictMs`. */
  readiness(): Promise<void>;
  /** "bot @invite-monitor (U0…) in Workspace, channel C0…": for the startup line. */
  describe(identity: SlackIdentity | null): string;
}

/** auth.test is cheap but not free (Tier 4 per workspace): /readyz polled every few seconds reuses a verdict. */
const VERDICT_MS = 15_000;

/** The startup and readiness checks of the Slack app mode; null without SLACK_BOT_TOKEN. */
export function makeSlackAppCheck(config: Config, options: { clock?: Clock; verdictMs?: number } = {}): SlackAppCheck | null {
  const app = config.slack.app;
  if (!app) return null;
  const clock = options.clock ?? systemClock;
  const verdictMs = options.verdictMs ?? VERDICT_MS;
  const api = createSlackApi({ token: app.botToken, apiUrl: config.slack.apiUrl, timeoutMs: config.slack.timeoutMs, redact: makeRedactor(configSecrets(config)) });
  let verdict: { at: number; error: string | null } | null = null;

  return {
    async identify(logger) {
      const result = await api.authTest();
      if (result.kind === "ok") return { user: result.user, userId: result.userId, team: result.team };
      if (result.kind === "permanent") {
        throw new InviteMonitorError("CONFIG_INVALID", `Invalid configuration: SLACK_BOT_TOKEN: Slack refused it (${result.error}); check SLACK_BOT_TOKEN and SLACK_API_URL`);
      }
      logger.warn({ error: "error" in result ? result.error : "rate limited" }, "Slack's auth.test did not answer; starting anyway, alerts wait in the outbox until Slack answers");
      return null;
    },
    async readiness() {
      const now = clock().getTime();
      if (!verdict || now - verdict.at >= verdictMs) {
        const result = await api.authTest();
        verdict = { at: now, error: result.kind === "ok" ? null : "error" in result ? result.error : "auth.test: rate limited" };
      }
      if (verdict.error) throw new Error(`Slack: ${verdict.error}`);
    },
    describe(identity) {
      const bot = identity ? `bot @${identity.user} (${identity.userId}) in ${identity.team}` : "bot not confirmed yet (auth.test did not answer)";
      return `slack app: ${bot}, channel ${app.channel}`;
    },
  };
}

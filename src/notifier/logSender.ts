import type { Logger } from "../lib/logger.js";
import type { AlertSender } from "./alertSender.js";

/** Without SLACK_WEBHOOK_URL, alerts are written to the log in the words Slack would have shown. */
export function createLogSender(logger: Logger): AlertSender {
  return {
    async send(message) {
      logger.info({ alert: message.text }, `ALERT ${message.text}`);
      return { kind: "delivered" };
    },
  };
}

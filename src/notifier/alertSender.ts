import type { SlackMessage } from "../alerts/slackText.js";

/** How one send ended. Only "delivered" means Slack answered 2xx. */
export type SendOutcome =
  | { kind: "delivered" }
  /** A 429. `retryAfterMs` is null when Slack gave no readable Retry-After: the notifier then backs off. */
  | { kind: "rate-limited"; retryAfterMs: number | null }
  /** Slack did not take the message (5xx, 408, or no connection at all): sending again cannot duplicate it. */
  | { kind: "retry"; error: string }
  /** A 4xx that will fail the same way again. */
  | { kind: "permanent"; error: string }
  /** The request reached Slack but no answer came back (a timeout, a reset): Slack may have posted it. */
  | { kind: "ambiguous"; error: string };

/** Sends one message; never throws for Slack's or the network's failures, it says how the send ended. */
export interface AlertSender {
  send(message: SlackMessage): Promise<SendOutcome>;
}

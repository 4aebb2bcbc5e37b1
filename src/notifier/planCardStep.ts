/** An invite's card as stored: where it is, and the newest alert it shows. */
export interface StoredCard {
  channel: string;
  ts: string;
  shownAlertId: number;
}

/** What the planner needs to know about one pending alert. */
export interface StepInput {
  alertId: number;
  /** Null for an operations alert (credentials): it has no card, only its own message. */
  inviteId: string | null;
  /** The ts of the alert's own message (reply or operations message) once Slack took it. */
  slackTs: string | null;
  /** The channel the invite's messages go to now: its own (`track --channel`), else SLACK_CHANNEL. */
  channel: string;
  card: StoredCard | null;
}

/** The next Web API call an alert needs, and the pace it goes by. */
export type CardStep =
  /** No card yet (or it was deleted, or the invite now goes to another channel): chat.postMessage a new one. */
  | { kind: "post-card"; channel: string; pace: string }
  /** The card shows an older alert: chat.update it. */
  | { kind: "update-card"; channel: string; ts: string; pace: string }
  /** The card is current: the alert's reply in its thread, chat.postMessage with thread_ts. */
  | { kind: "reply"; channel: string; threadTs: string; pace: string }
  /** An operations alert: one chat.postMessage. */
  | { kind: "message"; channel: string; pace: string }
  /** Everything was sent: only the "delivered" mark is missing. */
  | { kind: "done" };

/** chat.postMessage is limited per channel; chat.update by its tier, for the whole workspace. */
export const postPace = (channel: string) => `post:${channel}`;
export const UPDATE_PACE = "update";

/**
 * The one next step of an alert's delivery in the Slack app mode. The card comes first (the channel is a status
 * board: its state is what a reader looks at), then the reply that records this change in its thread. A step is
 * derived from what is stored, so a step once done is never done again: a stored card is not posted twice, a card
 * that already shows this alert (or a newer one) is not edited again, and a stored reply ts is not replied again.
 */
export function planCardStep(input: StepInput): CardStep {
  if (input.inviteId === null) return input.slackTs ? { kind: "done" } : { kind: "message", channel: input.channel, pace: postPace(input.channel) };
  const card = input.card;
  if (!card || card.channel !== input.channel) return { kind: "post-card", channel: input.channel, pace: postPace(input.channel) };
  if (card.shownAlertId < input.alertId) return { kind: "update-card", channel: card.channel, ts: card.ts, pace: UPDATE_PACE };
  if (!input.slackTs) return { kind: "reply", channel: card.channel, threadTs: card.ts, pace: postPace(card.channel) };
  return { kind: "done" };
}

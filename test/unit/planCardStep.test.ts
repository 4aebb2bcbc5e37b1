import { describe, expect, it } from "vitest";
import { paceInterval } from "../../src/notifier/appDelivery.js";
import { chooseStep } from "../../src/notifier/chooseStep.js";
import { planCardStep, type CardStep, type StepInput } from "../../src/notifier/planCardStep.js";

const ID = "4f5f0c14a2a41d5063dd301b2f829f04";
const card = (shownAlertId: number, channel = "C1") => ({ channel, ts: "1.000001", shownAlertId });
const input = (over: Partial<StepInput>): StepInput => ({ alertId: 5, inviteId: ID, slackTs: null, channel: "C1", card: null, ...over });

describe("planCardStep", () => {
  it.each<{ name: string; input: StepInput; expected: CardStep }>([
    { name: "no card yet: post it", input: input({}), expected: { kind: "post-card", channel: "C1", pace: "post:C1" } },
    { name: "the card shows an older alert: edit it", input: input({ card: card(4) }), expected: { kind: "update-card", channel: "C1", ts: "1.000001", pace: "update" } },
    { name: "the card shows this alert: reply in its thread", input: input({ card: card(5) }), expected: { kind: "reply", channel: "C1", threadTs: "1.000001", pace: "post:C1" } },
    { name: "the card already shows a newer alert: no edit, only the reply", input: input({ card: card(9) }), expected: { kind: "reply", channel: "C1", threadTs: "1.000001", pace: "post:C1" } },
    { name: "the reply's ts is stored: nothing is sent again", input: input({ card: card(5), slackTs: "1.000002" }), expected: { kind: "done" } },
    { name: "the invite now goes to another channel: a card there", input: input({ card: card(5, "C1"), channel: "C2" }), expected: { kind: "post-card", channel: "C2", pace: "post:C2" } },
    { name: "an operations alert: one message", input: input({ inviteId: null }), expected: { kind: "message", channel: "C1", pace: "post:C1" } },
    { name: "an operations alert already sent", input: input({ inviteId: null, slackTs: "1.0003" }), expected: { kind: "done" } },
  ])("$name", ({ input: given, expected }) => {
    expect(planCardStep(given)).toEqual(expected);
  });
});

describe("chooseStep", () => {
  const steps = [{ id: 1, pace: "post:C1" }, { id: 2, pace: "update" }, { id: 3, pace: "post:C2" }];
  it.each<{ name: string; closed: Record<string, number>; expected: ReturnType<typeof chooseStep> }>([
    { name: "all open: the first in order", closed: {}, expected: { kind: "now", step: steps[0]! } },
    { name: "a busy channel does not hold up an edit", closed: { "post:C1": 400 }, expected: { kind: "now", step: steps[1]! } },
    { name: "nor another channel's post", closed: { "post:C1": 400, update: 900 }, expected: { kind: "now", step: steps[2]! } },
    { name: "all closed: wait for the soonest", closed: { "post:C1": 400, update: 900, "post:C2": 150 }, expected: { kind: "wait", waitMs: 150 } },
  ])("$name", ({ closed, expected }) => {
    expect(chooseStep(steps, new Map(Object.entries(closed)))).toEqual(expected);
  });

  it("has nothing to choose without candidates", () => {
    expect(chooseStep([], new Map())).toEqual({ kind: "none" });
  });
});

describe("paceInterval", () => {
  it.each([
    { pace: "post:C1", sendIntervalMs: 1_000, expected: 1_000 },
    // Tier 3: about 50 a minute.
    { pace: "update", sendIntervalMs: 1_000, expected: 1_200 },
    { pace: "update", sendIntervalMs: 50, expected: 60 },
  ])("$pace at $sendIntervalMs ms -> $expected ms", ({ pace, sendIntervalMs, expected }) => {
    expect(paceInterval(pace, sendIntervalMs)).toBe(expected);
  });
});

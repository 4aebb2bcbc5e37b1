// Issue 5, "bad input": whatever text Cloudflare (or a label) puts into an alert, the Slack message neither pings
// anyone, nor links anywhere, nor breaks Block Kit's limits. renderAlert and renderDigest fuzzed with hostile text.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ALERT_KINDS, type AlertContent } from "../../src/alerts/alertTypes.js";
import { renderAlert } from "../../src/alerts/renderAlert.js";
import { renderCard } from "../../src/alerts/renderCard.js";
import { renderDigest } from "../../src/alerts/renderDigest.js";
import { renderThreadReply } from "../../src/alerts/renderThreadReply.js";
import { SLACK_DATE_TOKEN } from "../../src/alerts/slackDate.js";
import { LIMITS, type SlackMessage } from "../../src/alerts/slackText.js";

const SEED = 20_261_128;
const NOW = new Date("2026-11-28T12:00:00.000Z");

// ---------------------------------------------------------------------------------------------------------------
// Hostile text: Slack's control characters and syntax (mentions, links, entities), mrkdwn formatting, surrogates,
// and long runs of characters that grow when escaped.

const PIECES = [
  "<", ">", "&", "<!channel>", "<!here>", "<!everyone>", "<@U123>", "<#C123|general>", "<!subteam^S123>", "<http://x|y>", "<https://evil.example/?a=1&b=2|click>",
  "&amp;", "&lt;", "&gt;", "&amp", "&lt", "&#60;", "&#x3c;", "&", "&&", "*bold*", "_it_", "~s~", "`code`", "```", "\n", "\r\n", "\t", " ", "a", "é",
  "😀", "\u{1f3f3}\u{fe0f}\u{200d}\u{1f308}", "\ud800", "\udc00", "\u0000", "\u202e", "\u2028", "|", "•", "—", "…",
];

const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...PIECES), maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 60 }) },
  { weight: 1, arbitrary: fc.constantFrom("<!channel>", "<@U123>", "<http://x|y>", "a & b < c > d", "&amp;lt;", "") },
  // Long runs around the limits (150, 300, 2,000, 3,000), with characters that grow five-fold when escaped.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom("&", "<", ">", "a", "😀", "&<", "a&"), fc.integer({ min: 1, max: 3_200 }))
      .map(([piece, n]) => piece.repeat(Math.ceil(n / piece.length)).slice(0, n)),
  },
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 5 });

/**
 * Invite ids and timestamps are not free text: ids are validated (32 hex characters, a char(32) column) before an
 * invite is tracked, and the dates are Date.toISOString() output. They are generated within that contract, over
 * the whole range of Dates; every other text field is hostile.
 */
const inviteIdArb = fc.stringMatching(/^[0-9a-f]{32}$/);
const isoDate = fc.date({ noInvalidDate: true }).map((d) => d.toISOString());

const alertContent: fc.Arbitrary<AlertContent> = fc.record({
  kind: fc.constantFrom(...ALERT_KINDS),
  inviteId: fc.oneof({ weight: 4, arbitrary: inviteIdArb }, { weight: 1, arbitrary: fc.constant(null) }),
  label: maybe(hostileText),
  invitedMemberEmail: maybe(hostileText),
  organizationName: maybe(hostileText),
  organizationId: maybe(hostileText),
  roles: fc.oneof(fc.array(hostileText, { maxLength: 8 }), fc.array(hostileText, { minLength: 50, maxLength: 200 })),
  invitedBy: maybe(hostileText),
  invitedOn: maybe(isoDate),
  expiresOn: maybe(isoDate),
  oldStatus: maybe(hostileText),
  newStatus: maybe(hostileText),
  thresholdMs: maybe(fc.oneof(fc.constantFrom(3_600_000, 86_400_000, 259_200_000), fc.integer({ min: 1, max: 30 * 86_400_000 }))),
  detail: maybe(hostileText),
  occurredAt: isoDate,
});

// ---------------------------------------------------------------------------------------------------------------

interface TextObject { type: string; text: string }
interface LooseBlock { type: string; text?: TextObject; fields?: TextObject[]; elements?: TextObject[] }
const blocksOf = (m: SlackMessage) => m.blocks as unknown as LooseBlock[];

/** Every mrkdwn string of a message: section texts, fields and context elements, and the fallback text. */
function mrkdwnTexts(m: SlackMessage): Array<{ where: string; text: string }> {
  const out = [{ where: "text", text: m.text }];
  blocksOf(m).forEach((b, i) => {
    for (const [name, t] of [["text", b.text], ...(b.fields ?? []).map((f, j) => [`fields.${j}`, f] as const), ...(b.elements ?? []).map((e, j) => [`elements.${j}`, e] as const)] as const) {
      if (t && t.type === "mrkdwn") out.push({ where: `blocks.${i}.${name}`, text: t.text });
    }
  });
  return out;
}

/**
 * No raw < or >, and every & begins &amp; &lt; or &gt;: nothing in the text is Slack syntax, except the date tokens
 * we write ourselves (`<!date^epoch^…|YYYY-MM-DD HH:MM UTC>`, digits only), which are taken out first.
 */
function expectEscaped(m: SlackMessage): void {
  for (const { where, text: raw } of mrkdwnTexts(m)) {
    const text = raw.replace(SLACK_DATE_TOKEN, "");
    expect(/[<>]/.test(text), `${where} has a raw < or >: ${JSON.stringify(text.slice(0, 200))}`).toBe(false);
    const bare = /&(?!(?:amp|lt|gt);)/.exec(text);
    expect(bare, `${where} has an & that starts no entity at ${bare?.index}: ${JSON.stringify(text.slice(Math.max(0, (bare?.index ?? 0) - 20), (bare?.index ?? 0) + 20))}`).toBeNull();
  }
}

function expectWithinSlackLimits(m: SlackMessage): void {
  const blocks = blocksOf(m);
  expect(blocks.length).toBeGreaterThan(0);
  expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  expect(m.text.length).toBeGreaterThan(0);
  expect(m.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
  for (const b of blocks) {
    if (b.type === "header") {
      expect(b.text?.type).toBe("plain_text");
      expect(b.text!.text.length).toBeGreaterThan(0);
      expect(b.text!.text.length).toBeLessThanOrEqual(LIMITS.header);
    }
    if (b.type === "section") {
      expect(b.text !== undefined || (b.fields ?? []).length > 0, "a section has text or fields").toBe(true);
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
      expect((b.fields ?? []).length).toBeLessThanOrEqual(LIMITS.fields);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
    }
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const textFields = (a: AlertContent) => [a.label, a.invitedMemberEmail, a.organizationName, a.organizationId, a.invitedBy, a.oldStatus, a.newStatus, a.detail, ...a.roles];

/** Cutting text to a limit must not split a surrogate pair: well-formed input gives well-formed output. */
function expectNoSplitSurrogates(m: SlackMessage, inputs: readonly AlertContent[]): void {
  if (inputs.some((a) => textFields(a).some((t) => t !== null && LONE_SURROGATE.test(t)))) return;
  const header = blocksOf(m).find((b) => b.type === "header")?.text?.text ?? "";
  for (const { where, text } of [...mrkdwnTexts(m), { where: "header", text: header }]) {
    expect(LONE_SURROGATE.test(text), `${where} has a lone surrogate`).toBe(false);
  }
}

describe("renderAlert with hostile text in every field", () => {
  it("escapes everything for mrkdwn and stays within Slack's limits", () => {
    fc.assert(
      fc.property(alertContent, (alert) => {
        const message = renderAlert(alert, NOW);
        expectEscaped(message);
        expectWithinSlackLimits(message);
        expectNoSplitSurrogates(message, [alert]);
      }),
      { seed: SEED, numRuns: 1_000 },
    );
  });

  it("a field made only of Slack syntax comes out as visible text, not as a mention or a link", () => {
    fc.assert(
      fc.property(fc.constantFrom("label", "invitedMemberEmail", "organizationName", "invitedBy", "detail") , fc.constantFrom("<!channel>", "<@U123>", "<http://x|y>"), (key, syntax) => {
        const alert: AlertContent = {
          kind: key === "detail" ? "credentials_rejected" : "accepted", inviteId: key === "detail" ? null : "4f5f0c14a2a41d5063dd301b2f829f04",
          label: null, invitedMemberEmail: null, organizationName: null, organizationId: null, roles: [], invitedBy: null, invitedOn: null,
          expiresOn: null, oldStatus: "pending", newStatus: "accepted", thresholdMs: null, detail: null, occurredAt: NOW.toISOString(), [key]: syntax,
        };
        const message = renderAlert(alert, NOW);
        const visible = syntax.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
        expect(mrkdwnTexts(message).some(({ text }) => text.includes(visible))).toBe(true);
        expectEscaped(message);
      }),
      { seed: SEED, numRuns: 30 },
    );
  });
});

describe("the Slack app's card and thread reply with hostile text in every field", () => {
  it("escape everything but their own date tokens, and stay within Slack's limits", () => {
    fc.assert(
      fc.property(alertContent, fc.integer({ min: 1, max: 2_147_483_647 }), (alert, alertId) => {
        const card = renderCard(alert, alertId, NOW);
        expectEscaped(card);
        expectWithinSlackLimits(card);
        expectNoSplitSurrogates(card, [alert]);
        const reply = renderThreadReply(alert);
        expectEscaped(reply);
        expect(reply.text.length).toBeGreaterThan(0);
        expect(reply.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
      }),
      { seed: SEED, numRuns: 1_000 },
    );
  });
});

/** Text that grows five-fold when escaped, long enough to fill a digest line to its cap. */
const swelling = fc
  .tuple(fc.constantFrom("&", "<", ">", "&<", "a&", "😀&"), fc.integer({ min: 50, max: 400 }))
  .map(([piece, n]) => piece.repeat(Math.ceil(n / piece.length)).slice(0, n));
/** Many alerts with long, escapable names: enough sections to spill a digest over several messages. */
const manyLongAlerts = fc.array(
  fc.record({ base: alertContent, who: swelling, org: swelling, detail: swelling }).map(({ base, who, org, detail }) => ({ ...base, invitedMemberEmail: who, organizationName: org, detail })),
  { minLength: 100, maxLength: 400 },
);

function checkDigest(drafts: readonly AlertContent[]): number {
  // Unique ids, so each invite can be found in the output.
  const alerts = drafts.map((a, i) => (a.inviteId === null ? a : { ...a, inviteId: i.toString(16).padStart(32, "0") }));
  const messages = renderDigest(alerts);
  expect(messages.length).toBeGreaterThan(0);
  for (const message of messages) {
    expectEscaped(message);
    expectWithinSlackLimits(message);
    expectNoSplitSurrogates(message, alerts);
  }
  const all = messages.flatMap((m) => mrkdwnTexts(m).map((t) => t.text)).join("\n");
  for (const alert of alerts) if (alert.inviteId !== null) expect(all).toContain(`\`${alert.inviteId}\``);
  return messages.length;
}

describe("renderDigest with hostile text in every field", () => {
  it("escapes everything, stays within Slack's limits in every message, and names every invite", () => {
    fc.assert(
      fc.property(fc.array(alertContent, { minLength: 1, maxLength: 150 }), (drafts) => void checkDigest(drafts)),
      { seed: SEED, numRuns: 150 },
    );
  });

  it("does the same when the alerts spill over several messages", () => {
    let mostMessages = 0;
    fc.assert(
      fc.property(manyLongAlerts, (drafts) => {
        mostMessages = Math.max(mostMessages, checkDigest(drafts));
      }),
      { seed: SEED, numRuns: 40 },
    );
    expect(mostMessages).toBeGreaterThan(1);
  });
});

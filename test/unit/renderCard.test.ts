import { describe, expect, it } from "vitest";
import type { AlertContent } from "../../src/alerts/alertTypes.js";
import { renderCard } from "../../src/alerts/renderCard.js";
import { expiryDistance, renderThreadReply } from "../../src/alerts/renderThreadReply.js";
import { SLACK_DATE_TOKEN } from "../../src/alerts/slackDate.js";
import type { SlackMessage } from "../../src/alerts/slackText.js";

const H = 3_600_000;
const NOW = new Date("2026-12-03T12:00:00.000Z");
const ID = "4f5f0c14a2a41d5063dd301b2f829f04";
const EXPIRES = "2026-12-04T12:00:00.000Z";

function content(overrides: Partial<AlertContent> = {}): AlertContent {
  return {
    kind: "accepted", inviteId: ID, label: "new SRE", invitedMemberEmail: "alice@example.com", organizationName: "Example Org",
    organizationId: "org-1", roles: ["Administrator"], invitedBy: "bob@example.com", invitedOn: "2026-11-27T12:00:00.000Z",
    expiresOn: EXPIRES, oldStatus: "pending", newStatus: "accepted", thresholdMs: null, detail: null,
    occurredAt: "2026-12-04T10:00:00.000Z", ...overrides,
  };
}

interface Loose { type: string; block_id?: string; text?: { text: string }; fields?: Array<{ text: string }>; elements?: Array<{ text: string }> }
const blocks = (m: SlackMessage) => m.blocks as unknown as Loose[];
const header = (m: SlackMessage) => blocks(m).find((b) => b.type === "header")!.text!.text;
const summary = (m: SlackMessage) => blocks(m).filter((b) => b.type === "section")[0]!.text!.text;
const token = (iso: string) => `<!date^${Date.parse(iso) / 1000}^{date_short_pretty} {time}|${iso.slice(0, 16).replace("T", " ")} UTC>`;

describe("renderCard", () => {
  it.each<{ name: string; overrides: Partial<AlertContent>; header: string; status: string }>([
    { name: "pending, with the countdown", overrides: { kind: "expiring", oldStatus: "pending", newStatus: "pending", thresholdMs: 24 * H }, header: "⏳ Pending: expires in 24 hours", status: "*Status:* pending" },
    { name: "discovered (its status as the API said it)", overrides: { kind: "discovered", oldStatus: null, newStatus: "pending" }, header: "⏳ Pending: expires in 24 hours", status: "*Status:* pending" },
    { name: "accepted is final", overrides: {}, header: "✅ Accepted", status: "*Status:* accepted (final)" },
    { name: "rejected is final", overrides: { kind: "rejected", newStatus: "rejected" }, header: "❌ Rejected", status: "*Status:* rejected (final)" },
    { name: "expired is final", overrides: { kind: "expired", newStatus: "expired" }, header: "⌛ Expired", status: "*Status:* expired (final)" },
    { name: "gone is final", overrides: { kind: "gone", newStatus: "gone" }, header: "🗑️ Gone", status: "*Status:* gone (final)" },
    { name: "a status Cloudflare does not document", overrides: { kind: "expired", newStatus: "unknown" }, header: "❔ Status: unknown", status: "*Status:* unknown" },
    { name: "pending without an expiry: no countdown", overrides: { kind: "expiring", newStatus: "pending", expiresOn: null }, header: "⏳ Pending", status: "*Status:* pending" },
  ])("$name: '$header'", ({ overrides, header: expected, status }) => {
    const card = renderCard(content(overrides), 42, NOW);
    expect(header(card)).toBe(expected);
    expect(summary(card).split("\n")[1]).toBe(status);
  });

  it("counts down to expiry in each reader's time zone while pending, and shows the fields", () => {
    const card = renderCard(content({ kind: "expiring", newStatus: "pending", oldStatus: "pending", thresholdMs: 24 * H }), 42, NOW);
    expect(summary(card)).toBe(`*Invite* \`${ID}\` (new SRE)\n*Status:* pending\n⏳ Expires ${token(EXPIRES)} (in 24 hours)`);
    const fields = blocks(card).flatMap((b) => b.fields ?? []).map((f) => f.text);
    expect(fields).toContain("*Invited email*\nalice@example.com");
    expect(fields).toContain(`*Expires on*\n${token(EXPIRES)} (in 24 hours)`);
    expect(card.text).toBe(`⏳ Pending (expires in 24 hours): alice@example.com to Example Org [${ID}]`);
  });

  it("gives its blocks new ids on each alert, as chat.update asks", () => {
    const ids = (n: number) => blocks(renderCard(content(), n, NOW)).map((b) => b.block_id);
    expect(ids(7)).toEqual(["card-7-header", "card-7-summary", "card-7-fields", "card-7-context"]);
    expect(ids(8).some((id) => ids(7).includes(id))).toBe(false);
  });

  it("escapes what Cloudflare and labels say, in the blocks and the notification text", () => {
    const card = renderCard(content({ organizationName: "<!channel>", label: "<@U1> & co" }), 1, NOW);
    const all = [card.text, ...blocks(card).flatMap((b) => [b.text?.text, ...(b.fields ?? []).map((f) => f.text), ...(b.elements ?? []).map((e) => e.text)])].join("\n");
    expect(all.replace(SLACK_DATE_TOKEN, "")).not.toMatch(/[<>]/);
    expect(card.text).toContain("&lt;!channel&gt;");
  });
});

describe("renderThreadReply", () => {
  it.each<{ name: string; overrides: Partial<AlertContent>; text: string }>([
    { name: "accepted", overrides: {}, text: `✅ pending → accepted, 2 hours before expiry · ${token("2026-12-04T10:00:00.000Z")}` },
    {
      name: "the 24h warning",
      overrides: { kind: "expiring", oldStatus: "pending", newStatus: "pending", thresholdMs: 24 * H, occurredAt: "2026-12-03T13:00:00.000Z" },
      text: `⏰ still pending, 23 hours before expiry (24h warning, expires ${token(EXPIRES)}) · ${token("2026-12-03T13:00:00.000Z")}`,
    },
    { name: "expired by the date", overrides: { kind: "expired", newStatus: "expired", occurredAt: EXPIRES }, text: `⌛ pending → expired, at expiry · ${token(EXPIRES)}` },
    { name: "gone without an expiry", overrides: { kind: "gone", newStatus: "gone", expiresOn: null }, text: `🗑️ pending → gone · ${token("2026-12-04T10:00:00.000Z")}` },
    { name: "discovered", overrides: { kind: "discovered", oldStatus: null, newStatus: "pending", occurredAt: "2026-11-27T12:00:00.000Z" }, text: `📨 new invitation, pending, 7 days before expiry · ${token("2026-11-27T12:00:00.000Z")}` },
    { name: "hostile statuses are escaped", overrides: { oldStatus: "<!here>", newStatus: "a&b" }, text: `✅ &lt;!here&gt; → a&amp;b, 2 hours before expiry · ${token("2026-12-04T10:00:00.000Z")}` },
  ])("$name", ({ overrides, text }) => {
    expect(renderThreadReply(content(overrides))).toEqual({ text, blocks: [] });
  });
});

describe("expiryDistance", () => {
  it.each([
    { expiresOn: EXPIRES, at: "2026-12-04T10:00:00.000Z", expected: "2 hours before expiry" },
    { expiresOn: EXPIRES, at: "2026-12-04T12:05:00.000Z", expected: "5 minutes after expiry" },
    { expiresOn: EXPIRES, at: "2026-12-04T12:00:00.200Z", expected: "at expiry" },
    { expiresOn: null, at: "2026-12-04T12:00:00.000Z", expected: null },
  ])("$at -> $expected", ({ expiresOn, at, expected }) => {
    expect(expiryDistance(expiresOn, at)).toBe(expected);
  });
});

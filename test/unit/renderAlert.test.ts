import { describe, expect, it } from "vitest";
import { ALERT_KINDS, type AlertContent, type AlertKind } from "../../src/alerts/alertTypes.js";
import { KIND_LOOK, renderAlert, when } from "../../src/alerts/renderAlert.js";
import { SLACK_DATE_TOKEN } from "../../src/alerts/slackDate.js";
import { LIMITS, type SlackMessage } from "../../src/alerts/slackText.js";

const H = 3_600_000;
const NOW = new Date("2025-03-01T12:00:00.000Z");
const ID = "4f5f0c14a2a41d5063dd301b2f829f04";

function content(overrides: Partial<AlertContent> = {}): AlertContent {
  return {
    kind: "accepted", inviteId: ID, label: null, invitedMemberEmail: "alice@example.com", organizationName: "Example Org",
    organizationId: "org-1", roles: ["Administrator"], invitedBy: "bob@example.com", invitedOn: "2025-02-22T12:00:00.000Z",
    expiresOn: "2025-03-08T12:00:00.000Z", oldStatus: "pending", newStatus: "accepted", thresholdMs: null, detail: null,
    occurredAt: NOW.toISOString(), ...overrides,
  };
}

interface TextObject { type: string; text: string }
interface LooseBlock { type: string; text?: TextObject; fields?: TextObject[]; elements?: TextObject[] }
const blocksOf = (m: SlackMessage) => m.blocks as unknown as LooseBlock[];
const header = (m: SlackMessage) => blocksOf(m).find((b) => b.type === "header")?.text?.text ?? "";
/** Every mrkdwn string in the blocks: section texts, fields, context elements. */
const mrkdwn = (m: SlackMessage) =>
  blocksOf(m).flatMap((b) => [b.text, ...(b.fields ?? []), ...(b.elements ?? [])]).filter((t): t is TextObject => t?.type === "mrkdwn").map((t) => t.text);
const field = (m: SlackMessage, name: string) => blocksOf(m).flatMap((b) => b.fields ?? []).find((f) => f.text.startsWith(`*${name}*\n`))?.text.slice(name.length + 3);

function expectWithinSlackLimits(m: SlackMessage): void {
  const blocks = blocksOf(m);
  expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  expect(m.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
  for (const b of blocks) {
    if (b.type === "header") {
      expect(b.text?.type).toBe("plain_text");
      expect(b.text!.text.length).toBeLessThanOrEqual(LIMITS.header);
    }
    if (b.type === "section" && b.text) expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect((b.fields ?? []).length).toBeLessThanOrEqual(LIMITS.fields);
    for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
  }
}

/** Slack's date token for an ISO time, as renderAlert writes it: each reader's own zone, the UTC text as fallback. */
const token = (iso: string) => `<!date^${Date.parse(iso) / 1000}^{date_short_pretty} {time}|${iso.slice(0, 16).replace("T", " ")} UTC>`;
/** The mrkdwn with our own date tokens taken out: what is left must hold no Slack syntax. */
const withoutDates = (m: SlackMessage) => mrkdwn(m).map((t) => t.replace(SLACK_DATE_TOKEN, ""));

const allText = (m: SlackMessage) => [m.text, header(m), ...mrkdwn(m)].join("\n");

describe("KIND_LOOK", () => {
  it("gives every kind its own emoji and a title", () => {
    for (const kind of ALERT_KINDS) expect(KIND_LOOK[kind].title.length).toBeGreaterThan(0);
    expect(new Set(ALERT_KINDS.map((k) => KIND_LOOK[k].emoji)).size).toBe(ALERT_KINDS.length);
  });
});

describe("renderAlert", () => {
  it.each<{ kind: AlertKind; header: string; overrides?: Partial<AlertContent> }>([
    { kind: "accepted", header: "✅ Invite accepted" },
    { kind: "rejected", header: "❌ Invite rejected", overrides: { newStatus: "rejected" } },
    { kind: "expired", header: "⌛ Invite expired", overrides: { newStatus: "expired" } },
    { kind: "gone", header: "🗑️ Invite gone", overrides: { newStatus: "gone" } },
    { kind: "expiring", header: "⏰ Invite expires in 24 hours", overrides: { expiresOn: "2025-03-02T12:00:00.000Z", thresholdMs: 24 * H } },
    { kind: "expiring", header: "⏰ Invite expiring soon", overrides: { expiresOn: null, thresholdMs: 24 * H } },
    { kind: "credentials_rejected", header: "🔑 Cloudflare rejected the credentials", overrides: { inviteId: null, detail: "HTTP 403" } },
    { kind: "credentials_restored", header: "🔓 Cloudflare accepts the credentials again", overrides: { inviteId: null, detail: "HTTP 200" } },
  ])("$kind -> header '$header'", ({ kind, header: expected, overrides }) => {
    const message = renderAlert(content({ kind, ...overrides }), NOW);
    expect(header(message)).toBe(expected);
    expect(message.text.startsWith(KIND_LOOK[kind].emoji)).toBe(true);
    expect(mrkdwn(message).at(-1)).toBe(`invite-monitor · observed ${token("2025-03-01T12:00:00.000Z")}`);
    expectWithinSlackLimits(message);
  });

  it("a transition shows the status change in the summary and in the fallback", () => {
    const message = renderAlert(content({ label: "new SRE" }), NOW);
    expect(mrkdwn(message)[0]).toBe(`*Invite* \`${ID}\` (new SRE)\n*Status:* pending → accepted`);
    expect(message.text).toBe(`✅ Invite accepted: alice@example.com to Example Org (pending → accepted) [${ID}]`);
  });

  it.each([
    { now: NOW, relative: "in 24 hours" },
    { now: new Date(NOW.getTime() + H), relative: "in 23 hours" },
    { now: new Date(NOW.getTime() + 23 * H + 30 * 60_000), relative: "in 30 minutes" },
  ])("an expiring alert rendered at $now says '$relative'", ({ now, relative }) => {
    const message = renderAlert(content({ kind: "expiring", newStatus: "pending", oldStatus: "pending", expiresOn: "2025-03-02T12:00:00.000Z", thresholdMs: 24 * H }), now);
    expect(header(message)).toBe(`⏰ Invite expires ${relative}`);
    expect(mrkdwn(message)[0]).toBe(`*Invite* \`${ID}\`\nCrossed the 24h warning.`);
    expect(field(message, "Expires on")).toBe(`${token("2025-03-02T12:00:00.000Z")} (${relative})`);
  });

  it.each(ALERT_KINDS)("%s with every optional field missing renders without 'undefined' or 'null'", (kind) => {
    const bare = content({
      kind, label: null, invitedMemberEmail: null, organizationName: null, organizationId: null, roles: [], invitedBy: null,
      invitedOn: null, expiresOn: null, oldStatus: null, newStatus: null, thresholdMs: null, detail: null,
      inviteId: kind.startsWith("credentials") ? null : ID,
    });
    const message = renderAlert(bare, NOW);
    expect(allText(message)).not.toMatch(/undefined|null|NaN|Invalid Date/);
    expectWithinSlackLimits(message);
    if (bare.inviteId === null) return;
    expect(field(message, "Invited email")).toBe("(unknown invitee)");
    expect(field(message, "Organization")).toBe("(unknown organization)");
    expect(field(message, "Roles")).toBe("none");
    expect(field(message, "Invited by")).toBe("-");
    expect(field(message, "Invited on")).toBe("-");
    expect(field(message, "Expires on")).toBe("-");
  });

  it("falls back from the organization name to its id", () => {
    expect(field(renderAlert(content({ organizationName: null, organizationId: "org-42" }), NOW), "Organization")).toBe("org-42");
  });

  it("40 roles are cut to 'and N more' and everything stays within Slack's limits", () => {
    const roles = Array.from({ length: 40 }, (_, i) => `Cloudflare Role With A Long Name ${i + 1}`);
    const message = renderAlert(content({ roles }), NOW);
    const shown = field(message, "Roles") ?? "";
    expect(shown).toMatch(/^Cloudflare Role With A Long Name 1, .* and \d+ more$/);
    expect(shown.length).toBeLessThanOrEqual(300);
    expectWithinSlackLimits(message);
  });

  it("huge values (hostile characters included) stay within Slack's limits", () => {
    const huge = "<&>".repeat(3000);
    const message = renderAlert(content({ label: huge, invitedMemberEmail: huge, organizationName: huge, invitedBy: huge, roles: [huge, huge] }), NOW);
    expectWithinSlackLimits(message);
    expect(withoutDates(message).join("")).not.toMatch(/[<>]/);
  });

  it("non-ASCII names survive intact", () => {
    const name = "Zoë Ångström 日本語 🚀👩‍💻";
    const message = renderAlert(content({ label: name, invitedMemberEmail: "zoë@例え.jp", organizationName: name, invitedBy: name, roles: [name] }), NOW);
    expect(mrkdwn(message)[0]).toContain(`(${name})`);
    expect(field(message, "Invited email")).toBe("zoë@例え.jp");
    for (const f of ["Organization", "Roles", "Invited by"]) expect(field(message, f)).toBe(name);
    expect(message.text).toContain(`zoë@例え.jp to ${name}`);
  });

  it("escapes mrkdwn control characters in every mrkdwn block", () => {
    const message = renderAlert(content({ invitedMemberEmail: "a<b>&c@example.com", organizationName: "<!channel>", label: "<@U123>", invitedBy: "x&y", roles: ["<b>"] }), NOW);
    expect(field(message, "Invited email")).toBe("a&lt;b&gt;&amp;c@example.com");
    expect(field(message, "Organization")).toBe("&lt;!channel&gt;");
    expect(field(message, "Invited by")).toBe("x&amp;y");
    expect(field(message, "Roles")).toBe("&lt;b&gt;");
    expect(mrkdwn(message)[0]).toContain("(&lt;@U123&gt;)");
    expect(withoutDates(message).join("\n")).not.toMatch(/[<>]/);
  });

  it.each([
    { kind: "credentials_rejected" as const, detail: "HTTP 403 <from> /user & co", section: "HTTP 403 &lt;from&gt; /user &amp; co", text: "🔑 Cloudflare rejected the credentials: HTTP 403 &lt;from&gt; /user &amp; co" },
    { kind: "credentials_restored" as const, detail: null, section: "Cloudflare accepts the credentials again", text: "🔓 Cloudflare accepts the credentials again" },
  ])("a credentials alert ($kind) renders its detail", ({ kind, detail, section, text }) => {
    const message = renderAlert(content({ kind, inviteId: null, detail }), NOW);
    expect(blocksOf(message).map((b) => b.type)).toEqual(["header", "section", "context"]);
    expect(mrkdwn(message)[0]).toBe(section);
    expect(message.text).toBe(text);
  });
});

describe("when", () => {
  it.each([
    { iso: null, expected: "-" },
    { iso: "", expected: "-" },
    { iso: "2025-03-02T12:00:00.000Z", expected: "<!date^1740916800^{date_short_pretty} {time}|2025-03-02 12:00 UTC> (in 24 hours)" },
    { iso: "2025-03-01T10:00:00.000Z", expected: "<!date^1740823200^{date_short_pretty} {time}|2025-03-01 10:00 UTC> (2 hours ago)" },
    { iso: "2025-03-01T12:00:30.000Z", expected: "<!date^1740830430^{date_short_pretty} {time}|2025-03-01 12:00 UTC> (in 30 seconds)" },
    { iso: "2025-03-11T12:00:00.000Z", expected: "<!date^1741694400^{date_short_pretty} {time}|2025-03-11 12:00 UTC> (in 10 days)" },
    // Slack reads the epoch as seconds since 1970: earlier dates are written as the UTC text alone.
    { iso: "1969-07-20T20:17:00.000Z", expected: "1969-07-20 20:17 UTC (20313 days ago)" },
  ])("$iso -> $expected", ({ iso, expected }) => {
    expect(when(iso, NOW)).toBe(expected);
  });
});

describe("the plain-text fallback", () => {
  it("is escaped too, so an organization named <!channel> pings nobody", () => {
    const message = renderAlert(content({ organizationName: "<!channel>", invitedMemberEmail: "a<b>&c@example.com" }), NOW);
    expect(message.text).toContain("a&lt;b&gt;&amp;c@example.com to &lt;!channel&gt;");
    expect(message.text).not.toContain("<!channel>");
  });
});

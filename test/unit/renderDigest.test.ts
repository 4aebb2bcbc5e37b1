import { describe, expect, it } from "vitest";
import { ALERT_KINDS, type AlertContent, type AlertKind } from "../../src/alerts/alertTypes.js";
import { KIND_LOOK } from "../../src/alerts/renderAlert.js";
import { digestParts, renderDigest } from "../../src/alerts/renderDigest.js";
import { LIMITS, type SlackMessage } from "../../src/alerts/slackText.js";

const NOW = new Date("2025-03-01T12:00:00.000Z");
const idOf = (n: number) => n.toString(16).padStart(32, "0");

function content(overrides: Partial<AlertContent> = {}): AlertContent {
  return {
    kind: "accepted", inviteId: idOf(1), label: null, invitedMemberEmail: "alice@example.com", organizationName: "Example Org",
    organizationId: "org-1", roles: ["Administrator"], invitedBy: "bob@example.com", invitedOn: "2025-02-22T12:00:00.000Z",
    expiresOn: "2025-03-08T12:00:00.000Z", oldStatus: "pending", newStatus: "accepted", thresholdMs: null, detail: null,
    occurredAt: NOW.toISOString(), ...overrides,
  };
}

interface TextObject { type: string; text: string }
interface LooseBlock { type: string; text?: TextObject; elements?: TextObject[] }
const blocksOf = (m: SlackMessage) => m.blocks as unknown as LooseBlock[];
const sections = (m: SlackMessage) => blocksOf(m).filter((b) => b.type === "section").map((b) => b.text?.text ?? "");
const header = (m: SlackMessage) => blocksOf(m)[0]?.text?.text ?? "";
const titleOf = (kind: AlertKind) => `*${KIND_LOOK[kind].emoji} ${KIND_LOOK[kind].title}*`;
const idsIn = (text: string) => [...text.matchAll(/`([0-9a-f]{32})`/g)].map((m) => m[1]);

function expectWithinSlackLimits(m: SlackMessage): void {
  const blocks = blocksOf(m);
  expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  expect(blocks[0]?.type).toBe("header");
  expect(blocks[0]?.text?.type).toBe("plain_text");
  expect(header(m).length).toBeLessThanOrEqual(LIMITS.header);
  expect(m.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
  for (const text of sections(m)) expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
}

describe("renderDigest", () => {
  it("nothing to send -> no message", () => {
    expect(renderDigest([])).toEqual([]);
  });

  it("one alert -> a singular header", () => {
    const [message, ...rest] = renderDigest([content()]);
    expect(rest).toEqual([]);
    expect(header(message!)).toBe("📋 1 invite update");
  });

  describe("20 alerts of mixed kinds", () => {
    const counts: Array<[AlertKind, number]> = [["gone", 2], ["accepted", 7], ["expiring", 2], ["rejected", 5], ["expired", 4]];
    const kinds = counts.flatMap(([kind, n]) => Array<AlertKind>(n).fill(kind));
    // Interleave the kinds so grouping is the renderer's work, not the input order's.
    const alerts = kinds.map((_, i) => kinds[(i * 7) % kinds.length]!).map((kind, i) => content({ kind, inviteId: idOf(i + 1), newStatus: kind }));
    const messages = renderDigest(alerts);
    const message = messages[0]!;

    it("fit in one message within Slack's limits", () => {
      expect(messages).toHaveLength(1);
      expectWithinSlackLimits(message);
      expect(header(message)).toBe("📋 20 invite updates");
      expect(blocksOf(message).at(-1)?.type).toBe("context");
    });

    it("name every invite id exactly once", () => {
      const named = sections(message).flatMap(idsIn);
      expect([...named].sort()).toEqual(alerts.map((a) => a.inviteId).sort());
    });

    it("group the ids under one title per kind, in the usual kind order", () => {
      const all = sections(message).join("\n");
      const present = ALERT_KINDS.filter((k) => alerts.some((a) => a.kind === k));
      for (const kind of present) expect(all.split(titleOf(kind)).length - 1).toBe(1);
      expect(sections(message).map((s) => s.split("\n")[0])).toEqual(present.map(titleOf));
      for (const section of sections(message)) {
        const kind = present.find((k) => section.startsWith(titleOf(k)))!;
        expect(idsIn(section).sort()).toEqual(alerts.filter((a) => a.kind === kind).map((a) => a.inviteId).sort());
      }
    });

    it("count each kind in the fallback text", () => {
      expect(message.text).toBe("20 invite updates: 7 accepted, 5 rejected, 4 expired, 2 gone, 2 expiring");
    });
  });

  it("credentials alerts are listed by their escaped detail and counted by readable kind", () => {
    const [message] = renderDigest([
      content({ kind: "credentials_rejected", inviteId: null, detail: "HTTP 403 <token> & more" }),
      content({ kind: "credentials_restored", inviteId: null, detail: null }),
      content({ inviteId: idOf(9) }),
    ]);
    expect(message!.text).toBe("3 invite updates: 1 accepted, 1 credentials rejected, 1 credentials restored");
    expect(sections(message!)).toEqual([
      `${titleOf("accepted")}\n• \`${idOf(9)}\` alice@example.com — Example Org`,
      `${titleOf("credentials_rejected")}\n• HTTP 403 &lt;token&gt; &amp; more`,
      `${titleOf("credentials_restored")}\n• ${KIND_LOOK.credentials_restored.title}`,
    ]);
  });

  it.each([
    { note: "hostile email and org", overrides: { invitedMemberEmail: "a<b>&c@example.com", organizationName: "<!channel>" }, line: "a&lt;b&gt;&amp;c@example.com — &lt;!channel&gt;" },
    { note: "missing email and org", overrides: { invitedMemberEmail: null, organizationName: null, organizationId: null }, line: "(unknown invitee)" },
    { note: "org id when the name is missing", overrides: { organizationName: null, organizationId: "org-42" }, line: "alice@example.com — org-42" },
    { note: "non-ASCII names", overrides: { invitedMemberEmail: "zoë@例え.jp", organizationName: "Zoë Ångström 日本語 🚀" }, line: "zoë@例え.jp — Zoë Ångström 日本語 🚀" },
  ])("$note -> '$line'", ({ overrides, line }) => {
    const [message] = renderDigest([content(overrides), content({ kind: "gone", inviteId: idOf(2) })]);
    const text = sections(message!).join("\n");
    expect(text).toContain(`• \`${idOf(1)}\` ${line}\n`);
    expect(text).not.toMatch(/undefined|null|[<>]/);
  });

  it.each([
    { note: "long emails and orgs", email: (i: number) => `someone.with.a.really.long.name.${i}@${"sub.".repeat(40)}example.com`, org: (i: number) => `Organization ${i} ${"with a very long name ".repeat(10)}`, split: false },
    { note: "long mrkdwn-hostile emails and orgs", email: (i: number) => `${i}${"<&>".repeat(60)}@example.com`, org: (i: number) => `${i}${"&".repeat(200)}`, split: true },
  ])("300 alerts with $note: every invite named once, every message within limits", ({ email, org, split }) => {
    const alerts = Array.from({ length: 300 }, (_, i) =>
      content({ kind: ALERT_KINDS[i % 5]!, inviteId: idOf(i + 1), invitedMemberEmail: email(i), organizationName: org(i) }),
    );
    const messages = renderDigest(alerts);
    expect(messages.length > 1).toBe(split);
    for (const message of messages) {
      expectWithinSlackLimits(message);
      const text = sections(message).join("\n");
      expect(text).not.toMatch(/[<>]/);
      // A kind spread over several sections is titled once per message.
      for (const kind of ALERT_KINDS) expect(text.split(titleOf(kind)).length - 1).toBeLessThanOrEqual(1);
    }
    const named = messages.flatMap((m) => sections(m).flatMap(idsIn));
    expect(named).toHaveLength(300);
    expect(new Set(named)).toEqual(new Set(alerts.map((a) => a.inviteId)));
    const headerCounts = messages.map((m) => Number(/📋 (\d+) invite updates?/.exec(header(m))?.[1]));
    expect(headerCounts.reduce((a, b) => a + b, 0)).toBe(300);
    // A part that is not the last says how many follow (the notifier sends one part per tick, re-rendering the rest).
    messages.forEach((m, i) => {
      const following = headerCounts.slice(i + 1).reduce((a, b) => a + b, 0);
      if (following > 0) expect(header(m)).toContain(`(${following} more follow)`);
      else expect(header(m)).not.toContain("more follow");
    });
  });
});

describe("renderDigest: parts of one kind", () => {
  it("names the kind again at the top of every later part", () => {
    const alerts = Array.from({ length: 300 }, (_, i) =>
      content({ inviteId: idOf(i + 1), invitedMemberEmail: "&".repeat(120), organizationName: "&".repeat(100) }),
    );
    const messages = renderDigest(alerts);
    expect(messages.length).toBeGreaterThan(1);
    for (const [index, message] of messages.entries()) {
      expect(sections(message)[0]?.startsWith(index === 0 ? titleOf("accepted") : "*✅ Invite accepted (continued)*")).toBe(true);
      expectWithinSlackLimits(message);
    }
    expect(messages.flatMap((m) => sections(m).flatMap(idsIn))).toHaveLength(300);
  });
});

describe("digestParts: which alerts each message carries", () => {
  it.each([
    { note: "one message", count: 20, long: false, parts: 1 },
    { note: "several messages", count: 300, long: true, parts: 3 },
  ])("$note: each part names exactly the alerts it says it carries, and every alert is in one part", ({ count, long, parts: expectedParts }) => {
    const alerts = Array.from({ length: count }, (_, i) =>
      content({ kind: ALERT_KINDS[(i * 3) % 5]!, inviteId: idOf(i + 1), ...(long ? { invitedMemberEmail: "&".repeat(120), organizationName: "&".repeat(100) } : {}) }),
    );
    const parts = digestParts(alerts);
    expect(parts).toHaveLength(expectedParts);
    for (const part of parts) {
      expect(sections(part.message).flatMap(idsIn).sort()).toEqual(part.alerts.map((i) => alerts[i]!.inviteId).sort());
      expect(header(part.message)).toContain(`📋 ${part.alerts.length} invite update`);
    }
    expect(parts.flatMap((p) => p.alerts).sort((a, b) => a - b)).toEqual(alerts.map((_, i) => i));
    expect(parts.map((p) => p.message)).toEqual(renderDigest(alerts));
  });
});

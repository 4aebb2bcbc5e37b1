import { describe, expect, it } from "vitest";
import { fieldLabel, isDateField } from "../../src/invites/fieldLabels.js";
import { escapeHtml, html, queryString, raw } from "../../src/http/statusPage/html.js";
import { isAuthorized, parseCookies, safeNext, servedWithoutToken, SESSION_COOKIE, sessionValue } from "../../src/http/statusPage/statusGuard.js";
import { countdown, utcText } from "../../src/http/statusPage/timeText.js";

const NOW = new Date("2026-11-28T12:00:00Z");
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe("countdown", () => {
  it.each([
    { left: 6 * DAY + 4 * HOUR + 59 * MIN, expected: "6d 4h" },
    { left: DAY, expected: "1d 0h" },
    { left: DAY - 1, expected: "23h 59m" },
    { left: 5 * HOUR + 12 * MIN + 59_999, expected: "5h 12m" },
    { left: HOUR, expected: "1h 0m" },
    { left: 12 * MIN, expected: "12m" },
    { left: 59_999, expected: "under 1m" },
    { left: 1, expected: "under 1m" },
    { left: 0, expected: "expired just now" },
    { left: -2 * HOUR, expected: "expired 2 hours ago" },
    { left: -3 * DAY, expected: "expired 3 days ago" },
  ])("$left ms left reads $expected", ({ left, expected }) => {
    expect(countdown(new Date(NOW.getTime() + left), NOW)).toBe(expected);
  });

  it("absolute times are UTC to the minute", () => {
    expect(utcText(new Date("2026-12-04T12:00:59.999Z"))).toBe("2026-12-04 12:00 UTC");
  });
});

describe("html", () => {
  it.each([
    { text: "<script>alert(1)</script>", expected: "&lt;script&gt;alert(1)&lt;/script&gt;" },
    { text: `"quoted" & 'single'`, expected: "&quot;quoted&quot; &amp; &#39;single&#39;" },
    { text: "\u001b[31mred\u001b[0m", expected: "red" },
    { text: "evil\u202egnp.exe", expected: "evilgnp.exe" },
    { text: "tab\tand\nnewline", expected: "tab and newline" },
  ])("escapes $text", ({ text, expected }) => {
    expect(escapeHtml(text)).toBe(expected);
  });

  it("escapes every value unless it is our own markup", () => {
    const value = "<b>x</b>";
    expect(String(html`<p title="${value}">${value}${raw("<br>")}${[value, null, false, undefined, 0]}</p>`)).toBe(
      '<p title="&lt;b&gt;x&lt;/b&gt;">&lt;b&gt;x&lt;/b&gt;<br>&lt;b&gt;x&lt;/b&gt;0</p>',
    );
  });

  it("builds query strings without the empty parameters", () => {
    expect(queryString({ status: "pending", q: "", failing: true, all: false, page: 2 })).toBe("?status=pending&failing=1&page=2");
    expect(queryString({ q: undefined })).toBe("");
    expect(queryString({ q: "a&b=c" })).toBe("?q=a%26b%3Dc");
  });
});

describe("the guard", () => {
  const token = "s3cret-token-value";

  it.each([
    { name: "the bearer token", headers: { authorization: `Bearer ${token}` }, expected: true },
    { name: "a lower-case scheme", headers: { authorization: `bearer ${token}` }, expected: true },
    { name: "the login cookie among others", headers: { cookie: `a=1; ${SESSION_COOKIE}=${sessionValue(token)}; b=2` }, expected: true },
    { name: "nothing", headers: {}, expected: false },
    { name: "a wrong token", headers: { authorization: "Bearer s3cret-token-valuE" }, expected: false },
    { name: "a prefix of the token", headers: { authorization: "Bearer s3cret" }, expected: false },
    { name: "the token as Basic", headers: { authorization: `Basic ${token}` }, expected: false },
    { name: "the token itself as the cookie", headers: { cookie: `${SESSION_COOKIE}=${token}` }, expected: false },
    { name: "a cookie of another token", headers: { cookie: `${SESSION_COOKIE}=${sessionValue("other")}` }, expected: false },
  ])("$name → $expected", ({ headers, expected }) => {
    expect(isAuthorized(headers, token)).toBe(expected);
  });

  it.each([
    { next: "/outbox", expected: "/outbox" },
    { next: "/?status=pending&q=a", expected: "/?status=pending&q=a" },
    { next: "/invites/0123", expected: "/invites/0123" },
    { next: "//evil.example/x", expected: "/" },
    { next: "/\\evil.example", expected: "/" },
    { next: "https://evil.example/", expected: "/" },
    { next: "javascript:alert(1)", expected: "/" },
    { next: "/\r\nSet-Cookie: x=1", expected: "/" },
    { next: "/invites/\u00e9", expected: "/" },
    { next: "/\u{1F5D1}", expected: "/" },
    { next: "/a b", expected: "/" },
    { next: "/invites/%C3%A9", expected: "/invites/%C3%A9" },
    { next: "", expected: "/" },
    { next: null, expected: "/" },
  ])("next $next → $expected", ({ next, expected }) => {
    expect(safeNext(next)).toBe(expected);
  });

  it.each([
    { host: "127.0.0.1:8080", expected: true },
    { host: "192.0.2.10", expected: true },
    { host: "localhost:8080", expected: true },
    { host: "LOCALHOST", expected: true },
    { host: "[::1]:8080", expected: true },
    { host: "[2001:db8::1]", expected: true },
    { host: "evil.example:8080", expected: false },
    { host: "monitor.internal", expected: false },
    { host: "localhost.evil.example", expected: false },
    { host: "127.0.0.1.nip.io", expected: false },
    { host: "[not-an-address]", expected: false },
    { host: "", expected: false },
    { host: undefined, expected: false },
  ])("without a token, Host $host is served: $expected", ({ host, expected }) => {
    expect(servedWithoutToken(host)).toBe(expected);
  });

  it("parses cookies, keeping the first of a repeated name and skipping malformed pairs", () => {
    expect([...parseCookies("a=1; b = 2 ;junk; =x; a=3")]).toEqual([["a", "1"], ["b", "2"]]);
    expect(parseCookies(undefined).size).toBe(0);
  });
});

describe("field labels", () => {
  it.each([
    { field: "effectiveStatus", expected: "status" },
    { field: "apiStatus", expected: "API status" },
    { field: "expiresOn", expected: "expires on" },
    { field: "invitedMemberEmail", expected: "email" },
    { field: "organizationName", expected: "organization" },
    { field: "twoFactorEnforced", expected: "two-factor required" },
    { field: "payload.roles", expected: "role details" },
    { field: "payload.member_since", expected: "member since" },
    { field: "payload.", expected: "payload." },
    { field: "constructor", expected: "constructor" },
    { field: "__proto__", expected: "__proto__" },
  ])("$field reads $expected", ({ field, expected }) => {
    expect(fieldLabel(field)).toBe(expected);
  });

  it("knows which fields hold instants", () => {
    expect(["expiresOn", "invitedOn", "effectiveStatus"].map(isDateField)).toEqual([true, true, false]);
  });
});

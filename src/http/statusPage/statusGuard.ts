import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { isIP } from "node:net";

/** The login cookie's name. */
export const SESSION_COOKIE = "invite_monitor_status";
/** A login lasts a month; changing STATUS_PAGE_TOKEN ends every one at once. */
const SESSION_MAX_AGE_S = 30 * 86_400;

/**
 * The cookie's value: derived from the token, not the token itself, so a cookie read off a browser does not reveal
 * the token (which may serve elsewhere, in scripts' headers). It is still a credential for this page.
 */
export function sessionValue(token: string): string {
  return createHmac("sha256", token).update("invite-monitor status page session v1").digest("hex");
}

/** Compares in constant time: the lengths are hidden too, as both sides are hashed first. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Whether a request carries the token: `Authorization: Bearer <token>`, or the login form's cookie. */
export function isAuthorized(headers: IncomingHttpHeaders, token: string): boolean {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? "");
  if (bearer && sameSecret(bearer[1]!, token)) return true;
  const cookie = parseCookies(headers.cookie).get(SESSION_COOKIE);
  return cookie !== undefined && sameSecret(cookie, sessionValue(token));
}

/** `a=1; b=2` → a map; a malformed pair is skipped. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const raw of (header ?? "").split(";")) {
    const part = raw.trim();
    const at = part.indexOf("=");
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(at + 1).trim());
  }
  return cookies;
}

/**
 * Where to go after logging in: a path of this site only. Anything else ("//evil.example", "https://…", "/\\evil",
 * a control character) becomes "/", so the form cannot be used to send someone elsewhere. So does a character
 * outside printable ASCII: a path this site links to is percent-encoded, and Node refuses such a Location header.
 */
export function safeNext(raw: unknown): string {
  if (typeof raw !== "string" || raw.length > 2_000) return "/";
  // One slash, then printable ASCII without a backslash.
  return /^\/(?![/\\])[\x21-\x5b\x5d-\x7e]*$/.test(raw) ? raw : "/";
}

/**
 * The cookie set by a login: not readable by scripts, sent only to this site and never with a request started
 * elsewhere. `secure` (the page is reached over HTTPS, through a proxy) keeps it off plain HTTP.
 */
export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${sessionValue(token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MAX_AGE_S}${secure ? "; Secure" : ""}`;
}

export function clearedCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
}

/**
 * Whether a page without a token may answer a request for this Host. Only an address or localhost: a name could be
 * an attacker's, resolved to this machine's address (DNS rebinding), so that a page in someone's browser reads
 * ours. A name is served once STATUS_PAGE_TOKEN is set: the attacker's page has no token to send.
 */
export function servedWithoutToken(host: string | undefined): boolean {
  if (!host) return false;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) return isIP(bracketed[1]!) === 6;
  const name = host.replace(/:\d+$/, "").toLowerCase();
  return name === "localhost" || isIP(name) === 4;
}

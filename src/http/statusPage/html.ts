import { terminalText } from "../../cli/terminalText.js";

/** Markup that is already safe: made only by `html` below (or `raw`, for our own constant markup). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Text as HTML. Labels, emails, organization names and error messages come from people and from Cloudflare: markup
 * in them is shown, never run. Control characters, escape sequences and bidirectional overrides are dropped first,
 * as on a terminal, so that a hostile name cannot reorder what a reader sees either.
 */
export function escapeHtml(text: string): string {
  return terminalText(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Our own markup, as it is. Never give it data. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * A template of markup: every value is escaped unless it is SafeHtml; arrays are joined; null, undefined and false
 * render nothing. Escaping is the default, so forgetting it cannot happen.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out);
}

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/** A query string from parameters, leaving out the empty ones. */
export function queryString(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === "" || value === false) continue;
    search.set(key, value === true ? "1" : String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export interface PageFrame {
  title: string;
  /** Which tab of the navigation is this page's. */
  section: "invites" | "outbox" | "budget" | "login";
  /** Shown when the page needs a token: the logout button. */
  signedIn: boolean;
  /** When the page was made, as text (UTC). */
  generatedAt: string;
  /** A warning across the top (the page has no token). */
  notice?: string;
}

/** The page around every view: navigation, the refresh switch (shown by the script only) and the footer. */
export function layout(frame: PageFrame, body: SafeHtml): string {
  const tab = (section: PageFrame["section"], href: string, label: string) =>
    html`<a href="${href}"${section === frame.section ? raw(' aria-current="page"') : ""}>${label}</a>`;
  const nav =
    frame.section === "login"
      ? html``
      : html`<nav>${tab("invites", "/", "Invites")}${tab("outbox", "/outbox", "Outbox")}${tab("budget", "/budget", "Budget")}</nav>`;
  const logout = frame.signedIn ? html`<form method="post" action="/logout" class="logout"><button type="submit">Log out</button></form>` : html``;
  return `<!doctype html>${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${frame.title} · invite-monitor</title>
<link rel="stylesheet" href="/status.css">
<script src="/status.js" defer></script>
</head>
<body>
<header><span class="brand">invite-monitor</span>${nav}<span class="spacer"></span>
${frame.section === "login" ? "" : html`<label class="refresh" hidden><input type="checkbox" id="auto-refresh"> refresh every 30 s</label>`}${logout}</header>
${frame.notice ? html`<p class="notice" role="alert">${frame.notice}</p>` : ""}
<main>${body}</main>
<footer>Read-only view · generated ${frame.generatedAt} · times in UTC</footer>
</body>
</html>
`}`;
}

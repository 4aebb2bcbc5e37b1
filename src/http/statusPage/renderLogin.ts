import { html, type SafeHtml } from "./html.js";

/** The login form: the token is posted once and exchanged for a cookie; it is never put back in the page. */
export function renderLogin(options: { next: string; wrong: boolean }): SafeHtml {
  return html`
<h1>Status page</h1>
<form class="login" method="post" action="/login">
<p>This page shows invitees' emails and organizations, so it needs the status page token (<code>STATUS_PAGE_TOKEN</code>).</p>
${options.wrong ? html`<p class="bad" role="alert">That is not the token. Nothing was shown.</p>` : ""}
<label>Token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<input type="hidden" name="next" value="${options.next}">
<button type="submit">Log in</button>
<p class="hint">Scripts can send it as a header instead: <code>Authorization: Bearer &lt;token&gt;</code>.</p>
</form>`;
}

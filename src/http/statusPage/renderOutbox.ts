import type { AlertSummary, Outbox } from "../../storage/alertQueries.js";
import { html, type SafeHtml } from "./html.js";
import { when } from "./timeText.js";

/** The alert outbox: failed alerts and their reasons first (someone must act on those), then pending, then sent. */
export function renderOutbox(outbox: Outbox, now: Date): SafeHtml {
  const { counts } = outbox;
  return html`
<h1>Outbox</h1>
<section class="summary" aria-label="Summary"><div class="chips">
<a class="chip ${counts.failed > 0 ? "failing" : ""}" href="#failed"><strong>${counts.failed}</strong> failed</a>
<a class="chip" href="#pending"><strong>${counts.pending}</strong> pending</a>
<a class="chip" href="#delivered"><strong>${counts.delivered}</strong> delivered</a></div></section>
<h2 id="failed">Failed</h2>
${counts.failed > 0 ? html`<p class="hint">Send them again with <code>invite-monitor alerts retry --failed</code> once the reason is fixed.</p>` : ""}
${section(outbox.failed, counts.failed, now, "failed", "No failed alerts.")}
<h2 id="pending">Pending</h2>
${section(outbox.pending, counts.pending, now, "pending", "Nothing waiting to be sent.")}
<h2 id="delivered">Recently delivered</h2>
${section(outbox.delivered, counts.delivered, now, "delivered", "Nothing delivered yet.")}`;
}

function section(rows: readonly AlertSummary[], total: number, now: Date, status: AlertSummary["status"], empty: string): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  const third = status === "failed" ? "Reason" : status === "pending" ? "Next attempt" : "Sent";
  const body = rows.map(
    (a) => html`<tr class="alert-${a.status}"><td>${a.id}</td><td>${a.kind}</td>
<td>${a.inviteId ? html`<a href="/invites/${a.inviteId}">${a.content.label ?? a.content.invitedMemberEmail ?? a.inviteId}</a>` : html`<span class="none">operations</span>`}</td>
<td>${when(a.createdAt, now)}</td><td>${a.attempts}</td>
<td class="${status === "failed" ? "error" : ""}">${status === "failed" ? html`${a.lastError ?? "unknown"} <span class="abs">(${when(a.failedAt, now)})</span>` : status === "pending" ? html`${when(a.nextAttemptAt, now)}${a.lastError ? html` <span class="error">${a.lastError}</span>` : ""}` : when(a.deliveredAt, now)}</td></tr>`,
  );
  return html`<table class="alerts ${status}">
${total > rows.length ? html`<caption>the newest ${rows.length} of ${total}</caption>` : ""}
<thead><tr><th>Id</th><th>Kind</th><th>Invite</th><th>Raised</th><th>Attempts</th><th>${third}</th></tr></thead>
<tbody>${body}</tbody></table>`;
}

import { fieldLabel, isDateField } from "../../invites/fieldLabels.js";
import type { FieldChange } from "../../invites/inviteState.js";
import type { InviteDetail } from "../../storage/inviteDetail.js";
import { html, type SafeHtml } from "./html.js";
import { statusBadge } from "./renderOverview.js";
import { expiry, utcText, when } from "./timeText.js";

/** One invite: what is stored about it, its timeline of snapshots (old → new per field) and its alerts. */
export function renderInvite(invite: InviteDetail, now: Date): SafeHtml {
  const title = invite.label ?? invite.id;
  return html`
<p class="crumbs"><a href="/">← all invites</a></p>
<h1>${title} ${statusBadge(invite)}${invite.untrackedAt ? html` <span class="badge untracked">untracked</span>` : ""}</h1>
${facts(invite, now)}
<h2>Timeline</h2>
${timeline(invite, now)}
<h2>Alerts</h2>
${alerts(invite, now)}`;
}

function facts(i: InviteDetail, now: Date): SafeHtml {
  const none = html`<span class="none">–</span>`;
  const rows: Array<[string, unknown]> = [
    ["Invite id", html`<code>${i.id}</code>`],
    ["Label", i.label ?? none],
    ["Email", i.invitedMemberEmail ?? none],
    ["Organization", i.organizationName ? html`${i.organizationName} <code class="abs">${i.organizationId ?? ""}</code>` : none],
    ["Roles", i.roles.length > 0 ? i.roles.join(", ") : none],
    ["Invited by", i.invitedBy ?? none],
    ["Invited on", when(i.invitedOn, now)],
    ["Expires", i.effectiveStatus === "pending" ? expiry(i.expiresOn, now) : when(i.expiresOn, now)],
    ["Cloudflare says", i.apiStatus ?? none],
    ["Two-factor required", i.twoFactorEnforced === null ? none : i.twoFactorEnforced ? "yes" : "no"],
    ["Tracked since", when(i.addedAt, now)],
    ["Last check", when(i.lastCheckedAt, now, "never")],
    ["Last change", when(i.lastChangedAt, now, "none yet")],
    ["Next check", i.untrackedAt ? html`untracked ${when(i.untrackedAt, now)}` : i.nextCheckAt ? when(i.nextCheckAt, now) : html`<span class="none">none: the status is final</span>`],
    ["Failures in a row", i.consecutiveFailures > 0 ? html`<span class="bad">${i.consecutiveFailures}</span> <span class="error">${i.lastError ?? ""}</span>` : "0"],
    ["Alerts", i.muted ? "muted (invite-monitor unmute to send them again)" : "on"],
    ["Slack channel", i.slackChannel ?? "SLACK_CHANNEL (the default)"],
  ];
  return html`<dl class="fields">${rows.map(([name, value]) => html`<div><dt>${name}</dt><dd>${value}</dd></div>`)}</dl>`;
}

function timeline(i: InviteDetail, now: Date): SafeHtml {
  if (i.snapshots.length === 0) {
    return html`<p class="empty">${i.notVisible ? "Not visible: GET /user/invites/{id} shows only invitations addressed to the token's own user." : "Not observed yet."}</p>`;
  }
  const entries = i.snapshots.map(
    (s) => html`<li class="snapshot" data-status="${s.effectiveStatus}">
<div class="when">${when(s.observedAt, now)}</div>
<div class="what">${statusBadge({ effectiveStatus: s.effectiveStatus, notVisible: false })}
${s.first ? html`<span class="first">first observation</span>` : changes(s.changes)}</div>
</li>`,
  );
  return html`<ol class="timeline">${entries}</ol>`;
}

function changes(list: readonly FieldChange[]): SafeHtml {
  const rows = list.map(
    (c) => html`<tr><th scope="row">${fieldLabel(c.field)}</th><td class="old">${value(c.old, c.field)}</td><td class="arrow" aria-label="became">→</td><td class="new">${value(c.new, c.field)}</td></tr>`,
  );
  return html`<table class="changes"><tbody>${rows}</tbody></table>`;
}

function value(v: unknown, field: string): SafeHtml | string {
  if (v === null || v === undefined) return html`<span class="none">(none)</span>`;
  if (isDateField(field) && typeof v === "string" && !Number.isNaN(Date.parse(v))) return utcText(new Date(v));
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v.length > 0 ? v.join(", ") : html`<span class="none">(none)</span>`;
  return html`<code>${JSON.stringify(v)}</code>`;
}

function alerts(i: InviteDetail, now: Date): SafeHtml {
  if (i.alerts.length === 0) return html`<p class="empty">No alerts raised.</p>`;
  const rows = i.alerts.map(
    (a) => html`<tr class="alert-${a.status}"><td>${a.id}</td><td>${a.kind}</td><td><span class="badge alert-${a.status}">${a.status}</span></td>
<td>${when(a.createdAt, now)}</td><td>${a.status === "delivered" ? when(a.deliveredAt, now) : a.status === "failed" ? when(a.failedAt, now) : ""}</td>
<td>${a.attempts}</td><td class="error">${a.lastError ?? ""}</td></tr>`,
  );
  return html`<table class="alerts"><thead><tr><th>Id</th><th>Kind</th><th>Status</th><th>Raised</th><th>Sent / failed</th><th>Attempts</th><th>Reason</th></tr></thead><tbody>${rows}</tbody></table>`;
}

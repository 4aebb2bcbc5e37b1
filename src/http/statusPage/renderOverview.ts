import { STATUS_FILTERS, type StatusFilter } from "../../storage/inviteFilter.js";
import type { InviteSummary } from "../../storage/readInvites.js";
import type { StatusCounts } from "../../storage/statusPageQueries.js";
import type { AlertStatusName } from "../../storage/alertQueries.js";
import { html, queryString, raw, type SafeHtml } from "./html.js";
import { expiry, when } from "./timeText.js";

/** The table's filter, as the form and the links carry it. */
export interface OverviewFilter {
  status?: StatusFilter;
  q?: string;
  failing?: boolean;
  all?: boolean;
}

export interface OverviewData {
  counts: StatusCounts;
  rows: InviteSummary[];
  /** Rows the filter selects, over every page. */
  total: number;
  filter: OverviewFilter;
  /** 1-based. */
  page: number;
  pageSize: number;
  outbox: Record<AlertStatusName, number>;
  budget: { spentPerMinute: number | null; sharePerMinute: number; pausedMs: number };
  now: Date;
}

/** What the status names mean to a reader, in the summary bar and the filter. */
const STATUS_TEXT: Record<StatusFilter, string> = {
  pending: "pending",
  accepted: "accepted",
  rejected: "rejected",
  expired: "expired",
  gone: "gone",
  unknown: "unknown",
  unchecked: "not checked yet",
  "not-visible": "not visible",
};

export function statusText(summary: Pick<InviteSummary, "effectiveStatus" | "notVisible">): { key: StatusFilter; text: string } {
  const key: StatusFilter = summary.notVisible ? "not-visible" : ((summary.effectiveStatus as StatusFilter | null) ?? "unchecked");
  return { key, text: STATUS_TEXT[key] ?? key };
}

export function statusBadge(summary: Pick<InviteSummary, "effectiveStatus" | "notVisible">): SafeHtml {
  const { key, text } = statusText(summary);
  return html`<span class="badge status-${key}">${text}</span>`;
}

export function renderOverview(d: OverviewData): SafeHtml {
  return html`
<h1>Invites</h1>
${summaryBar(d)}
${filterForm(d.filter)}
${d.rows.length === 0 ? html`<p class="empty">${d.counts.total === 0 && d.counts.untracked === 0 ? "No invites tracked yet. Add some with: invite-monitor track <id...>" : "No invites match this filter."}</p>` : table(d)}
${pager(d)}`;
}

function summaryBar(d: OverviewData): SafeHtml {
  const chips = STATUS_FILTERS.filter((s) => d.counts.byStatus[s] > 0 || s === "pending").map(
    (s) => html`<a class="chip status-${s}" href="${queryString({ status: s })}"><strong>${d.counts.byStatus[s]}</strong> ${STATUS_TEXT[s]}</a>`,
  );
  const next = d.counts.nextExpiry;
  const paused = d.budget.pausedMs > 0;
  return html`<section class="summary" aria-label="Summary">
<div class="chips"><a class="chip" href="/"><strong>${d.counts.total}</strong> tracked</a>${chips}
${d.counts.failing > 0 ? html`<a class="chip failing" href="${queryString({ failing: true })}"><strong>${d.counts.failing}</strong> failing</a>` : ""}
${d.counts.untracked > 0 ? html`<a class="chip" href="${queryString({ all: true })}"><strong>${d.counts.untracked}</strong> untracked</a>` : ""}</div>
<dl class="facts">
<div><dt>Next expiry</dt><dd>${next ? html`<a href="/invites/${next.id}">${next.label ?? next.id}</a> ${expiry(next.expiresOn, d.now)}` : html`<span class="none">nothing pending</span>`}</dd></div>
<div><dt>Outbox</dt><dd><a href="/outbox">${d.outbox.failed > 0 ? html`<span class="bad">${d.outbox.failed} failed</span>, ` : ""}${d.outbox.pending} pending</a></dd></div>
<div><dt>Budget</dt><dd><a href="/budget">${d.budget.spentPerMinute ?? "?"} of ${d.budget.sharePerMinute.toFixed(1)} requests/min</a>${paused ? html` <span class="bad">paused</span>` : ""}</dd></div>
</dl>
</section>`;
}

function filterForm(f: OverviewFilter): SafeHtml {
  const options = STATUS_FILTERS.map((s) => html`<option value="${s}"${f.status === s ? raw(" selected") : ""}>${STATUS_TEXT[s]}</option>`);
  return html`<form class="filter" method="get" action="/" role="search">
<label>Status <select name="status"><option value="">any</option>${options}</select></label>
<label>Search <input type="search" name="q" value="${f.q ?? ""}" placeholder="label, email, organization or id" maxlength="200"></label>
<label class="check"><input type="checkbox" name="failing" value="1"${f.failing ? raw(" checked") : ""}> failing only</label>
<label class="check"><input type="checkbox" name="all" value="1"${f.all ? raw(" checked") : ""}> include untracked</label>
<button type="submit">Filter</button>${f.status || f.q || f.failing || f.all ? html` <a href="/">clear</a>` : ""}
</form>`;
}

function table(d: OverviewData): SafeHtml {
  const rows = d.rows.map(
    (i) => html`<tr data-id="${i.id}" data-status="${statusText(i).key}">
<td><a href="/invites/${i.id}">${i.label ?? html`<code>${i.id}</code>`}</a>${i.untrackedAt ? html` <span class="badge untracked">untracked</span>` : ""}</td>
<td>${i.invitedMemberEmail ?? html`<span class="none">–</span>`}</td>
<td>${i.organizationName ?? html`<span class="none">–</span>`}</td>
<td>${statusBadge(i)}</td>
<td>${i.effectiveStatus === "pending" ? expiry(i.expiresOn, d.now) : when(i.expiresOn, d.now)}</td>
<td>${when(i.lastCheckedAt, d.now, "never")}</td>
<td>${i.untrackedAt ? html`<span class="none">untracked</span>` : i.nextCheckAt ? when(i.nextCheckAt, d.now) : html`<span class="none">final</span>`}</td>
<td>${i.consecutiveFailures > 0 ? html`<span class="bad" title="${i.lastError ?? ""}">${i.consecutiveFailures}</span> <span class="error">${i.lastError ?? ""}</span>` : ""}</td>
</tr>`,
  );
  return html`<table class="invites">
<caption>${d.total} invite${d.total === 1 ? "" : "s"}${d.filter.status || d.filter.q || d.filter.failing ? " match" : ""}</caption>
<thead><tr><th>Label</th><th>Email</th><th>Organization</th><th>Status</th><th>Expires</th><th>Last check</th><th>Next check</th><th>Failures</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
}

function pager(d: OverviewData): SafeHtml {
  const pages = Math.max(1, Math.ceil(d.total / d.pageSize));
  if (pages === 1) return html``;
  const link = (page: number, text: string) => html`<a href="${queryString({ ...d.filter, page })}">${text}</a>`;
  return html`<nav class="pager" aria-label="Pages">${d.page > 1 ? link(d.page - 1, "← previous") : ""} page ${d.page} of ${pages} ${d.page < pages ? link(d.page + 1, "next →") : ""}</nav>`;
}

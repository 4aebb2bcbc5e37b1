import { formatDuration } from "../../lib/duration.js";
import { html, type SafeHtml } from "./html.js";
import type { BudgetReading } from "./readBudget.js";
import { utcSeconds, when } from "./timeText.js";

/** The budget: what is spent against the share, the last Ratelimit reading, and any pause or incident in force. */
export function renderBudget(b: BudgetReading, now: Date): SafeHtml {
  const unknown = html`<span class="none">unknown (Redis did not answer)</span>`;
  const spent = b.spentLastMinute;
  const ratio = spent === null || b.sharePerMinute <= 0 ? 0 : Math.min(1, spent / b.sharePerMinute);
  const pause =
    b.pausedMs === null
      ? unknown
      : b.pausedMs > 0
        ? html`<span class="bad">every poll worker is paused for ${formatDuration(Math.ceil(b.pausedMs / 1000) * 1000)}</span>, until ${utcSeconds(new Date(now.getTime() + b.pausedMs))}`
        : html`none`;
  return html`
<h1>Budget</h1>
<section class="budget">
<h2>Requests per minute</h2>
<p class="meter-line"><strong>${spent ?? "?"}</strong> polls in the last minute, of a share of <strong>${b.sharePerMinute.toFixed(1)}</strong>/min (${b.shareText})</p>
<meter min="0" max="1" value="${ratio.toFixed(3)}" high="0.9" optimum="0.5" aria-label="share spent">${Math.round(ratio * 100)}%</meter>
<p class="hint">Polls are counted from the poll queue, across every process. Reads of the invite list (CLOUDFLARE_LIST) and probes of the credentials are paid out of the same share; the list reads of this process are counted below.</p>
<h2>Pause in force</h2>
<p>${pause}</p>
${b.incident ? html`<p class="bad" role="alert">${b.incident.kind === "credentials" ? "Cloudflare rejects the credentials" : "Cloudflare routes no request (check CLOUDFLARE_BASE_URL)"} since ${when(new Date(b.incident.since), now)}: ${b.incident.message}</p>` : ""}
<h2>Last Ratelimit reading</h2>
${b.remaining.length === 0 ? html`<p class="empty">No Ratelimit header read by this process yet.</p>` : html`<table><thead><tr><th>Quota</th><th>Remaining</th></tr></thead><tbody>${b.remaining.map((r) => html`<tr><td>${r.quota}</td><td>${r.remaining}</td></tr>`)}</tbody></table>`}
<h2>Poll queue</h2>
${b.queue ? html`<p>${Object.entries(b.queue).map(([state, n], i) => html`${i > 0 ? ", " : ""}<strong>${n}</strong> ${state}`)}</p>` : html`<p>${unknown}</p>`}
${b.schedule ? html`<p>${b.schedule.behind ? html`<span class="bad">behind:</span> ` : ""}the most overdue invite was ${formatDuration(Math.round(b.schedule.oldestOverdueMs / 1000) * 1000)} late ${html`<span class="abs">(read ${when(b.schedule.at, now)})</span>`}</p>` : ""}
<h2>This process since it started</h2>
${b.processPolls.length === 0 ? html`<p class="empty">No polls by this process (it may run without the worker role).</p>` : counts("Polls", b.processPolls)}
${b.processListCalls.length === 0 ? "" : counts("List reads", b.processListCalls)}
</section>`;
}

function counts(what: string, rows: ReadonlyArray<{ outcome: string; count: number }>): SafeHtml {
  return html`<table><thead><tr><th>Outcome</th><th>${what}</th></tr></thead><tbody>${rows.map((r) => html`<tr><td>${r.outcome}</td><td>${r.count}</td></tr>`)}</tbody></table>`;
}

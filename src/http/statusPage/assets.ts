// The status page's only two files besides its HTML. Served from memory, as they are: no build step.

export const STYLES = `
:root { --fg: #1d2330; --muted: #667085; --line: #e3e6ec; --bg: #f6f7f9; --card: #fff; --bad: #b42318; --ok: #067647;
  --warn: #b54708; --info: #175cd3; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); }
header { display: flex; align-items: center; gap: 1rem; padding: .6rem 1.5rem; background: #101828; color: #fff; }
header a { color: #d0d5dd; text-decoration: none; padding: .25rem .5rem; border-radius: 4px; }
header a[aria-current="page"], header a:hover { color: #fff; background: #344054; }
header nav { display: flex; gap: .25rem; }
.brand { font-weight: 700; letter-spacing: .02em; }
.spacer { flex: 1; }
.refresh { font-size: 12px; color: #d0d5dd; }
.logout button { background: none; border: 1px solid #475467; color: #d0d5dd; border-radius: 4px; padding: .2rem .6rem; cursor: pointer; }
main { max-width: 1280px; margin: 0 auto; padding: 1rem 1.5rem 2rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; display: flex; align-items: center; gap: .5rem; flex-wrap: wrap; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
a { color: var(--info); }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
.notice { margin: 0; padding: .5rem 1.5rem; background: #fffaeb; color: var(--warn); border-bottom: 1px solid #fedf89; }
.summary { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; margin-bottom: 1rem; }
.chips { display: flex; flex-wrap: wrap; gap: .5rem; }
.chip { display: inline-block; padding: .25rem .7rem; border-radius: 999px; border: 1px solid var(--line); background: var(--bg);
  color: var(--fg); text-decoration: none; }
.chip strong { font-variant-numeric: tabular-nums; }
.chip.failing { border-color: #fda29b; color: var(--bad); }
.facts { display: flex; flex-wrap: wrap; gap: 2rem; margin: .75rem 0 0; }
.facts dt { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.facts dd { margin: 0; }
.filter { display: flex; flex-wrap: wrap; align-items: end; gap: .75rem; margin: 0 0 1rem; }
.filter label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: .15rem; }
.filter label.check { flex-direction: row; align-items: center; gap: .3rem; font-size: 13px; color: var(--fg); }
.filter input[type=search] { width: 18rem; }
input, select, button { font: inherit; padding: .3rem .5rem; border: 1px solid #d0d5dd; border-radius: 4px; background: #fff; }
button { cursor: pointer; background: #101828; color: #fff; border-color: #101828; }
table { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
caption { text-align: left; color: var(--muted); padding: 0 0 .35rem; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; background: #fafbfc; }
tbody tr:last-child td { border-bottom: 0; }
.abs, .none, .hint, .empty { color: var(--muted); }
.abs { font-size: 12px; white-space: nowrap; }
.error { color: var(--bad); font-size: 12px; }
.bad { color: var(--bad); font-weight: 600; }
.badge { display: inline-block; white-space: nowrap; padding: .05rem .5rem; border-radius: 4px; font-size: 12px; font-weight: 600; background: #f2f4f7; color: #344054; }
.status-pending { background: #eff8ff; color: var(--info); }
.status-accepted { background: #ecfdf3; color: var(--ok); }
.status-rejected, .status-gone { background: #fef3f2; color: var(--bad); }
.status-expired { background: #fffaeb; color: var(--warn); }
.status-not-visible, .status-unchecked, .status-unknown, .untracked { background: #f2f4f7; color: #475467; }
.chip.status-pending, .chip.status-accepted, .chip.status-rejected, .chip.status-gone, .chip.status-expired { border-color: transparent; }
.badge.alert-failed { background: #fef3f2; color: var(--bad); }
.badge.alert-delivered { background: #ecfdf3; color: var(--ok); }
tr.alert-failed { background: #fffbfa; }
.countdown { font-weight: 600; font-variant-numeric: tabular-nums; }
.countdown.soon { color: var(--warn); }
.countdown.past { color: var(--muted); font-weight: 400; }
.fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: .5rem 1.5rem; background: var(--card);
  border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin: 0; }
.fields dt { font-size: 12px; color: var(--muted); }
.fields dd { margin: 0; overflow-wrap: anywhere; }
.timeline { list-style: none; margin: 0; padding: 0 0 0 1rem; border-left: 2px solid var(--line); }
.snapshot { position: relative; margin: 0 0 1rem; padding-left: 1rem; }
.snapshot::before { content: ""; position: absolute; left: -1.45rem; top: .35rem; width: .7rem; height: .7rem; border-radius: 50%;
  background: #fff; border: 2px solid #98a2b3; }
.snapshot .when { font-size: 12px; color: var(--muted); }
.snapshot .what { display: flex; gap: .75rem; align-items: flex-start; flex-wrap: wrap; margin-top: .2rem; }
.first { color: var(--muted); }
.changes { width: auto; border: 0; background: none; }
.changes th, .changes td { padding: .1rem .5rem; border: 0; font-size: 13px; }
.changes th { color: var(--muted); font-weight: 500; }
.changes .old { text-decoration: line-through; color: var(--muted); }
.changes .arrow { color: var(--muted); }
.pager { margin-top: 1rem; display: flex; gap: 1rem; }
meter { width: 100%; max-width: 480px; height: 1.2rem; }
.login { max-width: 420px; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1.25rem; }
.login label { display: flex; flex-direction: column; gap: .25rem; margin: 1rem 0; }
footer { text-align: center; color: var(--muted); font-size: 12px; padding: 1rem; }
@media (max-width: 800px) { .invites th:nth-child(3), .invites td:nth-child(3) { display: none; } }
`;

/**
 * The one script: reloads the page every 30 s while it is shown and the switch is on (remembered in this browser).
 * It never sends anything but the same GET: the page stays read-only, and works the same without it.
 */
export const SCRIPT = `"use strict";
(function () {
  var box = document.getElementById("auto-refresh");
  if (!box) return;
  box.parentElement.hidden = false;
  box.checked = localStorage.getItem("im-refresh") !== "off";
  box.addEventListener("change", function () { localStorage.setItem("im-refresh", box.checked ? "on" : "off"); });
  setInterval(function () {
    var typing = document.activeElement && /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName) && document.activeElement !== box;
    if (box.checked && document.visibilityState === "visible" && !typing) location.reload();
  }, 30000);
})();
`;

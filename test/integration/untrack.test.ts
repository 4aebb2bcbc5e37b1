// `invite-monitor untrack`: stops polling and alerting and keeps the history (shown by list --all); --purge deletes
// it after a confirmation (or --yes). Idempotent; an unknown or invalid id, or a refused confirmation, changes nothing.
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WITHHELD_REASON } from "../../src/storage/untrackInvites.js";
import { runCliIn, type CliRunOptions } from "../helpers/cli.js";
import { inviteId } from "../helpers/harness.js";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.js";

const NOW = "2026-11-28T12:00:00.000Z";
const A = inviteId(0xa);
const B = inviteId(0xb);
const C = inviteId(0xc);

let database: TestDatabase;
let sql: pg.Client;
beforeAll(async () => {
  database = await createTestDatabase();
  sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
});
afterEach(async () => {
  await sql.query("DELETE FROM alert; DELETE FROM snapshot; DELETE FROM tracked_invite");
});
afterAll(async () => {
  await sql?.end();
  await database?.drop();
});

const cli = (args: string[], stdinText?: string, options?: CliRunOptions) => runCliIn({ DATABASE_URL: database.url }, args, stdinText, options);

/** A pending invite seen once (one snapshot), with one alert pending and one delivered; or a final one. */
async function insertInvite(id: string, status: "pending" | "accepted" = "pending"): Promise<void> {
  await sql.query(
    `INSERT INTO tracked_invite (id, label, added_at, next_check_at, last_checked_at, api_status, effective_status, active)
     VALUES ($1, $4, '2026-11-27T12:00:00Z', '2026-11-28T12:15:00Z', '2026-11-28T11:45:00Z', $2::text, $2::text::"EffectiveStatus", $3)`,
    [id, status, status === "pending", `label ${id}`],
  );
  await sql.query(`INSERT INTO snapshot (invite_id, observed_at, api_status, effective_status, changed_fields, changes, first) VALUES ($1, '2026-11-27T12:00:00Z', $2::text, $2::text::"EffectiveStatus", '{}', '[]', true)`, [id, status]);
  for (const status of ["pending", "delivered"]) {
    await sql.query(
      `INSERT INTO alert (dedup_key, kind, invite_id, content, status, created_at, next_attempt_at, delivered_at) VALUES ($1, 'expiring', $2, '{}', $3::"AlertStatus", $4, $4, $5)`,
      [`${id}-${status}`, id, status, NOW, status === "delivered" ? NOW : null],
    );
  }
}

const rows = async () =>
  (await sql.query<{ id: string; active: boolean; untracked_at: Date | null; next_check_at: Date }>("SELECT id, active, untracked_at, next_check_at FROM tracked_invite ORDER BY id")).rows;
const alerts = async () => (await sql.query<{ invite_id: string; status: string; last_error: string | null }>("SELECT invite_id, status::text, last_error FROM alert ORDER BY id")).rows;
const counts = async () => (await sql.query("SELECT (SELECT count(*) FROM tracked_invite)::int AS invites, (SELECT count(*) FROM snapshot)::int AS snapshots, (SELECT count(*) FROM alert)::int AS alerts")).rows[0];
const listed = async (args: string[] = []) => (JSON.parse((await cli(["list", "--json", ...args])).stdout) as Array<{ id: string }>).map((i) => i.id);

describe("untrack", () => {
  it("stops polling and alerting, keeps the history, and list --all shows it", async () => {
    await insertInvite(A);
    await insertInvite(B);
    const result = await cli(["untrack", A]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toBe(
      "Untracked 1 invite: no longer polled nor alerted; the history is kept (see: invite-monitor list --all).\n" +
        "1 pending alert not sent, marked failed (see: invite-monitor alerts --status failed).\n" +
        "To watch them again: invite-monitor track <id...>.\n",
    );
    expect(await rows()).toMatchObject([
      { id: A, active: false, untracked_at: new Date(NOW) },
      { id: B, active: true, untracked_at: null },
    ]);
    expect(await alerts()).toEqual([
      { invite_id: A, status: "failed", last_error: WITHHELD_REASON },
      { invite_id: A, status: "delivered", last_error: null },
      { invite_id: B, status: "pending", last_error: null },
      { invite_id: B, status: "delivered", last_error: null },
    ]);
    expect(await counts()).toEqual({ invites: 2, snapshots: 2, alerts: 4 });
    expect(await listed()).toEqual([B]);
    expect(await listed(["--all"])).toEqual([A, B]);
    expect((await cli(["list", "--all"])).stdout).toMatch(new RegExp(`${A}\\s+label ${A}\\s+pending\\s+pending\\s+-\\s+2026-11-28 11:45Z\\s+\\(untracked\\)`));
    expect((await cli(["history", A])).stdout).toContain("first observation: pending");
  });

  it("alerts retry --failed leaves the alerts untrack withheld; their ids still send them", async () => {
    await insertInvite(A);
    await insertInvite(B);
    await cli(["untrack", A]);
    await sql.query("UPDATE alert SET status = 'failed', last_error = 'Slack answered 404 no_service' WHERE invite_id = $1 AND status = 'pending'", [B]);
    const retried = await cli(["alerts", "retry", "--failed"]);
    expect(retried).toMatchObject({ code: 0, stderr: "" });
    expect(retried.stdout).toMatch(/^1 failed alert queued for delivery again\. 1 withheld by untrack left as they are/);
    // Before the fix both went back to the outbox, and the untracked invite's alert reached Slack after all.
    expect(await alerts()).toEqual([
      { invite_id: A, status: "failed", last_error: WITHHELD_REASON },
      { invite_id: A, status: "delivered", last_error: null },
      { invite_id: B, status: "pending", last_error: "Slack answered 404 no_service" },
      { invite_id: B, status: "delivered", last_error: null },
    ]);
    const withheld = (await sql.query<{ id: number }>("SELECT id FROM alert WHERE last_error = $1", [WITHHELD_REASON])).rows[0]!.id;
    expect((await cli(["alerts", "retry", String(withheld)])).code).toBe(0);
    expect((await alerts())[0]).toMatchObject({ invite_id: A, status: "pending" });
  });

  it("is idempotent: an id already untracked is reported and left as it was", async () => {
    await insertInvite(A);
    await insertInvite(B);
    await cli(["untrack", A], undefined, { clock: () => new Date("2026-11-28T10:00:00Z") });
    const again = await cli(["untrack", A, B, A, "--json"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ untracked: [B], alreadyUntracked: [A], alertsWithheld: 1 });
    expect((await rows()).map((r) => r.untracked_at)).toEqual([new Date("2026-11-28T10:00:00Z"), new Date(NOW)]);
  });

  it.each([
    { name: "an unknown id", args: () => ["untrack", A, C], stderr: () => `invite-monitor: 1 id not tracked; nothing was changed:\n  ${C} is not tracked\n  (see: invite-monitor list --all)\n` },
    { name: "an invalid id", args: () => ["untrack", A, "nope"], stderr: () => 'invite-monitor: 1 invalid invite id; nothing was written:\n  argument 2: "nope" is not an invite id (expected 32 hexadecimal characters, e.g. 4f5f0c14a2a41d5063dd301b2f829f04)\n' },
    { name: "--yes without --purge", args: () => ["untrack", A, "--yes"], stderr: () => "invite-monitor: --yes confirms --purge; without --purge nothing is deleted, so there is nothing to confirm\n" },
    { name: "--purge of an unknown id", args: () => ["untrack", A, C, "--purge", "--yes"], stderr: () => `invite-monitor: 1 id not tracked; nothing was changed:\n  ${C} is not tracked\n  (see: invite-monitor list --all)\n` },
    { name: "no id at all", args: () => ["untrack"], stderr: () => "error: missing required argument 'ids'\n" },
  ])("$name is refused with a clear error, and nothing changes", async ({ args, stderr }) => {
    await insertInvite(A);
    const before = { rows: await rows(), alerts: await alerts(), counts: await counts() };
    const result = await cli(args());
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(stderr());
    expect({ rows: await rows(), alerts: await alerts(), counts: await counts() }).toEqual(before);
  });

  it("track brings an untracked invite back, due now, with its history; a final one stays unpolled", async () => {
    await insertInvite(A);
    await insertInvite(C, "accepted");
    await cli(["untrack", A, C]);
    const later = new Date("2026-11-28T13:00:00Z");
    const result = await cli(["track", A, C], undefined, { clock: () => later });
    expect(result.stdout).toBe("Tracking 2 invites: 0 added, 0 already tracked, 2 tracked again.\n");
    expect(await rows()).toEqual([
      { id: A, active: true, untracked_at: null, next_check_at: later },
      { id: C, active: false, untracked_at: null, next_check_at: later },
    ]);
    expect(await counts()).toEqual({ invites: 2, snapshots: 2, alerts: 4 });
  });
});

describe("untrack --purge", () => {
  it("--yes deletes the invites, their snapshots and their alerts, and nothing else", async () => {
    await insertInvite(A);
    await insertInvite(B);
    await insertInvite(C);
    const result = await cli(["untrack", A, B, "--purge", "--yes"]);
    expect(result).toEqual({ code: 0, stderr: "", stdout: "Deleted 2 invites, 2 snapshots and 4 alerts.\n" });
    expect(await counts()).toEqual({ invites: 1, snapshots: 1, alerts: 2 });
    expect((await rows()).map((r) => r.id)).toEqual([C]);
  });

  it("asks on a terminal, and deletes only on yes", async () => {
    await insertInvite(A);
    const declined = await cli(["untrack", A, "--purge"], undefined, { typed: "n\n" });
    expect(declined).toEqual({ code: 1, stdout: "", stderr: "Delete 1 invite, 1 snapshot and 2 alerts? This cannot be undone. [y/N] invite-monitor: not confirmed: nothing was deleted\n" });
    expect(await counts()).toEqual({ invites: 1, snapshots: 1, alerts: 2 });
    const silent = await cli(["untrack", A, "--purge"], undefined, { typed: "" });
    expect(silent.code).toBe(1);
    expect(await counts()).toEqual({ invites: 1, snapshots: 1, alerts: 2 });

    const confirmed = await cli(["untrack", A, "--purge", "--json"], undefined, { typed: "yes\n" });
    expect(confirmed.code).toBe(0);
    expect(JSON.parse(confirmed.stdout)).toEqual({ purged: [A], invites: 1, snapshots: 1, alerts: 2 });
    expect(await counts()).toEqual({ invites: 0, snapshots: 0, alerts: 0 });
  });

  it("refuses to delete without a terminal to ask on, unless --yes", async () => {
    await insertInvite(A);
    const result = await cli(["untrack", A, "--purge"], "y\n");
    expect(result).toEqual({ code: 1, stdout: "", stderr: "invite-monitor: --purge would delete 1 invite, 1 snapshot and 2 alerts for good; confirm on a terminal, or pass --yes. Nothing was deleted.\n" });
    expect(await counts()).toEqual({ invites: 1, snapshots: 1, alerts: 2 });
  });
});

// What the CLI prints: tables free of terminal escapes whatever the rows hold, JSON exact, all-or-nothing
// `alerts retry`, and numeric options parsed by commander in decimal only.
import { Readable } from "node:stream";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { makeManualClock } from "../../src/lib/clock.js";
import { inviteId } from "../helpers/harness.js";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.js";

const NOW = "2026-11-28T12:00:00.000Z";
const ESC = "\u001b";
/** Anything a terminal would act on rather than show; a newline ends a line of output and is allowed. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

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

async function cli(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stdin: Object.assign(Readable.from([]), { isTTY: true }),
    env: { DATABASE_URL: database.url },
    clock: makeManualClock(NOW),
  });
  return { code, stdout, stderr };
}

/** Rows as an older version, a direct SQL write or Cloudflare itself could have left them. */
const HOSTILE = {
  label: `${ESC}[2J${ESC}[HAlice${ESC}]0;pwned\u0007`,
  apiStatus: `pending${ESC}[8m`,
  lastError: `HTTP 500: ${ESC}]8;;https://evil.example${ESC}\\click here${ESC}]8;;${ESC}\\\u009b31m\rboom\u0085`,
  organization: `Evil${ESC}[31m Org\u0007`,
  email: `x@example.com${ESC}[1A${ESC}[2K`,
};

async function insertInvite(id: string): Promise<void> {
  await sql.query(
    `INSERT INTO tracked_invite (id, label, added_at, next_check_at, api_status, effective_status, consecutive_failures, last_error, organization_name, invited_member_email)
     VALUES ($1, $2, $3, $3, $4, 'pending', 2, $5, $6, $7)`,
    [id, HOSTILE.label, NOW, HOSTILE.apiStatus, HOSTILE.lastError, HOSTILE.organization, HOSTILE.email],
  );
}

async function insertAlert(status: "pending" | "delivered" | "failed", lastError: string | null = null): Promise<number> {
  const content = { kind: "accepted", inviteId: null, label: HOSTILE.label, organizationName: HOSTILE.organization, invitedMemberEmail: HOSTILE.email };
  const { rows } = await sql.query<{ id: number }>(
    `INSERT INTO alert (dedup_key, kind, content, status, created_at, attempts, next_attempt_at, delivered_at, failed_at, last_error)
     VALUES (gen_random_uuid()::text, 'accepted', $1, $2, $3, 3, $3, $4, $5, $6) RETURNING id`,
    [JSON.stringify(content), status, NOW, status === "delivered" ? NOW : null, status === "failed" ? NOW : null, lastError],
  );
  return rows[0]!.id;
}

const statuses = async () => (await sql.query<{ id: number; status: string }>("SELECT id, status::text FROM alert ORDER BY id")).rows;

describe("tables on a terminal", () => {
  it("list strips escape sequences and controls from labels, Cloudflare's status and the last error; --json keeps them exact", async () => {
    const id = inviteId(1);
    await insertInvite(id);
    const table = await cli(["list"]);
    expect(table.code).toBe(0);
    expect(table.stdout).not.toMatch(CONTROL);
    expect(table.stdout).toMatch(new RegExp(`${id}\\s+Alice\\s+pending\\s+pending\\s`));
    expect(table.stdout).toContain("2: HTTP 500: click here boom");
    expect(table.stdout).not.toContain("pwned");

    const json = JSON.parse((await cli(["list", "--json"])).stdout) as Array<Record<string, unknown>>;
    expect(json[0]).toMatchObject({ label: HOSTILE.label, apiStatus: HOSTILE.apiStatus, lastError: HOSTILE.lastError, organizationName: HOSTILE.organization, invitedMemberEmail: HOSTILE.email });
  });

  it("history strips them from the values Cloudflare sent (organization name, email)", async () => {
    const id = inviteId(2);
    await insertInvite(id);
    const changes = [
      { field: "organizationName", old: "Org", new: HOSTILE.organization },
      { field: "invitedMemberEmail", old: null, new: HOSTILE.email },
    ];
    await sql.query(
      `INSERT INTO snapshot (invite_id, observed_at, api_status, effective_status, changed_fields, changes, first)
       VALUES ($1, '2026-11-28T11:00:00Z', 'pending', 'pending', '{}', '[]', true),
              ($1, '2026-11-28T12:00:00Z', $2, 'pending', '{organizationName,invitedMemberEmail}', $3, false)`,
      [id, HOSTILE.apiStatus, JSON.stringify(changes)],
    );
    const history = await cli(["history", id]);
    expect(history.code).toBe(0);
    expect(history.stdout).not.toMatch(CONTROL);
    // Field names as a person reads them; --json keeps the stored names.
    expect(history.stdout).toContain("2026-11-28 12:00Z  organization: Org → Evil Org; email: (none) → x@example.com\n");
    const json = JSON.parse((await cli(["history", id, "--json"])).stdout) as Array<{ changes: unknown }>;
    expect(json[1]?.changes).toEqual(changes);
  });

  it("alerts strips them from the last error; --json keeps the error and the alert content exact", async () => {
    await insertAlert("failed", HOSTILE.lastError);
    const table = await cli(["alerts"]);
    expect(table.code).toBe(0);
    expect(table.stdout).not.toMatch(CONTROL);
    expect(table.stdout).toMatch(/accepted\s+failed\s+-\s+2026-11-28 12:00Z\s+2026-11-28 12:00Z\s+3\s+HTTP 500: click here boom\n$/);
    const json = JSON.parse((await cli(["alerts", "--json"])).stdout) as Array<{ lastError: string; content: Record<string, unknown> }>;
    expect(json[0]?.lastError).toBe(HOSTILE.lastError);
    expect(json[0]?.content).toMatchObject({ label: HOSTILE.label, organizationName: HOSTILE.organization, invitedMemberEmail: HOSTILE.email });
  });
});

describe("error lines on a terminal", () => {
  it.each([
    { name: "an 8-bit CSI in an invite id argument", args: ["history", "\u009b2J\u009b31mnot-an-id"], expected: "is not an invite id" },
    { name: "an escape sequence in a file name", args: ["track", "--file", `/nonexistent/${ESC}[2J${ESC}]0;title\u0007ids.txt`], expected: "invite-monitor: cannot read /nonexistent/ids.txt (ENOENT)\n" },
    { name: "an escape sequence echoed by commander", args: ["alerts", "--status", `${ESC}[31mred`], expected: "error: option '--status <status>' argument 'red' is invalid." },
  ])("$name is stripped", async ({ args, expected }) => {
    const result = await cli(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(expected);
    expect(result.stderr).not.toMatch(CONTROL);
  });
});

describe("alerts retry", () => {
  it("names an unknown id and changes nothing", async () => {
    const failed = await insertAlert("failed");
    const before = await statuses();
    const result = await cli(["alerts", "retry", String(failed), "999999"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("invite-monitor: only failed alerts can be retried; nothing was changed:\n  alert 999999 does not exist\n  (see: invite-monitor alerts --status failed)\n");
    expect(await statuses()).toEqual(before);
  });

  it("refuses an alert that exists but is not failed, saying what it is, and changes nothing", async () => {
    const failed = await insertAlert("failed");
    const delivered = await insertAlert("delivered");
    const pending = await insertAlert("pending");
    const before = await statuses();
    const result = await cli(["alerts", "retry", String(failed), String(delivered), String(pending)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`  alert ${delivered} is delivered, not failed (it was sent)\n`);
    expect(result.stderr).toContain(`  alert ${pending} is pending, not failed (it is already queued)\n`);
    expect(await statuses()).toEqual(before);
  });

  it("queues failed alerts given by id (a repeated id once), due now", async () => {
    const a = await insertAlert("failed");
    const b = await insertAlert("failed");
    const untouched = await insertAlert("failed");
    const result = await cli(["alerts", "retry", String(a), String(b), String(a)]);
    expect(result).toMatchObject({ code: 0, stderr: "", stdout: "2 failed alerts queued for delivery again.\n" });
    const rows = (await sql.query("SELECT id, status::text, next_attempt_at, failed_at FROM alert ORDER BY id")).rows;
    expect(rows).toEqual([
      { id: a, status: "pending", next_attempt_at: new Date(NOW), failed_at: null },
      { id: b, status: "pending", next_attempt_at: new Date(NOW), failed_at: null },
      { id: untouched, status: "failed", next_attempt_at: new Date(NOW), failed_at: new Date(NOW) },
    ]);
  });

  it("--failed queues every failed alert, and refuses ids beside it", async () => {
    const a = await insertAlert("failed");
    await insertAlert("delivered");
    expect(await cli(["alerts", "retry", "--failed", String(a)])).toMatchObject({ code: 1, stderr: "invite-monitor: give alert ids or --failed, not both\n" });
    expect(await cli(["alerts", "retry", "--failed"])).toMatchObject({ code: 0, stdout: "1 failed alert queued for delivery again.\n" });
    expect((await statuses()).map((r) => r.status)).toEqual(["pending", "delivered"]);
  });
});

describe("numeric options, decimal only", () => {
  it.each([
    { args: ["alerts", "--limit", "1e1"], error: "error: option '--limit <n>' argument '1e1' is invalid. Expected a whole number from 1 to 1000000.\n" },
    { args: ["alerts", "--limit", "0x2"], error: "error: option '--limit <n>' argument '0x2' is invalid. Expected a whole number from 1 to 1000000.\n" },
    { args: ["alerts", "--limit", " 2"], error: "error: option '--limit <n>' argument ' 2' is invalid. Expected a whole number from 1 to 1000000.\n" },
    { args: ["alerts", "--limit", "0"], error: "error: option '--limit <n>' argument '0' is invalid. Expected a whole number from 1 to 1000000.\n" },
    { args: ["simulate", "--port", "1e5"], error: "error: option '-p, --port <port>' argument '1e5' is invalid. Expected a whole number from 0 to 65535.\n" },
    { args: ["simulate", "--port", "0x10000"], error: "error: option '-p, --port <port>' argument '0x10000' is invalid. Expected a whole number from 0 to 65535.\n" },
    { args: ["simulate", "--invites", "1e9"], error: "error: option '--invites <n>' argument '1e9' is invalid. Expected a whole number from 0 to 1000000.\n" },
    { args: ["alerts", "retry", "0x1"], error: "error: command-argument value '0x1' is invalid for argument 'ids'. Expected a whole number from 1 to 2147483647.\n" },
  ])("$args is refused by commander", async ({ args, error }) => {
    expect(await cli(args)).toEqual({ code: 1, stdout: "", stderr: error });
  });

  it("--limit takes decimal digits", async () => {
    for (let i = 0; i < 3; i++) await insertAlert("delivered");
    const json = JSON.parse((await cli(["alerts", "--limit", "2", "--json"])).stdout) as unknown[];
    expect(json).toHaveLength(2);
  });
});

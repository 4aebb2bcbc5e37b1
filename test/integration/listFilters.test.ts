// `list --status`, `--expiring-within`, `--failing` and `--all`: a table of filters over rows in every state, each
// combination against the ids it must select. Invalid values are refused by name and print nothing.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliIn } from "../helpers/cli.js";
import { inviteId } from "../helpers/harness.js";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.js";

const HOUR = 3_600_000;
const NOW = new Date("2026-11-28T12:00:00.000Z");
const at = (ms: number) => new Date(NOW.getTime() + ms);

/** Every state a filter distinguishes, one invite each, added in this order. */
const ROWS = {
  soon: { status: "pending", expires: at(2 * HOUR) },
  later: { status: "pending", expires: at(72 * HOUR) },
  farFailing: { status: "pending", expires: at(240 * HOUR), failures: 2 },
  accepted: { status: "accepted", expires: at(HOUR), active: false },
  untrackedSoon: { status: "pending", expires: at(HOUR), untracked: true },
  unchecked: { status: null },
  notVisible: { status: null, notFound: true, failures: 1 },
  justExpired: { status: "expired", expires: at(-HOUR), active: false },
} as const;
type Name = keyof typeof ROWS;
const ID = Object.fromEntries(Object.keys(ROWS).map((name, i) => [name, inviteId(i + 1)])) as Record<Name, string>;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  let i = 0;
  for (const [name, row] of Object.entries(ROWS) as Array<[Name, (typeof ROWS)[Name] & { failures?: number; active?: boolean; untracked?: boolean; notFound?: boolean; expires?: Date }]>) {
    await sql.query(
      `INSERT INTO tracked_invite (id, label, added_at, next_check_at, effective_status, api_status, expires_on, active, consecutive_failures, untracked_at, not_found_since)
       VALUES ($1, $2, $3, $3, $4::text::"EffectiveStatus", $4::text, $5, $6, $7, $8, $9)`,
      [ID[name], name, at(i++ * 1000 - HOUR), row.status, row.expires ?? null, (row.active ?? true) && !row.untracked, row.failures ?? 0, row.untracked ? NOW : null, row.notFound ? NOW : null],
    );
  }
  await sql.end();
});
afterAll(async () => database?.drop());

const cli = (args: string[]) => runCliIn({ DATABASE_URL: database.url }, args);
const names = (ids: string[]) => ids.map((id) => (Object.keys(ID) as Name[]).find((n) => ID[n] === id));

describe("list filters", () => {
  it.each<{ args: string[]; expected: Name[] }>([
    { args: [], expected: ["soon", "later", "farFailing", "accepted", "unchecked", "notVisible", "justExpired"] },
    { args: ["--all"], expected: ["soon", "later", "farFailing", "accepted", "untrackedSoon", "unchecked", "notVisible", "justExpired"] },
    { args: ["--status", "pending"], expected: ["soon", "later", "farFailing"] },
    { args: ["--status", "pending", "--all"], expected: ["soon", "later", "farFailing", "untrackedSoon"] },
    { args: ["--status", "accepted"], expected: ["accepted"] },
    { args: ["--status", "expired"], expected: ["justExpired"] },
    { args: ["--status", "unchecked"], expected: ["unchecked"] },
    { args: ["--status", "not-visible"], expected: ["notVisible"] },
    { args: ["--status", "gone"], expected: [] },
    // Only pending invites expire: the accepted one whose expires_on is an hour away is not "expiring".
    { args: ["--expiring-within", "24h"], expected: ["soon"] },
    { args: ["--expiring-within", "3d"], expected: ["soon", "later"] },
    { args: ["--expiring-within", "90m"], expected: [] },
    { args: ["--expiring-within", "90m", "--all"], expected: ["untrackedSoon"] },
    { args: ["--failing"], expected: ["farFailing", "notVisible"] },
    { args: ["--failing", "--status", "pending"], expected: ["farFailing"] },
    { args: ["--failing", "--expiring-within", "30d"], expected: ["farFailing"] },
  ])("list $args", async ({ args, expected }) => {
    const json = await cli(["list", "--json", ...args]);
    expect(json).toMatchObject({ code: 0, stderr: "" });
    expect(names((JSON.parse(json.stdout) as Array<{ id: string }>).map((i) => i.id))).toEqual(expected);
    // The table selects the same rows.
    const table = await cli(["list", ...args]);
    const shown = [...table.stdout.matchAll(/^([0-9a-f]{32})\s/gm)].map((m) => m[1]!);
    expect(names(shown)).toEqual(expected);
    if (expected.length === 0) expect(table.stdout).toBe("No invites match.\n");
  });

  it.each([
    { args: ["--status", "pendng"], error: "error: option '--status <status>' argument 'pendng' is invalid. Allowed choices are pending, accepted, rejected, expired, gone, unknown, unchecked, not-visible.\n" },
    { args: ["--expiring-within", "24"], error: "error: option '--expiring-within <duration>' argument '24' is invalid. Expected a duration with its unit, such as 24h, 7d or 90m.\n" },
    { args: ["--expiring-within", "0h"], error: "error: option '--expiring-within <duration>' argument '0h' is invalid. Expected a duration with its unit, such as 24h, 7d or 90m.\n" },
    { args: ["--expiring-within", "tomorrow"], error: "error: option '--expiring-within <duration>' argument 'tomorrow' is invalid. Expected a duration with its unit, such as 24h, 7d or 90m.\n" },
    { args: ["--failing=yes"], error: "error: unknown option '--failing=yes'\n" },
  ])("$args is refused, naming the option, and prints nothing", async ({ args, error }) => {
    const result = await cli(["list", ...args]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(error);
  });
});

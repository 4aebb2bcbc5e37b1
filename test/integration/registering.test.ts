import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCliIn } from "../helpers/cli.js";
import { recordObservations } from "../../src/polling/recordObservations.js";
import { createSqlPool } from "../../src/storage/sqlPool.js";
import { inviteFixture, inviteId } from "../helpers/harness.js";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.js";

const run = promisify(execFile);
let database: TestDatabase;
let dir: string;
beforeEach(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), "im-ids-"));
});
afterEach(async () => database.drop());

const cli = (args: string[], stdinText?: string) => runCliIn({ DATABASE_URL: database.url }, args, stdinText);

const A = "4F5F0C14A2A41D5063DD301B2F829F04";
const B = inviteId(2);

describe("invite-monitor track", () => {
  it("registers ids from arguments, a file and stdin, lower-cased, idempotently", async () => {
    const file = join(dir, "ids.txt");
    await writeFile(file, `# team invites\n${inviteId(3)} Alice in accounting\n\n${inviteId(4)}  # no label\n`);
    const first = await cli(["track", A, B, "--file", file]);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toContain("4 added, 0 already tracked");
    const fromStdin = await cli(["track", "-"], `${inviteId(5)}\n${B}\n`);
    expect(fromStdin.stdout).toContain("1 added, 1 already tracked");
    const again = await cli(["track", A, "--json"]);
    expect(JSON.parse(again.stdout)).toEqual({ added: [], alreadyTracked: [A.toLowerCase()], trackedAgain: [] });

    const rows = await database.db.trackedInvite.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.id, r.label])).toEqual([
      [inviteId(2), null],
      [inviteId(3), "Alice in accounting"],
      [inviteId(4), null],
      [inviteId(5), null],
      [A.toLowerCase(), null],
    ]);
  });

  it("acceptance 9: rejects a file with invalid ids, naming each line, and writes nothing", async () => {
    const file = join(dir, "bad.txt");
    await writeFile(file, `${inviteId(1)}\nnot-an-id\n${inviteId(2)}\n${"a".repeat(31)}\n`);
    const result = await cli(["track", inviteId(9), "--file", file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("2 invalid invite ids; nothing was written");
    expect(result.stderr).toContain(`${file} line 2: "not-an-id" is not an invite id (expected 32 hexadecimal characters`);
    expect(result.stderr).toContain(`${file} line 4:`);
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(await database.db.trackedInvite.count()).toBe(0);
  });

  it("rejects an invalid argument by position", async () => {
    const result = await cli(["track", inviteId(1), "xyz"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('argument 2: "xyz" is not an invite id');
    expect(await database.db.trackedInvite.count()).toBe(0);
  });
});

describe("invite-monitor list and history", () => {
  it("shows status, effective status, expiry and last check, as a table and as JSON", async () => {
    await cli(["track", B]);
    const schedule = { intervalMs: 900_000, jitter: 0, failureBackoffMs: 30_000, expiryThresholdsMs: [3_600_000], random: () => 0 };
    const fixture = inviteFixture(B, { expires_on: "2026-11-28T11:00:00Z" });
    const sql = createSqlPool(database.url, 1, () => {});
    await recordObservations(
      sql,
      [{
        inviteId: B,
        observation: {
          kind: "invite",
          payload: fixture,
          fields: {
            apiStatus: "pending", expiresOn: new Date("2026-11-28T11:00:00Z"), invitedMemberId: null, invitedMemberEmail: "x@example.com",
            organizationId: "o", organizationName: "Org", invitedBy: null, invitedOn: null, roles: [], twoFactorEnforced: null,
          },
        },
        now: new Date("2026-11-28T12:00:00Z"),
      }],
      schedule,
    );
    await sql.end();

    const table = await cli(["list"]);
    expect(table.stdout).toMatch(new RegExp(`${B}\\s+pending\\s+expired\\s+2026-11-28 11:00Z\\s+2026-11-28 12:00Z\\s+\\(final\\)`));
    const json = JSON.parse((await cli(["list", "--json"])).stdout) as Array<Record<string, unknown>>;
    expect(json[0]).toMatchObject({ id: B, apiStatus: "pending", effectiveStatus: "expired", expiresOn: "2026-11-28T11:00:00.000Z", lastCheckedAt: "2026-11-28T12:00:00.000Z" });

    const history = await cli(["history", B]);
    expect(history.stdout).toContain("2026-11-28 12:00Z  first observation: expired");
    const unknown = await cli(["history", inviteId(77)]);
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toContain("is not tracked");
  });
});

describe("the seed script", () => {
  const seed = (env: Record<string, string>, args: string[] = []) =>
    run("npx", ["tsx", "prisma/seed.ts", ...args], { env: { ...process.env, DATABASE_URL: database.url, ...env } }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it("seeds from INVITE_IDS and a file, idempotently", async () => {
    const file = join(dir, "seed.txt");
    await writeFile(file, `${inviteId(3)} Bob\n`);
    const first = await seed({ INVITE_IDS: `${inviteId(1)}, ${inviteId(2)}`, INVITE_IDS_FILE: file });
    expect(first.stdout).toContain("Seeded 3 invites: 3 added, 0 already tracked.");
    const second = await seed({ INVITE_IDS: inviteId(1) }, ["--file", file]);
    expect(second.stdout).toContain("Seeded 2 invites: 0 added, 2 already tracked.");
    expect(await database.db.trackedInvite.count()).toBe(3);
  });

  it("acceptance 9: names the bad line of the seed file and writes nothing", async () => {
    const file = join(dir, "seed.txt");
    await writeFile(file, `${inviteId(3)}\n\n# comment\nZZZ5f0c14a2a41d5063dd301b2f829f04\n`);
    const result = await seed({ INVITE_IDS: inviteId(1), INVITE_IDS_FILE: file });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file} line 4: "ZZZ5f0c14a2a41d5063dd301b2f829f04" is not an invite id`);
    expect(await database.db.trackedInvite.count()).toBe(0);
  });
});

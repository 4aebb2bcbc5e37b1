// Labels are plain text of at most 200 characters, by one rule wherever they come from: --label, a file, stdin, or
// the seed script (which registers through the same code as `track`). A refused label names its source and
// nothing is written.
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runCliIn, useCliFixtures } from "../helpers/cli.js";
import { inviteId } from "../helpers/harness.js";
import { createTestDatabase } from "../helpers/testDatabase.js";

const run = promisify(execFile);
const ESC = "\u001b";
const A = inviteId(10);
const B = inviteId(11);

const fixtures = useCliFixtures("labels");
const cli = (args: string[], stdinText?: string) => runCliIn({ DATABASE_URL: fixtures.database().url }, args, stdinText);

const rows = () => fixtures.database().db.trackedInvite.findMany({ orderBy: { id: "asc" }, select: { id: true, label: true } });

describe("track --label", () => {
  it("takes 200 characters", async () => {
    const result = await cli(["track", A, B, "--label", "L".repeat(200)]);
    expect(result).toMatchObject({ code: 0, stdout: "Tracking 2 invites: 2 added, 0 already tracked.\n" });
    expect(await rows()).toEqual([{ id: A, label: "L".repeat(200) }, { id: B, label: "L".repeat(200) }]);
  });

  it("refuses 201 characters, as a label in a file is refused, and writes nothing", async () => {
    const result = await cli(["track", A, "--label", "L".repeat(201)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("invite-monitor: 1 invalid invite id; nothing was written:\n  --label: the label is 201 characters long (at most 200)\n");
    expect(await rows()).toEqual([]);
  });

  it.each([
    { name: "a colour", label: `${ESC}[31mURGENT${ESC}[0m`, code: "U+001B, an escape sequence" },
    { name: "an OSC window title", label: `${ESC}]0;owned\u0007Alice`, code: "U+001B, an escape sequence" },
    { name: "an 8-bit CSI", label: "\u009b2JAlice", code: "U+009B" },
    { name: "a newline", label: "Alice\nBob", code: "U+000A" },
  ])("refuses $name, and writes nothing", async ({ label, code }) => {
    const result = await cli(["track", A, "--label", label]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`  --label: the label contains a control character (${code}); labels are plain text`);
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(await rows()).toEqual([]);
  });

  it("refuses --label with no id arguments to put it on, rather than dropping it", async () => {
    const path = join(fixtures.dir(), "plain.txt");
    await writeFile(path, `${A}\n`);
    const result = await cli(["track", "--file", path, "--label", "on-call"]);
    expect(result).toMatchObject({ code: 1, stderr: "invite-monitor: --label labels the ids given as arguments; in a file or on stdin, write the label after the id\n" });
    expect(await rows()).toEqual([]);
  });
});

describe("labels with control characters in files and on stdin", () => {
  it("names each line that has one (ids.txt line 4: ...), and writes nothing", async () => {
    const path = join(fixtures.dir(), "ids.txt");
    await writeFile(path, `# team\n${A} Alice\n\n${B} ${ESC}[2J${ESC}[HBob\n${inviteId(12)} Carol\u0007\n${inviteId(13)} Dan\u0085\n`);
    const result = await cli(["track", "--file", path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("3 invalid invite ids; nothing was written:\n");
    expect(result.stderr).toContain(`  ${path} line 4: the label contains a control character (U+001B, an escape sequence); labels are plain text\n`);
    expect(result.stderr).toContain(`  ${path} line 5: the label contains a control character (U+0007); labels are plain text\n`);
    expect(result.stderr).toContain(`  ${path} line 6: the label contains a control character (U+0085); labels are plain text\n`);
    expect(await rows()).toEqual([]);
  });

  it("names the line on stdin, and writes nothing", async () => {
    const result = await cli(["track", "-"], `${A} ok\n${B} ${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\\n`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("  stdin line 2: the label contains a control character (U+001B, an escape sequence)");
    expect(await rows()).toEqual([]);
  });

  it("still reads tabs as the space between an id and its label", async () => {
    const result = await cli(["track", "-"], `${A}\tAlice\t(SRE)\n`);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(await rows()).toEqual([{ id: A, label: "Alice (SRE)" }]);
  });
});

describe("the seed script registers through the same code as track", () => {
  const seed = (env: Record<string, string>) =>
    run(process.execPath, ["--import", "tsx", "prisma/seed.ts"], { env: { ...process.env, DATABASE_URL: fixtures.database().url, ...env } }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it("refuses a label with an escape sequence in INVITE_IDS_FILE, naming the line, and writes nothing", async () => {
    const path = join(fixtures.dir(), "seed.txt");
    await writeFile(path, `${A} fine\n${B} ${ESC}[31mred\n`);
    const result = await seed({ INVITE_IDS: inviteId(12), INVITE_IDS_FILE: path });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`seed: 1 invalid invite id; nothing was written:\n  ${path} line 2: the label contains a control character (U+001B, an escape sequence); labels are plain text\n`);
    expect(await rows()).toEqual([]);
  }, 30_000);

  it("reports a database that is not migrated as track does, in one line", async () => {
    const bare = await createTestDatabase({ migrated: false });
    try {
      const result = await seed({ INVITE_IDS: A, DATABASE_URL: bare.url });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^seed: the database is not migrated \(table tracked_invite is missing\); run: invite-monitor migrate .*\n$/);
    } finally {
      await bare.drop();
    }
  }, 30_000);
});

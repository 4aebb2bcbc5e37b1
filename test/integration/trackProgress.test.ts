// `track` over a large file: progress on a terminal and a summary at the end, nothing of it on a pipe or with
// --json. And routing: `track --channel` and the seed file's channel column set each invite's Slack channel.
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runCliIn, useCliFixtures } from "../helpers/cli.js";
import { inviteId } from "../helpers/harness.js";

const run = promisify(execFile);
const fixtures = useCliFixtures("progress");
const cli = (args: string[], options: { tty?: boolean } = {}) => runCliIn({ DATABASE_URL: fixtures.database().url }, args, undefined, { stdoutIsTTY: options.tty });
const channels = async () =>
  Object.fromEntries((await fixtures.database().db.trackedInvite.findMany({ select: { id: true, slackChannel: true } })).map((r) => [r.id, r.slackChannel]));

/** 40,000 ids with labels: 1.8 MiB, so reading reports progress, and eight chunks are written. */
async function bigFile(): Promise<string> {
  const path = join(fixtures.dir(), "big.txt");
  await writeFile(path, Array.from({ length: 40_000 }, (_, i) => `${inviteId(i + 1)} invitee ${i + 1}\n`).join(""));
  return path;
}

describe("track progress", () => {
  it("on a terminal, shows reading and writing progress on one line, then a summary", async () => {
    const file = await bigFile();
    const result = await cli(["track", "--file", file], { tty: true });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const updates = result.stdout.split("\r").slice(1, -1).map((u) => (u.endsWith("\u001b[K") ? u.slice(0, -3) : u));
    expect(updates[0]).toBe(`reading ${file}: 1.0 of 1.8 MiB (56%), 22546 ids`);
    expect(updates).toContain(`reading ${file}: 1.8 of 1.8 MiB (100%), 40000 ids`);
    expect(updates.filter((u) => u.startsWith("writing: "))).toEqual([
      "writing: 5000 of 40000 invites (12%)", "writing: 10000 of 40000 invites (25%)", "writing: 15000 of 40000 invites (37%)", "writing: 20000 of 40000 invites (50%)",
      "writing: 25000 of 40000 invites (62%)", "writing: 30000 of 40000 invites (75%)", "writing: 35000 of 40000 invites (87%)", "writing: 40000 of 40000 invites (100%)",
    ]);
    // The line is cleared before the summary, which is ordinary text.
    expect(result.stdout.endsWith(`\r\u001b[KRead ${file}: 1.8 MiB, 40000 distinct ids.\nTracking 40000 invites: 40000 added, 0 already tracked.\n`)).toBe(true);
  });

  it("on a pipe, prints the summary only", async () => {
    const file = await bigFile();
    expect(await cli(["track", "--file", file])).toEqual({ code: 0, stderr: "", stdout: "Tracking 40000 invites: 40000 added, 0 already tracked.\n" });
  });

  it("with --json, prints the JSON only, even on a terminal", async () => {
    const file = await bigFile();
    const result = await cli(["track", "--file", file, "--json"], { tty: true });
    expect(result.stdout).not.toContain("\r");
    expect(JSON.parse(result.stdout)).toMatchObject({ alreadyTracked: [], trackedAgain: [] });
  });

  it("a small input shows no progress on a terminal: there is nothing to wait for", async () => {
    expect(await cli(["track", inviteId(1)], { tty: true })).toEqual({ code: 0, stderr: "", stdout: "Tracking 1 invite: 1 added, 0 already tracked.\n" });
  });
});

describe("track --channel and the channel column", () => {
  const [A, B, C] = [inviteId(0xa), inviteId(0xb), inviteId(0xc)];

  it("sends the given ids' cards to a channel, keeps it when tracked again without one, and 'default' undoes it", async () => {
    expect((await cli(["track", A, B, "--channel", "C0123ABCD"])).stdout).toBe("Tracking 2 invites: 2 added, 0 already tracked.\nSlack cards: 2 to C0123ABCD.\n");
    await cli(["track", A, C]);
    expect(await channels()).toEqual({ [A]: "C0123ABCD", [B]: "C0123ABCD", [C]: null });
    expect((await cli(["track", A, "--channel", "default"])).stdout).toContain("Slack cards: 1 to SLACK_CHANNEL.");
    expect(await channels()).toEqual({ [A]: null, [B]: "C0123ABCD", [C]: null });
  });

  it("reads a channel column in a file; a line's own channel wins over --channel", async () => {
    const file = join(fixtures.dir(), "routed.txt");
    await writeFile(file, `${A} channel=G0PRIVATE1 Alice\n${B} Bob\n${C} channel=default\n`);
    const result = await cli(["track", "--file", file, "--channel", "C0TEAM0001"]);
    expect(result.stdout).toBe("Tracking 3 invites: 3 added, 0 already tracked.\nSlack cards: 1 to G0PRIVATE1, 1 to C0TEAM0001, 1 to SLACK_CHANNEL.\n");
    expect(await channels()).toEqual({ [A]: "G0PRIVATE1", [B]: "C0TEAM0001", [C]: null });
    expect((await fixtures.database().db.trackedInvite.findUniqueOrThrow({ where: { id: A } })).label).toBe("Alice");
  });

  it.each([
    { name: "a channel name", args: () => ["track", A, "--channel", "#general"], line: '  --channel: "#general" is not a Slack channel id' },
    { name: "a lower-case id", args: () => ["track", A, "--channel", "c0123abcd"], line: '  --channel: "c0123abcd" is not a Slack channel id' },
    { name: "a bad column", args: () => ["track", "--file", join(fixtures.dir(), "bad.txt")], line: `bad.txt line 2: channel: "eng-alerts" is not a Slack channel id` },
  ])("refuses $name, naming it, and writes nothing", async ({ args, line }) => {
    await writeFile(join(fixtures.dir(), "bad.txt"), `${A}\n${B} channel=eng-alerts Bob\n`);
    const result = await cli(args());
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(line);
    expect(result.stderr).toContain("; nothing was written:");
    expect(result.stderr).toContain("(expected an id such as C0123ABCD");
    expect(await fixtures.database().db.trackedInvite.count()).toBe(0);
  });

  it("the seed script reads the same column", async () => {
    const file = join(fixtures.dir(), "seed.txt");
    await writeFile(file, `${A} channel=C0SEEDED01 Seeded\n${B}\n`);
    const { stdout } = await run(process.execPath, ["--import", "tsx", "prisma/seed.ts", "--file", file], { env: { PATH: process.env.PATH ?? "", DATABASE_URL: fixtures.database().url } });
    expect(stdout).toBe("Seeded 2 invites: 2 added, 0 already tracked.\n");
    expect(await channels()).toEqual({ [A]: "C0SEEDED01", [B]: null });
  });
});

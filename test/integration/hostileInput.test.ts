// Issue 5, "bad input": hostile files and streams given to `invite-monitor track` and to the seed script. Each gives
// a clear report (exit code, and a message naming the problem or the counts), writes nothing when the input is
// invalid, and holds memory well below the size of what it was handed.
import { execFile, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { useCliFixtures } from "../helpers/cli.js";
import { runCli } from "../../src/cli/program.js";
import { makeManualClock } from "../../src/lib/clock.js";
import { inviteId } from "../helpers/harness.js";

const run = promisify(execFile);
const MiB = 1024 * 1024;
/** src/cli/readIdSources.ts reads at most this much of a file or stream. */
const LIMIT = 64 * MiB;
const HUGE = 100 * MiB;
const A = "4f5f0c14a2a41d5063dd301b2f829f04";
const B = inviteId(2);
const C = "abcdefabcdefabcdefabcdefabcdef01";

const fixtures = useCliFixtures("hostile");

type Stdin = NodeJS.ReadableStream & { isTTY?: boolean };
async function cli(args: string[], stdin: Stdin = Object.assign(Readable.from([]), { isTTY: true })) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stdin,
    env: { DATABASE_URL: fixtures.database().url },
    clock: makeManualClock("2026-11-28T12:00:00Z"),
  });
  return { code, stdout, stderr };
}

const seed = (env: Record<string, string>, args: string[] = []) =>
  run(process.execPath, ["--import", "tsx", "prisma/seed.ts", ...args], { env: { ...process.env, DATABASE_URL: fixtures.database().url, ...env }, maxBuffer: 4 * MiB }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

const rows = () => fixtures.database().db.trackedInvite.findMany({ orderBy: { id: "asc" }, select: { id: true, label: true } });

/** A file of `mib` MiB of valid lines (one id, repeated), written 1 MiB at a time: never all in memory. */
async function bigIdFile(name: string, mib: number): Promise<string> {
  const path = join(fixtures.dir(), name);
  const line = `${A} a label\n`;
  const lines = line.repeat(Math.floor((MiB - 2) / line.length));
  const chunk = Buffer.from(`${lines}#${" ".repeat(MiB - lines.length - 2)}\n`);
  expect(chunk.length).toBe(MiB);
  const handle = await open(path, "w");
  try {
    for (let i = 0; i < mib; i += 1) await handle.write(chunk);
  } finally {
    await handle.close();
  }
  return path;
}

/** A stream of `size` bytes of id lines, counting what the reader actually pulled. */
function countingStream(size: number): { stream: Stdin; pulled: () => number } {
  const chunk = Buffer.from(`${A}\n`.repeat(Math.ceil(MiB / 33))).subarray(0, MiB);
  let pulled = 0;
  const stream = Object.assign(
    new Readable({
      read() {
        if (pulled >= size) return void this.push(null);
        pulled += chunk.length;
        this.push(chunk);
      },
    }),
    { isTTY: false },
  );
  return { stream, pulled: () => pulled };
}

describe("track --file with a 100 MB file", () => {
  it("refuses it before reading it, in bounded memory and time, naming the size and the limit, and writes nothing", async () => {
    const path = await bigIdFile("huge.txt", HUGE / MiB);
    const started = Date.now();
    const rssBefore = process.memoryUsage().rss;
    const result = await cli(["track", "--file", path]);
    const growth = process.memoryUsage().rss - rssBefore;

    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`invite-monitor: ${path} is 100 MiB; at most 64 MiB of ids is read\n`);
    expect(growth).toBeLessThan(50 * MiB);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await rows()).toEqual([]);
  });

  it("reads a file just under the limit", async () => {
    // The same content 1 MiB under the limit is read and parsed: the refusal above is about size, not content.
    const path = await bigIdFile("almost.txt", LIMIT / MiB - 1);
    const result = await cli(["track", "--file", path]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toBe("Tracking 1 invite: 1 added, 0 already tracked.\n");
    expect(await rows()).toEqual([{ id: A, label: "a label" }]);
  }, 30_000);

  it("refuses 100 MB on stdin after reading no more than the limit, and writes nothing", async () => {
    const { stream, pulled } = countingStream(HUGE);
    const result = await cli(["track"], stream);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("invite-monitor: stdin is larger than 64 MiB\n");
    expect(pulled()).toBeLessThanOrEqual(LIMIT + MiB);
    expect(await rows()).toEqual([]);
  });

  // A pipe has no size to stat: `track --file <(curl ...)`, `--file /dev/stdin`, a FIFO. The limit must still hold
  // while reading, as it does for stdin, instead of after the whole stream was loaded.
  it("refuses 100 MB from a named pipe after reading no more than the limit, and writes nothing", async () => {
    const fifo = join(fixtures.dir(), "ids.fifo");
    execFileSync("mkfifo", [fifo]);
    // The writer is a child process, so that a reader that never opens the pipe cannot block this one.
    const writerScript = `
      const fs = require("node:fs");
      const fd = fs.openSync(process.argv[1], "w");
      const chunk = Buffer.from(${JSON.stringify(`${A}\n`)}.repeat(31775)).subarray(0, ${MiB});
      let written = 0;
      try { while (written < ${HUGE}) written += fs.writeSync(fd, chunk); } catch { /* EPIPE: the reader stopped */ }
      process.stdout.write(String(written));`;
    const writer = spawn(process.execPath, ["-e", writerScript, fifo], { stdio: ["ignore", "pipe", "inherit"] });
    let written = "";
    writer.stdout.on("data", (d: Buffer) => (written += d.toString()));
    const exited = new Promise<void>((resolve) => writer.on("exit", () => resolve()));

    const rssBefore = process.memoryUsage().rss;
    const result = await cli(["track", "--file", fifo]);
    const growth = process.memoryUsage().rss - rssBefore;
    writer.kill();
    await exited;

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/64 MiB/);
    expect(await rows()).toEqual([]);
    const bytesRead = Number(written || 0);
    expect(bytesRead, `the reader took ${(bytesRead / MiB).toFixed(1)} MiB from the pipe (rss grew ${(growth / MiB).toFixed(0)} MiB)`).toBeLessThanOrEqual(LIMIT + 2 * MiB);
  }, 30_000);
});

describe("track with binary data", () => {
  it("refuses a file with NUL bytes as binary, naming the file, and writes nothing", async () => {
    const path = join(fixtures.dir(), "random.bin");
    await writeFile(path, Buffer.concat([Buffer.from(`${A}\n`), randomBytes(MiB), Buffer.from([0])]));
    const result = await cli(["track", "--file", path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`invite-monitor: ${path} looks binary (it contains NUL bytes); expected one invite id per line\n`);
    expect(await rows()).toEqual([]);
  });

  it("refuses a UTF-16 file (a BOM and NUL bytes) the same way", async () => {
    const path = join(fixtures.dir(), "utf16.txt");
    await writeFile(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${A}\r\n${B}\r\n`, "utf16le")]));
    const result = await cli(["track", "--file", path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("looks binary (it contains NUL bytes)");
    expect(await rows()).toEqual([]);
  });

  it("refuses NUL bytes on stdin", async () => {
    const result = await cli(["track", "-"], Object.assign(Readable.from([Buffer.from(`${A}\n\0\n`)]), { isTTY: false }));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("invite-monitor: stdin looks binary (it contains NUL bytes); expected one invite id per line\n");
    expect(await rows()).toEqual([]);
  });

  it("reports invalid UTF-8 without NUL bytes line by line, in a bounded report, and writes nothing", async () => {
    const path = join(fixtures.dir(), "latin.bin");
    // 5,000 lines of bytes that are not UTF-8, then one good id.
    const junk = Array.from({ length: 5_000 }, (_, i) => Buffer.from([0xff, 0xfe, 0x80 + (i % 64), 0xc3, 0x0a]));
    await writeFile(path, Buffer.concat([...junk, Buffer.from(`${A}\n`)]));
    const result = await cli(["track", "--file", path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("5000 invalid invite ids; nothing was written:");
    expect(result.stderr).toContain(`${path} line 1: "\ufffd\ufffd\ufffd\ufffd" is not an invite id`);
    expect(result.stderr).toContain("... and 4980 more");
    expect(result.stderr.length).toBeLessThan(10_000);
    expect(await rows()).toEqual([]);
  });

  it("names a path that is missing or a directory", async () => {
    const missing = await cli(["track", "--file", join(fixtures.dir(), "nope.txt")]);
    expect(missing).toMatchObject({ code: 1, stderr: `invite-monitor: cannot read ${join(fixtures.dir(), "nope.txt")} (ENOENT)\n` });
    const folder = join(fixtures.dir(), "a-directory");
    await mkdir(folder);
    const directory = await cli(["track", "--file", folder]);
    expect(directory).toMatchObject({ code: 1, stderr: `invite-monitor: cannot read ${folder} (EISDIR)\n` });
    expect(await rows()).toEqual([]);
  });
});

describe("track with duplicates, whitespace, tabs, CRLF and a BOM", () => {
  it("counts 10,000 copies of one id (in any case and spacing) as one invite", async () => {
    const path = join(fixtures.dir(), "dupes.txt");
    const variants = [A, A.toUpperCase(), ` ${A}`, `\t${A}\t`, `${A}\r`];
    await writeFile(path, Array.from({ length: 10_000 }, (_, i) => variants[i % variants.length]).join("\n"));
    const result = await cli(["track", "--file", path]);
    expect(result).toMatchObject({ code: 0, stderr: "", stdout: "Tracking 1 invite: 1 added, 0 already tracked.\n" });
    expect(await rows()).toEqual([{ id: A, label: null }]);
  });

  it("counts 10,000 lines of 100 distinct ids as 100 invites, and again as already tracked", async () => {
    const ids = Array.from({ length: 100 }, (_, i) => inviteId(1_000 + i));
    const path = join(fixtures.dir(), "hundred.txt");
    await writeFile(path, Array.from({ length: 10_000 }, (_, i) => ids[i % 100]).join("\r\n"));
    expect(await cli(["track", "--file", path])).toMatchObject({ code: 0, stdout: "Tracking 100 invites: 100 added, 0 already tracked.\n" });
    expect(await cli(["track", "--file", path])).toMatchObject({ code: 0, stdout: "Tracking 100 invites: 0 added, 100 already tracked.\n" });
    expect(await fixtures.database().db.trackedInvite.count()).toBe(100);
  });

  it("counts 10,000 duplicate arguments as one invite", async () => {
    const result = await cli(["track", ...Array.from({ length: 10_000 }, () => B)]);
    expect(result).toMatchObject({ code: 0, stdout: "Tracking 1 invite: 1 added, 0 already tracked.\n" });
    expect(await rows()).toEqual([{ id: B, label: null }]);
  });

  it("reads a file with a BOM, CRLF and CR line ends, tabs and surrounding spaces, and labels between tabs", async () => {
    const path = join(fixtures.dir(), "windows.txt");
    await writeFile(path, `\ufeff  ${A}\t Alice \t (SRE)  \r\n\t${B}\r\n\r\n  # a comment\r${C.toUpperCase()}\t\r\n`);
    const result = await cli(["track", "--file", path]);
    expect(result).toMatchObject({ code: 0, stderr: "", stdout: "Tracking 3 invites: 3 added, 0 already tracked.\n" });
    expect(await rows()).toEqual([
      { id: B, label: null },
      { id: A, label: "Alice (SRE)" },
      { id: C, label: null },
    ].sort((x, y) => (x.id < y.id ? -1 : 1)));
  });

  it("accepts arguments with surrounding whitespace or a BOM, and names an argument with an id inside other text", async () => {
    const good = await cli(["track", ` ${A} `, `\t${B}\r\n`, `\ufeff${C}`]);
    expect(good).toMatchObject({ code: 0, stdout: "Tracking 3 invites: 3 added, 0 already tracked.\n" });
    await fixtures.database().db.trackedInvite.deleteMany();
    const bad = await cli(["track", A, `${B} x`, `${C}\u200b`]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("2 invalid invite ids; nothing was written");
    expect(bad.stderr).toContain(`argument 2: "${B} x" is not an invite id`);
    expect(bad.stderr).toContain("argument 3:");
    expect(await rows()).toEqual([]);
  });

  it("rejects a label over 200 characters, and a line over 4 KiB, naming each line, and writes nothing", async () => {
    const path = join(fixtures.dir(), "long-label.txt");
    await writeFile(path, `${A} ok\n${B} ${"x".repeat(201)}\n${C} ${"x".repeat(10_000)}\n`);
    const result = await cli(["track", "--file", path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${path} line 2: the label is 201 characters long (at most 200)`);
    expect(result.stderr).toContain(`${path} line 3: the line is 10033 bytes long (at most 4096)`);
    expect(result.stderr.length).toBeLessThan(1_000);
    expect(await rows()).toEqual([]);
  });
});

describe("the seed script with hostile input", () => {
  it("refuses a 100 MB INVITE_IDS_FILE before reading it, and writes nothing", async () => {
    const path = await bigIdFile("seed-huge.txt", HUGE / MiB);
    const started = Date.now();
    const result = await seed({ INVITE_IDS: A, INVITE_IDS_FILE: path });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`seed: ${path} is 100 MiB; at most 64 MiB of ids is read`);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await rows()).toEqual([]);
  }, 30_000);

  it("refuses a binary --file, and writes nothing", async () => {
    const path = join(fixtures.dir(), "seed.bin");
    await writeFile(path, Buffer.concat([Buffer.from(`${A}\n`), randomBytes(64 * 1024), Buffer.from([0])]));
    const result = await seed({ INVITE_IDS: B }, ["--file", path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`seed: ${path} looks binary (it contains NUL bytes)`);
    expect(await rows()).toEqual([]);
  }, 30_000);

  it("seeds 13,000 duplicate ids (a file and INVITE_IDS) with tabs, CRLF and a BOM as the few distinct invites they are", async () => {
    const path = join(fixtures.dir(), "seed-windows.txt");
    await writeFile(path, `\ufeff${A}\tAlice\r\n${Array.from({ length: 10_000 }, () => `\t${B.toUpperCase()} \r\n`).join("")}`);
    // One environment string holds at most 128 KiB (Linux MAX_ARG_STRLEN): 3,000 ids is about 100 KiB.
    const inline = `\ufeff${Array.from({ length: 3_000 }, (_, i) => (i % 2 === 0 ? C : ` ${A}\t`)).join(",\r\n")}`;
    const result = await seed({ INVITE_IDS: inline, INVITE_IDS_FILE: path });
    expect(result).toMatchObject({ code: 0, stdout: "Seeded 3 invites: 3 added, 0 already tracked.\n" });
    expect(await rows()).toEqual([
      { id: B, label: null },
      { id: A, label: "Alice" },
      { id: C, label: null },
    ].sort((x, y) => (x.id < y.id ? -1 : 1)));
  }, 30_000);

  it("names the bad entry of INVITE_IDS among 3,000 and writes nothing", async () => {
    const inline = [...Array.from({ length: 2_999 }, () => A), "not-an-id"].join(" ");
    const result = await seed({ INVITE_IDS: inline });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('seed: 1 invalid invite id; nothing was written:\n  INVITE_IDS line 3000: "not-an-id" is not an invite id');
    expect(await rows()).toEqual([]);
  }, 30_000);
});

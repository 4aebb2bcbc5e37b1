// `track` streams its input, in the Docker image's memory (node --max-old-space-size=128): a 60 MB file that is one
// line is refused as one overlong line, and 100,000 ids are registered. The real CLI is spawned with that heap limit;
// where /usr/bin/time exists, the peak RSS is measured too.
import { spawn } from "node:child_process";
import { createReadStream, existsSync } from "node:fs";
import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.js";

const MiB = 1024 * 1024;
const TIME = "/usr/bin/time";
/**
 * Peak RSS allowed, in MiB. tsx and the Prisma runtime take about 150 before any input is read; 100,000 distinct ids
 * add about 80. Reading the whole 60 MB line, as the CLI once did, took 1.3 GB.
 */
const RSS_BUDGET_MIB = { oneLine: 220, ids: 320 };

let database: TestDatabase;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), "im-memory-"));
});
afterAll(async () => {
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size in MiB, when /usr/bin/time could measure it. */
  peakRssMib: number | null;
}

/** `node --import tsx src/cli/main.ts ...` under a 128 MB heap, optionally fed a file on stdin. */
function runCli(args: string[], stdinFile?: string): Promise<Run> {
  const node = [process.execPath, "--import", "tsx", "src/cli/main.ts", ...args];
  const timed = existsSync(TIME);
  const [command, ...rest] = timed ? [TIME, "-v", ...node] : node;
  const child = spawn(command!, rest, {
    env: { PATH: process.env.PATH ?? "", DATABASE_URL: database.url, NODE_OPTIONS: "--max-old-space-size=128" },
    stdio: [stdinFile ? "pipe" : "ignore", "pipe", "pipe"],
  });
  if (stdinFile) createReadStream(stdinFile).pipe(child.stdin!).on("error", () => {});
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    child.on("close", (code) => {
      if (!timed) return resolve({ code, stdout, stderr, peakRssMib: null });
      // time's report follows the command's own stderr.
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const own = stderr.replace(/(Command exited with non-zero status \d+\n)?\tCommand being timed:[\s\S]*$/, "");
      resolve({ code, stdout, stderr: own, peakRssMib: rss ? Math.round(Number(rss[1]) / 1024) : null });
    });
  });
}

function expectLittleMemory(run: Run, what: string, budgetMib: number): void {
  if (run.peakRssMib === null) return;
  // Reported on stderr, as the figure to watch when input handling changes.
  console.warn(`${what}: peak RSS ${run.peakRssMib} MiB`);
  expect(run.peakRssMib, `${what} peaked at ${run.peakRssMib} MiB`).toBeLessThan(budgetMib);
}

/** 60 MB of ids separated by spaces and no newline at all, as a list pasted onto one line. */
async function oneLineFile(): Promise<{ path: string; size: number }> {
  const path = join(dir, "one-line.txt");
  const words = Array.from({ length: Math.floor(MiB / 33) }, (_, i) => (i + 1).toString(16).padStart(32, "0")).join(" ");
  const chunk = Buffer.from(`${words}${" ".repeat(MiB - words.length)}`);
  const handle = await open(path, "w");
  try {
    for (let i = 0; i < 60; i++) await handle.write(chunk);
  } finally {
    await handle.close();
  }
  return { path, size: 60 * MiB };
}

const overlong = (source: string, size: number) =>
  `invite-monitor: 1 invalid invite id; nothing was written:\n  ${source} line 1: the line is ${size} bytes long (at most 4096); expected one invite id per line, with an optional label\n`;

describe("track under the Docker image's 128 MB heap", () => {
  it("refuses a 60 MB file that is one line, naming it, in little memory, and writes nothing", async () => {
    const { path, size } = await oneLineFile();
    const run = await runCli(["track", "--file", path]);
    expect(run.stderr).toBe(overlong(path, size));
    expect(run.code).toBe(1);
    expectLittleMemory(run, "60 MB one-line file", RSS_BUDGET_MIB.oneLine);
    expect(await database.db.trackedInvite.count()).toBe(0);
  }, 120_000);

  it("refuses the same on stdin", async () => {
    const { path, size } = await oneLineFile();
    const run = await runCli(["track", "-"], path);
    expect(run.stderr).toBe(overlong("stdin", size));
    expect(run.code).toBe(1);
    expect(await database.db.trackedInvite.count()).toBe(0);
  }, 120_000);

  it("registers a file of 100,000 ids with labels, then lists them", async () => {
    const path = join(dir, "100k.txt");
    await writeFile(path, Array.from({ length: 100_000 }, (_, i) => `${(i + 1).toString(16).padStart(32, "0")} team ${i % 7}\n`).join(""));
    const run = await runCli(["track", "--file", path]);
    expect(run).toMatchObject({ code: 0, stderr: "", stdout: "Tracking 100000 invites: 100000 added, 0 already tracked.\n" });
    expectLittleMemory(run, "100,000 ids", RSS_BUDGET_MIB.ids);
    expect(await database.db.trackedInvite.count()).toBe(100_000);
    expect(await database.db.trackedInvite.findUnique({ where: { id: (100_000).toString(16).padStart(32, "0") }, select: { label: true } })).toEqual({ label: "team 4" });

    const listed = await runCli(["list"]);
    expect(listed.code, listed.stderr.slice(0, 2000)).toBe(0);
    expect(listed.stderr).toBe("");
    expect(listed.stdout.split("\n")).toHaveLength(100_002);
  }, 180_000);
});

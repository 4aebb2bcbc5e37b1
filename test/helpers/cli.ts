import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { makeManualClock, type Clock } from "../../src/lib/clock.js";
import { createTestDatabase, type TestDatabase } from "./testDatabase.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** Default: fixed at 2026-11-28T12:00Z. */
  clock?: Clock;
  /** Whether stdout is a terminal (progress is shown only there). Default false. */
  stdoutIsTTY?: boolean;
  /** Typed on a terminal: stdin is a TTY that holds this text (a confirmation's answer). */
  typed?: string;
}

/**
 * One CLI invocation in this process: `stdinText` is piped in (none: stdin is a terminal, with `typed` on it), the
 * clock is fixed unless one is given.
 */
export async function runCliIn(env: Record<string, string>, args: string[], stdinText?: string, options: CliRunOptions = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const text = stdinText ?? options.typed;
  const stdin = Object.assign(Readable.from(text === undefined ? [] : [text]), { isTTY: stdinText === undefined });
  const code = await runCli(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stdin,
    stdoutIsTTY: options.stdoutIsTTY,
    env,
    clock: options.clock ?? makeManualClock("2026-11-28T12:00:00Z"),
  });
  return { code, stdout, stderr };
}

/**
 * A migrated database and a scratch folder shared by one test file, its invites deleted after each test: for
 * files of many short CLI tests, where a database per test would cost more than the tests.
 */
export function useCliFixtures(name: string): { database(): TestDatabase; dir(): string } {
  let database: TestDatabase | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), `im-${name}-`));
  });
  afterEach(async () => {
    await database?.db.trackedInvite.deleteMany();
  });
  afterAll(async () => {
    await database?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return { database: () => database!, dir: () => dir! };
}

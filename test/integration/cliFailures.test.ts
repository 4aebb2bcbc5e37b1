// A command that fails on its database prints one readable line saying what to check or run, never a stack trace,
// a Prisma invocation dump, or a secret. The real CLI is spawned, as an operator would run it.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inviteId } from "../helpers/harness.js";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.js";

const exec = promisify(execFile);
const DEAD = "postgresql://postgres@127.0.0.1:1/x";

/** `node --import tsx src/cli/main.ts ...` with only the environment given (and PATH, for npx inside migrate). */
async function spawnCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** One line, no stack frame, no Prisma dump. */
function expectOneReadableLine(stderr: string): void {
  expect(stderr.split("\n")).toHaveLength(2);
  expect(stderr.endsWith("\n")).toBe(true);
  expect(stderr).not.toMatch(/invocation|^\s+at |→|prisma\.|db\./m);
}

let bare: TestDatabase;
beforeAll(async () => {
  bare = await createTestDatabase({ migrated: false });
});
afterAll(async () => {
  await bare?.drop();
});

describe("a database the CLI cannot use", () => {
  it("list with DATABASE_URL on a dead port names DATABASE_URL", async () => {
    const result = await spawnCli(["list"], { DATABASE_URL: DEAD });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("invite-monitor: cannot reach Postgres at 127.0.0.1:1; check DATABASE_URL, and that Postgres is running\n");
    expectOneReadableLine(result.stderr);
  });

  it.each([
    { args: ["list"] },
    { args: ["alerts"] },
    { args: ["track", inviteId(1)] },
    { args: ["alerts", "retry", "1"] },
  ])("$args on a database without the tables says to migrate", async ({ args }) => {
    const result = await spawnCli(args, { DATABASE_URL: bare.url });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^invite-monitor: the database is not migrated \(table \S+ is missing\); run: invite-monitor migrate /);
    expectOneReadableLine(result.stderr);
  });

  it("migrate on a dead port names DATABASE_URL", async () => {
    const result = await spawnCli(["migrate"], { DATABASE_URL: DEAD });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("invite-monitor: cannot reach Postgres at 127.0.0.1:1 (ECONNREFUSED); check DATABASE_URL, and that Postgres is running\n");
  });
});

describe("secrets in CLI errors", () => {
  // The local server trusts every login, so the password is a value that also shows up in the error: the name of
  // the missing database. Any error text that contains a configured password must print it masked.
  const PASSWORD = "pw7Hq2xLsecretZ";

  it("a Postgres password from DATABASE_URL is masked when an error contains it (the config loaded)", async () => {
    const result = await spawnCli(["list"], { DATABASE_URL: `postgresql://postgres:${PASSWORD}@127.0.0.1:5432/${PASSWORD}` });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain(PASSWORD);
    expect(result.stderr).toBe(
      'invite-monitor: database "[redacted]" does not exist; create it and apply the migrations: run: invite-monitor migrate (npm run db:migrate, or docker compose run --rm migrate)\n',
    );
  });

  it("is masked too when the error comes before the config is read, by the same list from the raw environment", async () => {
    // `track` reads its input before it opens the config: this error is redacted by envSecrets(env).
    const result = await spawnCli(["track", "--file", `/nonexistent/${PASSWORD}/ids.txt`], {
      DATABASE_URL: `postgresql://postgres:${PASSWORD}@127.0.0.1:5432/x`,
      CLOUDFLARE_API_TOKEN: "tok-3f9a2b7c1d",
    });
    expect(result).toMatchObject({ code: 1, stderr: "invite-monitor: cannot read /nonexistent/[redacted]/ids.txt (ENOENT)\n" });
  });

  it("a percent-encoded password is masked in both spellings", async () => {
    const encoded = "s%40cret%2Fpw%3A42";
    const decoded = "s@cret/pw:42";
    const result = await spawnCli(["track", "--file", `/nonexistent/${decoded}/${encoded}`], { DATABASE_URL: `postgresql://postgres:${encoded}@127.0.0.1:5432/x` });
    expect(result).toMatchObject({ code: 1, stderr: "invite-monitor: cannot read /nonexistent/[redacted]/[redacted] (ENOENT)\n" });
  });
});

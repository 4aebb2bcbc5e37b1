import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { appServices, loadCompose, type ComposeFile } from "../helpers/composeFile.js";
import { freePort } from "../helpers/ownRedis.js";
import { waitUntil } from "../helpers/waitUntil.js";

const PASSWORDS = { POSTGRES_PASSWORD: "0b9f2c6e7d1a4b3c", REDIS_PASSWORD: "5d8e1f2a3b4c6d7e" };
const hasDockerCompose = spawnSync("docker-compose", ["version"], { stdio: "ignore" }).status === 0;

let cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "im-compose-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// CI installs Debian's docker-compose (v1.29) before the tests; a laptop with only `docker compose` skips these.
describe.skipIf(!hasDockerCompose)("docker-compose itself, on the README's `cp .env.example .env`", () => {
  /** `docker-compose config` in a copy of the deployment, so the repository's own .env is neither read nor written. */
  function composeConfig(env: Record<string, string>) {
    const dir = tempDir();
    copyFileSync("docker-compose.yml", join(dir, "docker-compose.yml"));
    copyFileSync(".env.example", join(dir, ".env"));
    return spawnSync("docker-compose", ["-f", join(dir, "docker-compose.yml"), "config"], { env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8" });
  }

  it("refuses to run without the passwords, naming the variable and where to set it", () => {
    const result = composeConfig({});
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/set (POSTGRES|REDIS)_PASSWORD in \.env \(see \.env\.example\)/);
  });

  it("with them, wires the same passwords into the services and the app's URLs as the YAML checks assume", () => {
    const result = composeConfig(PASSWORDS);
    expect(result.status, result.stderr).toBe(0);
    const real = parse(result.stdout) as ComposeFile;
    const ours = loadCompose(PASSWORDS);
    expect(real.services.postgres!.environment!.POSTGRES_PASSWORD).toBe(PASSWORDS.POSTGRES_PASSWORD);
    expect(real.services.redis!.command).toEqual(ours.services.redis!.command);
    expect(real.services.redis!.environment).toEqual(ours.services.redis!.environment);
    for (const [name, service] of appServices(ours)) {
      const { DATABASE_URL, REDIS_URL } = real.services[name]!.environment!;
      expect({ DATABASE_URL, REDIS_URL }).toEqual({ DATABASE_URL: service.environment!.DATABASE_URL, REDIS_URL: service.environment!.REDIS_URL });
    }
  });
});

describe("the compose Redis, run as a real redis-server", () => {
  it("refuses clients without the password; the healthcheck and the app's REDIS_URL get in", async () => {
    const compose = loadCompose(PASSWORDS);
    const redis = compose.services.redis!;
    const [binary, ...args] = redis.command!;
    expect(binary).toBe("redis-server");
    const port = await freePort();
    const dir = tempDir();
    // The compose arguments as they are; only where it listens and writes differs from the container.
    const server = spawn(binary!, [...args, "--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", ""], { stdio: "ignore" });
    const exited = new Promise((resolve) => server.once("exit", resolve));
    cleanups.push(() => server.kill("SIGKILL") && exited);

    // The healthcheck runs as written; a redis-cli shim points it at this port instead of 6379.
    const bin = join(dir, "bin");
    mkdirSync(bin);
    const realCli = execFileSync("sh", ["-c", "command -v redis-cli"], { encoding: "utf8" }).trim();
    writeFileSync(join(bin, "redis-cli"), `#!/bin/sh\nexec ${realCli} -p ${port} "$@"\n`);
    chmodSync(join(bin, "redis-cli"), 0o755);
    const [kind, script] = redis.healthcheck!.test;
    expect(kind).toBe("CMD-SHELL");
    const healthcheck = (env: Record<string, string>) => spawnSync("sh", ["-c", script!], { env: { PATH: `${bin}:${process.env.PATH ?? ""}`, ...env } }).status;
    // Healthy once it has started, as in the container; without the password it never is.
    await waitUntil(() => healthcheck(redis.environment!) === 0, 10_000);
    expect(healthcheck({})).not.toBe(0);

    const url = new URL(compose.services.monitor!.environment!.REDIS_URL!);
    url.host = `127.0.0.1:${port}`;
    const app = new Redis(url.toString(), { lazyConnect: true, maxRetriesPerRequest: 0 });
    const anonymous = new Redis(port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0 });
    anonymous.on("error", () => {});
    cleanups.push(() => app.disconnect(), () => anonymous.disconnect());
    expect(await app.ping()).toBe("PONG");
    await expect(anonymous.ping()).rejects.toThrow(/NOAUTH/);
  });
});

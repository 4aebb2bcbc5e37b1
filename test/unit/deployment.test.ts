import { IMAGE_RUNTIME } from "../../scripts/bench/imageRuntime.js";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { CliContext } from "../../src/cli/cliContext.js";
import { buildProgram } from "../../src/cli/program.js";
import { startHttpServer } from "../../src/http/startHttpServer.js";
import { makeManualClock } from "../../src/lib/clock.js";
import { appServices, loadCompose, parseEnvFile, type ComposeFile } from "../helpers/composeFile.js";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string>; bin: Record<string, string> };
/** Any two values do: the checks compare where they land, not what they are. */
const PASSWORDS = { POSTGRES_PASSWORD: "pg-5e1f0a", REDIS_PASSWORD: "redis-9c3b7d" };
const compose = loadCompose(PASSWORDS);
const dockerfile = readFileSync("Dockerfile", "utf8").replace(/\\\n/g, " ");
const program = buildProgram(new CliContext({ stdout: () => {}, stderr: () => {}, stdin: process.stdin, env: {}, clock: makeManualClock(0) }));

/** A file the build emits under dist/ comes from the same path under src/, as .ts. */
const builtFrom = (distPath: string) => distPath.replace(/^dist\//, "src/").replace(/\.js$/, ".ts");

/** Checks `invite-monitor <args>` names a real command, real options and allowed choices. */
function expectValidCliCall(args: string[]): void {
  const [name, ...rest] = args;
  const command = program.commands.find((c) => c.name() === name);
  expect(command, `invite-monitor has no command "${name}"`).toBeDefined();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith("--")) continue;
    const option = command!.options.find((o) => o.long === arg);
    expect(option, `"${name}" has no option ${arg}`).toBeDefined();
    const value = rest[i + 1];
    if (option!.argChoices && value) expect(option!.argChoices).toContain(value);
  }
}

describe("every command the deployment runs exists", () => {
  it("the Dockerfile's npm scripts are in package.json, and its entrypoint is built from src", () => {
    for (const [, script] of dockerfile.matchAll(/npm run ([\w:-]+)/g)) expect(pkg.scripts, `npm run ${script}`).toHaveProperty(script!);
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    expect(entrypoint[0]).toBe("node");
    const script = entrypoint.slice(1).find((arg) => !arg.startsWith("-"))!;
    expect(existsSync(builtFrom(script))).toBe(true);
    expect(builtFrom(pkg.bin["invite-monitor"]!)).toBe(builtFrom(script));
    expectValidCliCall(JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[]);
    // Every file the image copies in exists in the repository.
    for (const [, sources] of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const source of sources!.split(/\s+/)) expect(existsSync(source), `COPY ${source}`).toBe(true);
    }
  });

  it("node starts with the image's flags and environment (NODE_OPTIONS refuses most V8 flags, and the container with it)", async () => {
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    const flags = entrypoint.slice(1).filter((arg) => arg.startsWith("-"));
    const child = spawn(process.execPath, [...flags, "-e", "process.exit(0)"], { env: { PATH: process.env.PATH ?? "", ...imageEnv() }, stdio: "ignore" });
    expect(await new Promise((resolve) => child.once("exit", resolve))).toBe(0);
    expect(imageEnv()).toHaveProperty("NODE_OPTIONS");
  });

  it("the benchmarks of the built daemon run it as the image does: the same flags and memory settings", () => {
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    expect(IMAGE_RUNTIME.nodeArgs).toEqual(entrypoint.slice(1).filter((arg) => arg.startsWith("-")));
    const image = imageEnv();
    expect(IMAGE_RUNTIME.env).toEqual(Object.fromEntries(Object.entries(image).filter(([key]) => key === "NODE_OPTIONS" || key.startsWith("MALLOC_"))));
  });

  it("the HEALTHCHECK passes against the daemon's HTTP server, and fails against a server without its endpoint", async () => {
    const healthcheck = JSON.parse(/^HEALTHCHECK .* CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    expect(healthcheck[0]).toBe("node");
    const server = await startHttpServer({ host: "127.0.0.1", port: 0, registry: new Registry(), checks: {} });
    const notFound = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => notFound.listen(0, "127.0.0.1", resolve));
    try {
      expect(await runHealthcheck(healthcheck, new URL(server.url).port)).toBe(0);
      expect(await runHealthcheck(healthcheck, String((notFound.address() as AddressInfo).port))).not.toBe(0);
    } finally {
      await server.close();
      await new Promise((resolve) => notFound.close(resolve));
    }
  });

  it("each compose service built from this repository runs a real CLI command", () => {
    const services = appServices(compose);
    expect(services.map(([name]) => name).sort()).toEqual(["migrate", "monitor", "worker"]);
    for (const [, service] of services) expectValidCliCall(service.command ?? ["start"]);
  });

  it("the README's commands are npm scripts", () => {
    const readme = readFileSync("README.md", "utf8");
    for (const [, script] of readme.matchAll(/npm run ([\w:-]+)/g)) expect(pkg.scripts, `README: npm run ${script}`).toHaveProperty(script!);
  });
});

/** Runs the image's HEALTHCHECK command as the container would, with the daemon's port in HTTP_PORT. */
/** The runtime stage's ENV, as the container gets it. */
function imageEnv(): Record<string, string> {
  const runtime = dockerfile.slice(dockerfile.indexOf("AS runtime"));
  const line = /^ENV (.+)$/m.exec(runtime)![1]!;
  return Object.fromEntries([...line.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map(([, key, value]) => [key!, value!.replace(/^"|"$/g, "")]));
}

async function runHealthcheck(command: string[], port: string): Promise<number | null> {
  const child = spawn(process.execPath, command.slice(1), { env: { PATH: process.env.PATH ?? "", ...imageEnv(), HTTP_PORT: port }, stdio: "ignore" });
  return new Promise((resolve) => child.once("exit", resolve));
}

describe("the compose deployment's Postgres and Redis require passwords", () => {
  const postgres = () => compose.services.postgres!;
  const redis = () => compose.services.redis!;
  const requirepass = (c: ComposeFile) => {
    const command = c.services.redis!.command ?? [];
    return command.includes("--requirepass") ? command[command.indexOf("--requirepass") + 1] : undefined;
  };

  it("Postgres takes POSTGRES_PASSWORD and trusts no one without it", () => {
    expect(postgres().environment?.POSTGRES_PASSWORD).toBe(PASSWORDS.POSTGRES_PASSWORD);
    // No POSTGRES_HOST_AUTH_METHOD=trust, nor a pg_hba or -c option to the same effect.
    expect(JSON.stringify(postgres())).not.toMatch(/trust/);
  });

  it("Redis requires REDIS_PASSWORD, and its healthcheck authenticates with it", () => {
    expect(requirepass(compose)).toBe(PASSWORDS.REDIS_PASSWORD);
    expect(redis().environment?.REDISCLI_AUTH).toBe(PASSWORDS.REDIS_PASSWORD);
    expect(redis().healthcheck?.test.join(" ")).toMatch(/redis-cli ping/);
  });

  it("every app service connects with the same user, password, host and database as the services run", () => {
    for (const [name, service] of appServices(compose)) {
      const db = new URL(service.environment!.DATABASE_URL!);
      expect({ name, protocol: db.protocol, user: db.username, password: decodeURIComponent(db.password), host: db.hostname, port: db.port, database: db.pathname.slice(1) }).toEqual({
        name,
        protocol: "postgresql:",
        user: postgres().environment!.POSTGRES_USER,
        password: PASSWORDS.POSTGRES_PASSWORD,
        host: "postgres",
        port: "5432",
        database: postgres().environment!.POSTGRES_DB,
      });
      const queue = new URL(service.environment!.REDIS_URL!);
      expect({ name, protocol: queue.protocol, password: decodeURIComponent(queue.password), host: queue.hostname, port: queue.port }).toEqual({
        name,
        protocol: "redis:",
        password: PASSWORDS.REDIS_PASSWORD,
        host: "redis",
        port: "6379",
      });
    }
  });

  it.each([
    { missing: "POSTGRES_PASSWORD", env: { REDIS_PASSWORD: "x-redis" } },
    { missing: "REDIS_PASSWORD", env: { POSTGRES_PASSWORD: "x-postgres" } },
    { missing: "REDIS_PASSWORD", env: { POSTGRES_PASSWORD: "x-postgres", REDIS_PASSWORD: "" } },
  ])("without $missing, the file cannot be used, and says what to set", ({ missing, env }) => {
    expect(() => loadCompose(env)).toThrow(new RegExp(`^${missing}: set ${missing} in \\.env \\(see \\.env\\.example\\)$`));
  });

  it(".env.example shows both passwords but commits no usable one", () => {
    const example = parseEnvFile(".env.example");
    expect(example).toMatchObject({ POSTGRES_PASSWORD: "", REDIS_PASSWORD: "" });
    expect(() => loadCompose(example)).toThrow(/POSTGRES_PASSWORD/);
  });
});

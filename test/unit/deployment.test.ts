import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CliContext } from "../../src/cli/cliContext.js";
import { buildProgram } from "../../src/cli/program.js";
import { makeManualClock } from "../../src/lib/clock.js";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string>; bin: Record<string, string> };
const compose = parse(readFileSync("docker-compose.yml", "utf8"), { merge: true }) as { services: Record<string, { command?: string[]; build?: unknown; image?: string }> };
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
    expect(existsSync(builtFrom(entrypoint[1]!))).toBe(true);
    expect(builtFrom(pkg.bin["invite-monitor"]!)).toBe(builtFrom(entrypoint[1]!));
    expectValidCliCall(JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[]);
    // Every file the image copies in exists in the repository.
    for (const [, sources] of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const source of sources!.split(/\s+/)) expect(existsSync(source), `COPY ${source}`).toBe(true);
    }
  });

  it("the HEALTHCHECK asks the endpoint the daemon serves", () => {
    expect(dockerfile).toMatch(/HEALTHCHECK .*\/healthz/);
    expect(readFileSync("src/http/startHttpServer.ts", "utf8")).toContain('path === "/healthz"');
  });

  it("each compose service built from this repository runs a real CLI command", () => {
    const appServices = Object.entries(compose.services).filter(([, s]) => s.build !== undefined || s.image === "invite-monitor:local");
    expect(appServices.map(([name]) => name).sort()).toEqual(["migrate", "monitor", "worker"]);
    for (const [, service] of appServices) expectValidCliCall(service.command ?? ["start"]);
  });

  it("the README's commands are npm scripts", () => {
    const readme = readFileSync("README.md", "utf8");
    for (const [, script] of readme.matchAll(/npm run ([\w:-]+)/g)) expect(pkg.scripts, `README: npm run ${script}`).toHaveProperty(script!);
  });
});

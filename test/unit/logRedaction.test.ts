import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { captureLogs } from "../helpers/logCapture.js";

/** Secrets that JSON respells ("\"", "\\", "\n", "\t") or that are not ASCII: a password may hold any of them. */
const SECRETS = [
  { name: "a double quote", secret: 'pa"ss"word-1' },
  { name: "a backslash", secret: "C:\\temp\\key-2" },
  { name: "a newline and a tab", secret: "line-one\nline\ttwo" },
  { name: "non-ASCII", secret: "pässwörd-€-🔑-密码" },
];

/** The secret, and its spelling inside a JSON string: neither may appear in what is written. */
function expectNoSecret(text: string, secret: string): void {
  expect(text).not.toContain(secret);
  expect(text).not.toContain(JSON.stringify(secret).slice(1, -1));
}

describe("the logger masks secrets before a line is serialized", () => {
  it.each(SECRETS)("a secret with $name, in the message, nested fields, errors and bindings", ({ secret }) => {
    const { logger, lines, entries } = captureLogs([secret]);
    const withCause = Object.assign(new Error(`connect failed for ${secret}`, { cause: new Error(`auth: ${secret}`) }), { code: "E_AUTH", detail: { password: secret } });

    logger.info(`message ${secret}`);
    logger.debug({ nested: { deeper: [{ value: `x ${secret} y` }] } }, "nested");
    logger.error(new Error(`failed ${secret}`));
    logger.warn({ err: withCause }, "with cause");
    logger.child({ url: `postgresql://u:${secret}@db/x` }).info("child");
    // The template holds the secret's start, the argument its end.
    logger.info(`split ${secret.slice(0, 3)}%s!`, secret.slice(3));

    expect(lines).toHaveLength(6);
    for (const line of lines) expectNoSecret(line, secret);
    const [message, nested, error, cause, child, split] = entries() as Array<Record<string, unknown> & { msg: string }>;
    expect(message!.msg).toBe("message [redacted]");
    expect(nested).toMatchObject({ nested: { deeper: [{ value: "x [redacted] y" }] } });
    expect(error!.msg).toBe("failed [redacted]");
    expect(error!.err).toMatchObject({ type: "Error", message: "failed [redacted]", stack: expect.stringMatching(/^Error: failed \[redacted\]\n\s+at /) as unknown });
    expect(cause!.err).toMatchObject({ message: "connect failed for [redacted]: auth: [redacted]", code: "E_AUTH", detail: { password: "[redacted]" } });
    expect((cause!.err as { stack: string }).stack).toMatch(/caused by: Error: auth: \[redacted\]/);
    expect(child!.url).toBe("postgresql://u:[redacted]@db/x");
    expect(split!.msg).toBe("split [redacted]!");
  });

  it("keeps the redactor's guarantees: overlapping secrets masked as one span, short ones ignored", () => {
    const { logger, entries } = captureLogs(["abc\"def", "def\\ghi", "ab"]);
    logger.info({ value: 'abc"def\\ghi!', short: "ab" }, "ab");
    expect(entries()[0]).toMatchObject({ value: "[redacted]!", short: "ab", msg: "ab" });
  });

  it("logs values without secrets unchanged", () => {
    const { logger, entries } = captureLogs(["hunter22"]);
    const error = Object.assign(new Error("plain"), { code: "E1" });
    logger.warn({ err: error, list: [1, "two"], at: new Date(0) }, "nothing to hide");
    expect(entries()[0]).toMatchObject({ msg: "nothing to hide", list: [1, "two"], at: "1970-01-01T00:00:00.000Z", err: { type: "Error", message: "plain", code: "E1" } });
  });
});

/** Runs the production logger in its own process, writing to stdout as the daemon does. */
async function logInChild(secret: string, pretty: boolean): Promise<string> {
  const script = `
    const { createLogger } = await import(${JSON.stringify(resolve("src/lib/logger.ts"))});
    const secret = process.env.LOG_SECRET;
    const log = createLogger({ level: "debug", secrets: [secret], pretty: ${pretty} });
    log.info({ nested: { list: [\`pw=\${secret}\`] } }, \`message \${secret}\`);
    log.error(new Error(\`failed \${secret}\`));`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    env: { PATH: process.env.PATH ?? "", LOG_SECRET: secret },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  const code = await new Promise<number | null>((done) => child.once("exit", done));
  expect(code, out).toBe(0);
  return out;
}

describe("the same in the daemon's own outputs", () => {
  it.each(SECRETS)("JSON lines on stdout, a secret with $name", async ({ secret }) => {
    const out = await logInChild(secret, false);
    expectNoSecret(out, secret);
    const entries = out.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.map((e) => e.msg)).toEqual(["message [redacted]", "failed [redacted]"]);
  });

  it.each(SECRETS)("LOG_FORMAT=pretty, a secret with $name", async ({ secret }) => {
    // eslint-disable-next-line no-control-regex
    const out = (await logInChild(secret, true)).replace(/\u001b\[[0-9;]*m/g, "");
    expectNoSecret(out, secret);
    expect(out).toContain("message [redacted]");
    expect(out).toContain("pw=[redacted]");
    expect(out).toContain("Error: failed [redacted]");
  });
});

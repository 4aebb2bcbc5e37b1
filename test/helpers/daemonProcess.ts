import { spawn, type ChildProcess } from "node:child_process";

export interface DaemonProcess {
  child: ChildProcess;
  /** Parsed JSON log lines so far. */
  logs: Array<Record<string, unknown>>;
  /** Raw stdout and stderr. */
  output(): string;
  /** Raw stderr alone: whatever bypassed the JSON log. */
  stderr(): string;
  waitForLog(message: string, timeoutMs?: number): Promise<void>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `invite-monitor <args>` as a real child process, the way a user or a container would. */
export function spawnDaemon(args: string[], env: Record<string, string>): DaemonProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Array<Record<string, unknown>> = [];
  let raw = "";
  let errors = "";
  let pending = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    raw += chunk.toString();
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    raw += chunk.toString();
    errors += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  return {
    child,
    logs,
    output: () => raw,
    stderr: () => errors,
    async waitForLog(message, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!logs.some((l) => l.msg === message)) {
        if (child.exitCode !== null) throw new Error(`daemon exited (${child.exitCode}) before logging "${message}":\n${raw}`);
        if (Date.now() > deadline) throw new Error(`daemon did not log "${message}" within ${timeoutMs} ms:\n${raw}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

import { spawnDaemon, type DaemonProcess } from "../../helpers/daemonProcess.js";

export type Role = "scheduler" | "worker" | "notifier";

export interface ProcessSpec {
  name: string;
  /** `start --role ...`; null runs every role (`start`). */
  roles: Role[] | null;
}

export interface SupervisorEvent {
  at: number;
  name: string;
  kind: "start" | "exit" | "kill";
  /** The roles of the process the event is about (every role when it runs them all). */
  roles: Role[];
  detail?: string;
  /** For exits: who caused it. "self" is the daemon exiting (or crashing) on its own. */
  cause?: "test" | "stop" | "self";
}

interface Slot {
  spec: ProcessSpec;
  current: DaemonProcess | null;
  startedAt: number;
  backoffMs: number;
  killedByTest: boolean;
  timer: NodeJS.Timeout | null;
  incarnations: DaemonProcess[];
  /** Settings this process runs with on top of the supervisor's (an operator's edit of its environment). */
  envOverrides: Record<string, string>;
}

/** Daemon processes still running: killed if the test process exits without its hooks running. */
const running = new Set<DaemonProcess>();
process.once("exit", () => {
  for (const proc of running) proc.child.kill("SIGKILL");
});

const ALL_ROLES: Role[] = ["scheduler", "worker", "notifier"];
const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 4_000;
/** Like Docker: a process that stayed up this long starts over at the first backoff. */
const RESET_AFTER_MS = 10_000;

/**
 * The test's stand-in for `restart: unless-stopped`: whenever a daemon process exits, for whatever reason, it is
 * started again with the same arguments and environment, after a backoff that doubles while it keeps failing.
 * Kills made by the test go through `kill` so they can be told apart from the daemon exiting on its own.
 */
export class Supervisor {
  readonly events: SupervisorEvent[] = [];
  private readonly slots = new Map<string, Slot>();
  private stopping = false;

  constructor(private readonly env: Record<string, string>) {}

  /** Starts a supervised process and waits for its "invite-monitor started" line. */
  async add(spec: ProcessSpec, readyTimeoutMs = 60_000): Promise<void> {
    const slot: Slot = { spec, current: null, startedAt: 0, backoffMs: FIRST_BACKOFF_MS, killedByTest: false, timer: null, incarnations: [], envOverrides: {} };
    this.slots.set(spec.name, slot);
    this.launch(slot);
    await this.waitReady(spec.name, readyTimeoutMs);
  }

  private rolesOf(spec: ProcessSpec): Role[] {
    return spec.roles ?? ALL_ROLES;
  }

  private launch(slot: Slot): void {
    if (this.stopping) return;
    const args = slot.spec.roles ? ["start", "--role", ...slot.spec.roles] : ["start"];
    const proc = spawnDaemon(args, { ...this.env, ...slot.envOverrides });
    slot.current = proc;
    slot.startedAt = Date.now();
    slot.killedByTest = false;
    slot.incarnations.push(proc);
    running.add(proc);
    const roles = this.rolesOf(slot.spec);
    this.events.push({ at: slot.startedAt, name: slot.spec.name, kind: "start", roles });
    proc.child.once("exit", (code, signal) => {
      running.delete(proc);
      const now = Date.now();
      const cause = this.stopping ? "stop" : slot.killedByTest ? "test" : "self";
      this.events.push({ at: now, name: slot.spec.name, kind: "exit", roles, detail: `code=${code} signal=${signal}`, cause });
      if (this.stopping || slot.current !== proc) return;
      slot.current = null;
      slot.backoffMs = now - slot.startedAt >= RESET_AFTER_MS ? FIRST_BACKOFF_MS : slot.backoffMs;
      const delay = slot.backoffMs;
      slot.backoffMs = Math.min(MAX_BACKOFF_MS, slot.backoffMs * 2);
      slot.timer = setTimeout(() => {
        slot.timer = null;
        this.launch(slot);
      }, delay);
    });
  }

  /** Kills the named process (SIGKILL unless told otherwise); the supervisor starts it again. Returns the kill time. */
  kill(name: string, signal: NodeJS.Signals = "SIGKILL"): number {
    const slot = this.slot(name);
    const proc = slot.current;
    const at = Date.now();
    if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return at;
    slot.killedByTest = true;
    this.events.push({ at, name, kind: "kill", roles: this.rolesOf(slot.spec), detail: signal });
    proc.child.kill(signal);
    return at;
  }

  /**
   * Changes the named process's settings and restarts it gracefully, as an operator who edits the environment
   * and restarts the service would; resolves once the new incarnation has started.
   */
  async restartWith(name: string, envOverrides: Record<string, string>): Promise<void> {
    const slot = this.slot(name);
    slot.envOverrides = envOverrides;
    const proc = slot.current;
    if (proc && proc.child.exitCode === null) {
      slot.killedByTest = true;
      this.events.push({ at: Date.now(), name, kind: "kill", roles: this.rolesOf(slot.spec), detail: "SIGTERM (restart with new settings)" });
      await proc.stop("SIGTERM");
    }
    const previous = slot.current;
    const deadline = Date.now() + 60_000;
    while ((slot.current === previous || slot.current === null) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await this.waitReady(name);
  }

  /** Resolves when the named process (its current incarnation) has logged that it started. */
  async waitReady(name: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const proc = this.slot(name).current;
      if (proc && proc.child.exitCode === null && proc.logs.some((l) => l.msg === "invite-monitor started")) return;
      if (Date.now() > deadline) throw new Error(`${name} did not become ready within ${timeoutMs} ms\n${this.tail(name)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** True when every process is running and has logged that it started. */
  allUp(): boolean {
    return [...this.slots.values()].every((s) => s.current !== null && s.current.child.exitCode === null && s.current.logs.some((l) => l.msg === "invite-monitor started"));
  }

  current(name: string): DaemonProcess | null {
    return this.slot(name).current;
  }

  names(): string[] {
    return [...this.slots.keys()];
  }

  /** Kills by the test of processes running the role, with their times. */
  killsOf(role: Role): number[] {
    return this.events.filter((e) => e.kind === "kill" && e.roles.includes(role)).map((e) => e.at);
  }

  /** Exits the test did not cause: crashes, or a daemon giving up on its own. */
  unexpectedExits(): SupervisorEvent[] {
    return this.events.filter((e) => e.kind === "exit" && e.cause === "self");
  }

  /** Restarts made by the supervisor (each exit, whoever caused it, is followed by one). */
  restarts(): number {
    return this.events.filter((e) => e.kind === "start").length - this.slots.size;
  }

  /** Every log line of every incarnation of every process. */
  allLogs(): Array<Record<string, unknown> & { process: string }> {
    return [...this.slots.values()].flatMap((s) => s.incarnations.flatMap((p) => p.logs.map((l) => ({ ...l, process: s.spec.name }))));
  }

  /** The last lines each process wrote, for failure messages. */
  tail(name?: string, lines = 15): string {
    const names = name ? [name] : this.names();
    return names
      .map((n) => {
        const slot = this.slot(n);
        const text = slot.incarnations.map((p) => p.output()).join("\n--- restarted ---\n");
        return `== ${n} (${slot.incarnations.length} incarnation(s))\n${text.trim().split("\n").slice(-lines).join("\n")}`;
      })
      .join("\n");
  }

  /** Stops restarting and stops every process: SIGTERM (graceful) or SIGKILL. */
  async stopAll(signal: NodeJS.Signals = "SIGKILL", timeoutMs = 35_000): Promise<Array<{ name: string; code: number | null }>> {
    this.stopping = true;
    const results: Array<{ name: string; code: number | null }> = [];
    await Promise.all(
      [...this.slots.values()].map(async (slot) => {
        if (slot.timer) clearTimeout(slot.timer);
        slot.timer = null;
        const proc = slot.current;
        if (!proc) return;
        let timer: NodeJS.Timeout | undefined;
        const stopped = proc.stop(signal);
        const code = await Promise.race([
          stopped,
          new Promise<number | null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs))),
        ]);
        clearTimeout(timer);
        if (proc.child.exitCode === null && proc.child.signalCode === null) {
          proc.child.kill("SIGKILL");
          await stopped;
        }
        results.push({ name: slot.spec.name, code });
      }),
    );
    return results;
  }

  private slot(name: string): Slot {
    const slot = this.slots.get(name);
    if (!slot) throw new Error(`no supervised process ${name}`);
    return slot;
  }
}

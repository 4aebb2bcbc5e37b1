import { afterAll, afterEach } from "vitest";
import { parseDuration } from "../../../src/lib/duration.js";
import { startCloudflareSimulator, type CloudflareSimulator, type RecordedRequest, type SimulatorOptions } from "../../../src/simulator/cloudflareSimulator.js";
import { createDb } from "../../../src/storage/db.js";
import { trackInvites } from "../../../src/storage/trackInvites.js";
import { createOwnRedisServer, type OwnRedisServer } from "./ownRedisServer.js";
import { ClusterPool, type OwnPostgres } from "./ownPostgres.js";
import { SlackFake } from "./slackFake.js";
import { Supervisor, type ProcessSpec } from "./supervisor.js";
import { freshIds, idsInMessage, inviteObject, makeTimeline, pickSeed, playTimeline, seededRandom } from "./timeline.js";

export const TOKEN = "faults-token-3c1d9e7a5b2f4c6d8e0a1b3c5d7e9f1a";

/** What a fault gets to break, and the timeline it is breaking into. */
export interface FaultContext {
  pg: OwnPostgres;
  redis: OwnRedisServer;
  sim: CloudflareSimulator;
  slack: SlackFake;
  sup: Supervisor;
  ids: string[];
  /** Date.now() when the timeline started. */
  timelineStart: number;
  timelineMs: number;
  random: () => number;
  settings: { slackTimeoutMs: number };
  sleep(ms: number): Promise<void>;
  /** Records what the fault did, with the time since the timeline started (printed with the summary). */
  note(text: string): void;
  /** Records that the daemon did not recover the way it promises (makes the run's `recovered` "no"). */
  recoveryFailed(text: string): void;
  /** The status the named process's /readyz answers now (or why it could not answer). */
  readyz(name: string): Promise<string>;
  /** Resolves as soon as a daemon request reached Cloudflare in the last `withinMs`: polls are in flight. */
  whenPolling(withinMs?: number, timeoutMs?: number): Promise<void>;
  /** Resolves as soon as a new message reached Slack in the last `withinMs`, its answer not sent yet; rejects after `timeoutMs`. */
  whenSlackSending(withinMs: number, timeoutMs: number): Promise<void>;
}

export interface FaultScenario {
  /** The `faults=` name of the summary line. */
  name: string;
  invites?: number;
  timelineMs?: number;
  /** Overrides of the daemon environment. */
  env?: Record<string, string>;
  /** The daemon processes; by default one process with every role plus one extra worker. */
  topology?: ProcessSpec[];
  cloudflare?: Omit<SimulatorOptions, "auth" | "port">;
  slack?: { delayMs?: number };
  /** How long after the faults end (and the timeline is over) everything must have converged. */
  convergeWithinMs?: number;
  /** Breaks things while the timeline plays; resolves when the faults are over (everything is back). */
  inject(ctx: FaultContext): Promise<void>;
  /** Requests that reached Cloudflare while it was blocking us or had told us to wait (beyond what was in flight). */
  requestsDuringBlock?(ctx: FaultContext): number;
}

export interface FaultOutcome {
  name: string;
  transitions: number;
  snapshots: number;
  alertsDelivered: number;
  lost: number;
  duplicates: number;
  windowDuplicates: number;
  requestsDuringBlock: number;
  recovered: boolean;
  summary: string;
  /** Everything else worth knowing when an assertion fails. */
  details: string[];
  /** Invites whose snapshot count is not exactly one first observation plus one change. */
  snapshotAnomalies: string[];
  /** Alert rows that are not delivered, or transitions without exactly one alert row of their kind. */
  alertAnomalies: string[];
}

const cleanups = new Set<() => Promise<void>>();

/** Requests the daemon sent (the tests also call the simulator themselves, as "another client"). */
export const fromDaemon = (r: RecordedRequest) => r.headers["user-agent"] === "invite-monitor";

/**
 * The suite-level setup every fault test file shares: a pool of `clusters` Postgres clusters, and every process
 * and temporary directory of a run removed after each test, even a failed one.
 */
export function useFaultPool(clusters: number): ClusterPool {
  const pool = new ClusterPool(clusters);
  afterEach(cleanupAll);
  afterAll(() => pool.close());
  return pool;
}

/** Stops every process and removes every temporary directory a run left behind (afterEach, even on failure). */
async function cleanupAll(): Promise<void> {
  const pending = [...cleanups];
  cleanups.clear();
  for (const cleanup of pending) await cleanup().catch(() => {});
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The base daemon settings: fast intervals, a generous budget, short timeouts. */
function daemonEnv(pg: OwnPostgres, redis: OwnRedisServer, sim: CloudflareSimulator, slack: SlackFake, overrides: Record<string, string>): Record<string, string> {
  return {
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: "im-faults",
    CLOUDFLARE_API_TOKEN: TOKEN,
    CLOUDFLARE_BASE_URL: sim.baseUrl,
    CLOUDFLARE_TIMEOUT: "1s",
    CLOUDFLARE_RATE_LIMIT: "1000",
    CLOUDFLARE_RATE_WINDOW: "1s",
    CLOUDFLARE_BUDGET_SHARE: "1",
    POLL_INTERVAL: "2s",
    SWEEP_INTERVAL: "200ms",
    FAILURE_BACKOFF: "500ms",
    WORKER_CONCURRENCY: "8",
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    SLACK_SEND_INTERVAL: "100ms",
    SLACK_RETRY_BACKOFF: "200ms",
    SLACK_TIMEOUT: "2s",
    HTTP_PORT: "0",
    LOG_LEVEL: "info",
    ...overrides,
  };
}

/**
 * One fault run: its own Postgres cluster (from the pool), its own redis-server, the Cloudflare and Slack
 * simulators, supervised daemon processes; `invites` invites flip at random times over `timelineMs` while the
 * scenario injects its faults; then the outcome is compared with the timeline.
 */
export async function runFaultScenario(pool: ClusterPool, scenario: FaultScenario): Promise<FaultOutcome> {
  const count = scenario.invites ?? 200;
  const timelineMs = scenario.timelineMs ?? 20_000;
  const convergeWithinMs = scenario.convergeWithinMs ?? 45_000;
  const seed = pickSeed();
  const random = seededRandom(seed);
  const details: string[] = [`seed=${seed} (FAULTS_SEED replays the timeline)`];
  const t0 = Date.now();

  let pg: OwnPostgres | undefined;
  let redis: OwnRedisServer | undefined;
  let sim: CloudflareSimulator | undefined;
  let slack: SlackFake | undefined;
  let sup: Supervisor | undefined;
  const cleanup = async () => {
    await sup?.stopAll("SIGKILL").catch(() => {});
    await sim?.close().catch(() => {});
    await slack?.down().catch(() => {});
    await redis?.destroy().catch(() => {});
    await pg?.destroy().catch(() => {});
  };
  cleanups.add(cleanup);

  try {
    // Each resource is recorded as soon as it exists, so a failure of another one still cleans it up.
    await Promise.all([
      pool.take().then((cluster) => void (pg = cluster)),
      createOwnRedisServer().then(async (server) => {
        redis = server;
        await server.start();
      }),
      startCloudflareSimulator({ latencyMs: 50, ...scenario.cloudflare, auth: { token: TOKEN } }).then((started) => void (sim = started)),
      SlackFake.start({ delayMs: scenario.slack?.delayMs }).then((started) => void (slack = started)),
    ]);
    if (!pg || !redis || !sim || !slack) throw new Error("setup did not finish");
    const env = daemonEnv(pg, redis, sim, slack, scenario.env ?? {});
    const slackTimeoutMs = parseDuration(env.SLACK_TIMEOUT!)!;

    const ids = freshIds(count);
    ids.forEach((id, i) => sim!.setInvite(inviteObject(id, i)));
    const db = createDb(pg.url);
    try {
      await trackInvites(db, ids.map((id) => ({ id, label: null, source: "faults" })), new Date());
    } finally {
      await db.$disconnect();
    }

    sup = new Supervisor(env);
    const topology = scenario.topology ?? [
      { name: "main", roles: null },
      { name: "worker-2", roles: ["worker"] },
    ];
    await Promise.all(topology.map((spec) => sup!.add(spec)));
    details.push(`setup ${Date.now() - t0} ms (${topology.map((p) => `${p.name}: ${p.roles?.join("+") ?? "all roles"}`).join(", ")})`);

    // Every invite observed once before anything changes: the timeline's transitions are then all "while we watched".
    await waitFor(async () => Number((await pg!.query<{ n: string }>("SELECT count(*) AS n FROM tracked_invite WHERE effective_status IS NOT NULL"))[0]!.n) === count, 60_000, () => `first observation of ${count} invites\n${sup!.tail()}`);

    const timeline = makeTimeline(ids, timelineMs, random);
    const timelineStart = Date.now();
    const recoveryFailures: string[] = [];
    const ctx: FaultContext = {
      pg,
      redis,
      sim,
      slack,
      sup,
      ids,
      timelineStart,
      timelineMs,
      random,
      settings: { slackTimeoutMs },
      sleep,
      note: (text) => details.push(`+${((Date.now() - timelineStart) / 1000).toFixed(1)}s ${text}`),
      recoveryFailed(text) {
        recoveryFailures.push(text);
        details.push(`+${((Date.now() - timelineStart) / 1000).toFixed(1)}s RECOVERY FAILED: ${text}`);
      },
      async readyz(name) {
        const started = sup!.current(name)?.logs.find((l) => l.msg === "invite-monitor started");
        if (!started) return "not started";
        return fetch(`${String(started.http)}/readyz`).then((r) => String(r.status), (e: Error) => e.message);
      },
      async whenPolling(withinMs = 150, timeoutMs = 30_000) {
        await waitFor(() => sim!.requests.some((r) => fromDaemon(r) && Date.now() - r.at < withinMs), timeoutMs, () => "a poll in flight", 10);
      },
      async whenSlackSending(withinMs, timeoutMs) {
        const before = slack!.received().length;
        await waitFor(() => slack!.received().length > before && Date.now() - slack!.received().at(-1)!.at < withinMs, timeoutMs, () => "a Slack send in flight", 5);
      },
    };
    await Promise.all([playTimeline(sim, timeline, timelineStart), scenario.inject(ctx)]);
    const faultsOver = Date.now();
    details.push(`timeline and faults over after ${((faultsOver - timelineStart) / 1000).toFixed(1)} s`);

    const known = new Set(ids);
    const expected = new Map(timeline.map((t) => [t.id, t.to]));
    const check = async () => {
      const invites = await pg!.query<{ id: string; effective_status: string | null; firsts: string; changes: string; matching: string }>(
        `SELECT t.id, t.effective_status,
           (SELECT count(*) FROM snapshot s WHERE s.invite_id = t.id AND s.first) AS firsts,
           (SELECT count(*) FROM snapshot s WHERE s.invite_id = t.id AND NOT s.first) AS changes,
           (SELECT count(*) FROM snapshot s WHERE s.invite_id = t.id AND NOT s.first AND s.effective_status::text = t.effective_status::text) AS matching
         FROM tracked_invite t`,
      );
      const alerts = await pg!.query<{ id: number; invite_id: string | null; kind: string; status: string; attempts: number; delivered_at: Date | null }>(
        "SELECT id, invite_id, kind::text AS kind, status::text AS status, attempts, delivered_at FROM alert",
      );
      const seen = new Set<string>();
      for (const message of slack!.delivered()) for (const id of idsInMessage(message, known)) seen.add(id);
      const done =
        invites.every((i) => i.effective_status === expected.get(i.id.trim())) &&
        alerts.every((a) => a.status === "delivered") &&
        ids.every((id) => seen.has(id));
      return { invites, alerts, seen, done };
    };

    let state = await check().catch(() => null);
    const convergeDeadline = Date.now() + convergeWithinMs;
    while (!state?.done && Date.now() < convergeDeadline) {
      await sleep(500);
      state = await check().catch(() => state);
    }
    const convergedAfter = Date.now() - faultsOver;
    const converged = state?.done === true;
    details.push(converged ? `converged ${(convergedAfter / 1000).toFixed(1)} s after the faults ended` : `NOT converged within ${convergeWithinMs / 1000} s after the faults ended`);
    if (!converged) {
      // Would an orchestrator notice? What each process's /readyz says about itself while it is stuck.
      const readiness = await Promise.all(sup.names().map(async (name) => `${name}: ${await ctx.readyz(name)}`));
      details.push(`/readyz while stuck: ${readiness.join(", ")}`);
    }
    // Late re-sends (a lease running out) would land here.
    await sleep(2_000);
    const allUp = sup.allUp();
    state = await check();

    // --- compare with the timeline -------------------------------------------------------------------------------
    const byId = new Map(state.invites.map((i) => [i.id.trim(), i]));
    const snapshots = timeline.filter((t) => Number(byId.get(t.id)?.matching ?? 0) >= 1 && byId.get(t.id)?.effective_status === t.to).length;
    const snapshotAnomalies = timeline
      .filter((t) => {
        const row = byId.get(t.id);
        return !row || Number(row.firsts) !== 1 || Number(row.changes) !== 1;
      })
      .map((t) => {
        const row = byId.get(t.id);
        return `${t.id} (→ ${t.to} at +${t.atMs} ms): ${row ? `status ${row.effective_status}, ${row.firsts} first + ${row.changes} change snapshot(s)` : "not tracked"}`;
      });

    const alertsFor = new Map<string, typeof state.alerts>();
    for (const alert of state.alerts) if (alert.invite_id) alertsFor.set(alert.invite_id.trim(), [...(alertsFor.get(alert.invite_id.trim()) ?? []), alert]);
    const alertAnomalies = [
      ...timeline
        .filter((t) => (alertsFor.get(t.id) ?? []).filter((a) => a.kind === t.to).length !== 1)
        .map((t) => `${t.id}: ${(alertsFor.get(t.id) ?? []).map((a) => `${a.kind}/${a.status}`).join(", ") || "no alert row"} (expected one ${t.to})`),
      ...state.alerts.filter((a) => a.status !== "delivered").map((a) => `alert ${a.id} (${a.kind}, ${a.invite_id?.trim() ?? "-"}) is ${a.status} after ${a.attempts} attempt(s)`),
    ];
    const otherAlerts = state.alerts.filter((a) => !a.invite_id || a.kind !== expected.get(a.invite_id.trim()));
    if (otherAlerts.length > 0) details.push(`alerts not from the timeline: ${otherAlerts.map((a) => `${a.kind}/${a.status}`).join(", ")}`);

    // Deliveries per invite: each message counted once per invite it names.
    const deliveries = new Map<string, number[]>();
    for (const message of slack.delivered()) {
      for (const id of idsInMessage(message, known)) deliveries.set(id, [...(deliveries.get(id) ?? []), message.at]);
    }
    const notifierKills = sup.killsOf("notifier");
    let duplicates = 0;
    let windowDuplicates = 0;
    const duplicateNotes: string[] = [];
    for (const [id, times] of deliveries) {
      times.sort((a, b) => a - b);
      for (let i = 1; i < times.length; i++) {
        const previous = times[i - 1]!;
        const again = times[i]!;
        // The documented window: the notifier died after Slack had the message (previous) and before the
        // "delivered" mark was committed; the lease ran out and the alert went again (again).
        const inWindow = notifierKills.some((k) => k >= previous - 100 && k <= again && k - previous <= slackTimeoutMs + 2_000);
        if (inWindow) windowDuplicates += 1;
        else {
          duplicates += 1;
          duplicateNotes.push(`${id} delivered again at +${again - timelineStart} ms (before: +${previous - timelineStart} ms)`);
        }
      }
    }
    if (duplicateNotes.length > 0) details.push(`duplicates outside the send/commit window: ${duplicateNotes.slice(0, 10).join("; ")}${duplicateNotes.length > 10 ? "; ..." : ""}`);

    const alertsDelivered = timeline.filter((t) => deliveries.has(t.id)).length;
    const lost = timeline.length - alertsDelivered;
    const requestsDuringBlock = scenario.requestsDuringBlock?.(ctx) ?? 0;
    const recovered = converged && allUp && recoveryFailures.length === 0;
    const kills = sup.events.filter((e) => e.kind === "kill");
    const selfExits = sup.unexpectedExits();
    details.push(
      `test kills: ${kills.length} (${[...new Set(kills.map((k) => k.name))].join(", ") || "none"}); supervisor restarts: ${sup.restarts()}; exits on their own: ${selfExits.length}${selfExits.length ? ` (${selfExits.map((e) => `${e.name} ${e.detail}`).join(", ")})` : ""}`,
      `slack: ${slack.received().length} POSTs, ${slack.delivered().length} answered 200; cloudflare: ${sim.requests.length} requests`,
    );
    const errors = new Map<string, number>();
    for (const line of sup.allLogs()) {
      if (line.msg !== "job failed" && line.msg !== "worker error") continue;
      // Prisma's errors quote the calling code over several lines: keep where it was called and the last line.
      const text = String(line.error);
      const where = /(src\/[\w/]+\.ts:\d+)/.exec(text)?.[1];
      const last = text.trim().split("\n").at(-1)!.trim();
      const key = `${line.msg}: ${where ? `(${where}) ` : ""}${last.replace(/[0-9a-f]{32}/g, "<id>").replace(/\d{6,}/g, "<n>").slice(0, 140)}`;
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
    if (errors.size > 0) {
      const top = [...errors].sort((a, b) => b[1] - a[1]).slice(0, 6);
      details.push(`daemon errors: ${top.map(([k, n]) => `${n}× ${k}`).join(" | ")}`);
    }
    if (!allUp) details.push(`not every process is up at the end:\n${sup.tail()}`);

    const summary =
      `faults=${scenario.name} transitions=${timeline.length} snapshots=${snapshots} alerts_delivered=${alertsDelivered} lost=${lost} ` +
      `duplicates=${duplicates} window_duplicates=${windowDuplicates} 429_during_block=${requestsDuringBlock} recovered=${recovered ? "yes" : "no"}`;
    // eslint-disable-next-line no-console
    console.log(summary);
    // eslint-disable-next-line no-console
    console.log(`  [${scenario.name}] ${details.join("\n  [" + scenario.name + "] ")}`);

    const stops = await sup.stopAll("SIGTERM");
    const unclean = stops.filter((s) => s.code !== 0);
    if (unclean.length > 0) details.push(`SIGTERM at the end: ${unclean.map((s) => `${s.name} exited ${s.code}`).join(", ")}`);

    return {
      name: scenario.name,
      transitions: timeline.length,
      snapshots,
      alertsDelivered,
      lost,
      duplicates,
      windowDuplicates,
      requestsDuringBlock,
      recovered,
      summary,
      details: [...details, ...(recovered ? [] : [sup.tail(undefined, 25)])],
      snapshotAnomalies,
      alertAnomalies,
    };
  } finally {
    cleanups.delete(cleanup);
    await cleanup();
  }
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let ok = false;
    try {
      ok = await condition();
    } catch {
      ok = false;
    }
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await sleep(everyMs);
  }
}

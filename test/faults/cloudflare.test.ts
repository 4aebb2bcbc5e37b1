import { describe, it } from "vitest";
import { answers } from "../../src/simulator/cloudflareSimulator.js";
import { expectClean } from "./helpers/expectClean.js";
import { fromDaemon, runFaultScenario, TOKEN, useFaultPool, waitFor, type FaultContext } from "./helpers/faultRun.js";

// Cloudflare misbehaving: a storm of 429s with retry-after, a full-window block (over the limit, every call is 429
// for a whole window), and requests that hang without sending a byte.
const pool = useFaultPool(3);

/**
 * Requests already on the wire when a 429 comes back are not the daemon's fault; anything it starts after it has
 * read the 429 is. This much time after a 429 is allowed for the answer to reach the worker and for the pause to be
 * written to Redis (on a loaded 2-core machine).
 */
const IN_FLIGHT_GRACE_MS = 500;

describe("fault injection: Cloudflare", () => {
  it("a 429 storm with retry-after pauses every worker for the retry-after and loses nothing", async () => {
    const STORM = 40;
    const RETRY_AFTER_S = 2;
    let firstStormRequest = -1;
    const outcome = await runFaultScenario(pool, {
      name: "cloudflare-429-storm",
      async inject(ctx) {
        await ctx.sleep(4_000);
        await ctx.whenPolling();
        firstStormRequest = ctx.sim.requests.length;
        ctx.sim.script("*", ...Array.from({ length: STORM }, () => answers.rateLimited(RETRY_AFTER_S)));
        ctx.note(`the next ${STORM} requests answer 429 with retry-after: ${RETRY_AFTER_S}`);
        await waitFor(() => ctx.sim.requests.length >= firstStormRequest + STORM, 90_000, () => "the storm to be consumed");
        ctx.note("the storm is over");
      },
      requestsDuringBlock(ctx) {
        const during = ctx.sim.requests.slice(firstStormRequest).filter(fromDaemon);
        // The scripted answers are used in arrival order: the first STORM requests got the 429s.
        const limited = during.slice(0, STORM);
        const violations = during.filter((r) => limited.some((q) => r.at > q.at + IN_FLIGHT_GRACE_MS && r.at < q.at + RETRY_AFTER_S * 1000));
        // How late, after some 429, a request inside that 429's pause started: in-flight ones come within ms.
        const lateness = during.map((r) => Math.max(0, ...limited.filter((q) => r.at > q.at && r.at < q.at + RETRY_AFTER_S * 1000).map((q) => r.at - q.at)));
        const spread = limited.length ? limited.at(-1)!.at - limited[0]!.at : 0;
        ctx.note(`${limited.length} requests answered 429 over ${(spread / 1000).toFixed(1)} s; latest start inside a pause: ${Math.max(0, ...lateness)} ms after its 429`);
        return violations.length;
      },
    });
    expectClean(outcome);
  });

  it("a full-window block: no request reaches Cloudflare until the window is over", async () => {
    const LIMIT = 600;
    const WINDOW_MS = 6_000;
    let block: { crossedAfter: number; start: number; until: number } | null = null;
    const outcome = await runFaultScenario(pool, {
      name: "cloudflare-block",
      cloudflare: { rateLimit: { limit: LIMIT, windowMs: WINDOW_MS } },
      // The monitor is told the real limit and spends half of it; another client of the same token spends the rest.
      env: { CLOUDFLARE_RATE_LIMIT: String(LIMIT), CLOUDFLARE_RATE_WINDOW: `${WINDOW_MS / 1000}s`, CLOUDFLARE_BUDGET_SHARE: "0.5" },
      async inject(ctx) {
        await ctx.sleep(5_000);
        await ctx.whenPolling();
        block = await exhaustQuota(ctx, LIMIT, WINDOW_MS);
        ctx.note(`another client of the token went over the limit: every call is 429 for ${WINDOW_MS / 1000} s`);
        await ctx.sleep(block.until - Date.now() + 500);
        ctx.note("the block window is over");
      },
      requestsDuringBlock(ctx) {
        if (!block) throw new Error("the block never happened");
        const { crossedAfter, start, until } = block;
        // Every request in the block is answered 429. The ones that ran into it before the monitor had read its
        // first 429 are allowed; none after that. (The limit was crossed somewhere inside the other client's last
        // batch, so a poll after crossedAfter may still have been answered 200: it was not in the block.)
        const first = ctx.sim.requests.find((r) => fromDaemon(r) && r.at > crossedAfter && r.status === 429);
        if (!first) throw new Error("no poll ran into the block: the scenario tested nothing");
        const inBlock = ctx.sim.requests.filter((r) => fromDaemon(r) && r.at > crossedAfter && r.at < until);
        const resumed = ctx.sim.requests.find((r) => fromDaemon(r) && r.at >= until);
        ctx.note(
          `block ${((until - crossedAfter) / 1000).toFixed(1)} s: ${inBlock.length} poll(s) ran into it, the last ${inBlock.length ? inBlock.at(-1)!.at - first.at : 0} ms after the first; ` +
            `polling resumed ${resumed ? `${resumed.at - until} ms after the block` : "never"}`,
        );
        return ctx.sim.requests.filter((r) => fromDaemon(r) && r.at > Math.max(start, first.at + IN_FLIGHT_GRACE_MS) && r.at < until).length;
      },
    });
    expectClean(outcome);
  });

  it("a restart with a wrong CLOUDFLARE_BASE_URL for 30 s, then the right one: no gone, no alert, every invite polled again", async () => {
    const WRONG_MS = 30_000;
    const outcome = await runFaultScenario(pool, {
      name: "cloudflare-wrong-base-url",
      // One process runs every role, so the restart changes the URL of every poll.
      topology: [{ name: "main", roles: null }],
      // The timeline plays while the URL is wrong: every transition is seen only after the fix.
      timelineMs: 10_000,
      convergeWithinMs: 60_000,
      env: { CLOUDFLARE_AUTH_RETRY: "2s" },
      async inject(ctx) {
        const wrongFrom = Date.now();
        await ctx.sup.restartWith("main", { CLOUDFLARE_BASE_URL: ctx.sim.baseUrl.replace("/client/v4", "/client/v3") });
        ctx.note("restarted with a CLOUDFLARE_BASE_URL ending in /client/v3");
        await ctx.sleep(WRONG_MS / 2);
        const readyz = await ctx.readyz("main");
        if (readyz !== "503") ctx.recoveryFailed(`/readyz answered ${readyz} while every request was answered 404 (expected 503)`);
        await ctx.sleep(WRONG_MS / 2);
        const [{ gone, alerts }] = await ctx.pg.query<{ gone: string; alerts: string }>(
          `SELECT (SELECT count(*) FROM tracked_invite WHERE effective_status = 'gone') AS gone,
                  (SELECT count(*) FROM alert WHERE created_at >= to_timestamp($1 / 1000.0)) AS alerts`,
          [wrongFrom],
        ) as [{ gone: string; alerts: string }];
        ctx.note(`${ctx.sim.requests.filter((r) => r.path.startsWith("/client/v3")).length} requests to the wrong path; ${gone} gone, ${alerts} alerts raised meanwhile`);
        if (Number(gone) > 0 || Number(alerts) > 0) ctx.recoveryFailed(`with the wrong URL: ${gone} invites marked gone and ${alerts} alerts raised`);

        const fixedAt = Date.now();
        await ctx.sup.restartWith("main", {});
        ctx.note("restarted with the right CLOUDFLARE_BASE_URL");
        const active = await ctx.pg.query<{ id: string }>("SELECT id FROM tracked_invite");
        const polledSince = (id: string) => ctx.sim.requests.some((r) => r.inviteId === id.trim() && r.at >= fixedAt && r.path.startsWith("/client/v4"));
        try {
          await waitFor(() => active.every((r) => polledSince(r.id)), 45_000, () => "every invite polled again");
          ctx.note(`every invite was polled again within ${((Date.now() - fixedAt) / 1000).toFixed(1)} s of the fix`);
        } catch {
          ctx.recoveryFailed(`${active.filter((r) => !polledSince(r.id)).length} invites were not polled again after the fix`);
        }
      },
    });
    expectClean(outcome);
  });

  it("hanging responses (no bytes at all) end at CLOUDFLARE_TIMEOUT and are retried", async () => {
    const HANGS = 30;
    const outcome = await runFaultScenario(pool, {
      name: "cloudflare-hang",
      async inject(ctx) {
        await ctx.sleep(4_000);
        await ctx.whenPolling();
        const from = ctx.sim.requests.length;
        ctx.sim.script("*", ...Array.from({ length: HANGS }, () => answers.hang()));
        ctx.note(`the next ${HANGS} requests hang`);
        await waitFor(() => ctx.sim.requests.length >= from + HANGS, 90_000, () => "the hanging answers to be used");
        const hung = ctx.sim.requests.slice(from, from + HANGS);
        // CLOUDFLARE_TIMEOUT is 1 s: the daemon must give up on every hung request by then (with room for load).
        const givenUp = () => hung.filter((r) => r.abandonedAt !== undefined && r.abandonedAt - r.at <= 5_000).length;
        try {
          await waitFor(() => givenUp() >= HANGS, 15_000, () => "the timeouts");
          ctx.note(`the daemon gave up all ${HANGS} hung requests within 5 s of sending them`);
        } catch {
          ctx.recoveryFailed(`only ${givenUp()} of ${HANGS} hung requests were given up within 5 s`);
        }
      },
    });
    expectClean(outcome);
  });
});

/**
 * Spends the rest of the window's quota as another client of the same token would, in small batches, until
 * Cloudflare answers 429. Returns an interval certainly inside the block: from the last batch (the limit was crossed
 * by then) to one window after the previous batch (it was not crossed before).
 */
async function exhaustQuota(ctx: FaultContext, limit: number, windowMs: number): Promise<{ crossedAfter: number; start: number; until: number }> {
  const url = `${ctx.sim.baseUrl}/user/invites/${ctx.ids[0]}`;
  const headers = { authorization: `Bearer ${TOKEN}`, "user-agent": "another-client" };
  const BATCH = 10;
  let previousBatchEnd = Date.now();
  for (let sent = 0; sent <= 2 * limit; sent += BATCH) {
    const statuses = await Promise.all(
      Array.from({ length: BATCH }, async () => {
        const response = await fetch(url, { headers });
        await response.arrayBuffer();
        return response.status;
      }),
    );
    const batch = ctx.sim.requests.filter((r) => r.headers["user-agent"] === "another-client").slice(-BATCH);
    if (statuses.includes(429)) return { crossedAfter: previousBatchEnd, start: Math.max(...batch.map((r) => r.at)), until: previousBatchEnd + windowMs };
    previousBatchEnd = Math.max(...batch.map((r) => r.at));
  }
  throw new Error("the simulator never answered 429");
}

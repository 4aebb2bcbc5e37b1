import { describe, it } from "vitest";
import { slackAnswers } from "../../src/simulator/slackSimulator.js";
import { expectClean } from "./helpers/expectClean.js";
import { runFaultScenario, useFaultPool, waitFor, type FaultContext } from "./helpers/faultRun.js";

// The services the daemon stands on, failing under it: its Redis killed (restarted with its data, then empty), its
// Postgres stopped for 10 s, its Slack webhook refusing connections for 30 s and then answering 500.
const pool = useFaultPool(4);

describe("fault injection: Redis, Postgres and Slack", () => {
  it("Redis killed and restarted with its data (AOF)", async () => {
    const outcome = await runFaultScenario(pool, {
      name: "redis-restart-keep-data",
      // Jobs whose locks were lost with the last second of writes come back through BullMQ's stalled-job check
      // (10 s locks for polls, 5 s for notifier ticks); the allowance is generous for a loaded machine.
      convergeWithinMs: 90_000,
      inject: (ctx) => restartRedis(ctx, { empty: false }),
    });
    expectClean(outcome);
  });

  it("Redis killed and restarted empty", async () => {
    const outcome = await runFaultScenario(pool, {
      name: "redis-restart-empty",
      // Nothing the daemon does should take long here: the invites are still due in Postgres and the alerts still
      // pending there; the next sweep and notifier tick pick them up.
      convergeWithinMs: 30_000,
      inject: (ctx) => restartRedis(ctx, { empty: true }),
    });
    expectClean(outcome);
  });

  it("Postgres stopped for 10 s while polls (and a Slack send) are in flight", async () => {
    const outcome = await runFaultScenario(pool, {
      name: "postgres-stop-10s",
      // Slack takes 400 ms to answer, as a real webhook can: a send is in flight when Postgres goes away.
      slack: { delayMs: 400 },
      async inject(ctx) {
        await ctx.sleep(5_000);
        await ctx.whenSlackSending(100, 15_000).catch(() => {});
        const polling = ctx.sim.requests.filter((r) => Date.now() - r.at < 300).length;
        await ctx.pg.stop("fast");
        ctx.note(`pg_ctl stop -m fast with ${polling} poll(s) started in the last 300 ms and a Slack send in flight`);
        await ctx.sleep(10_000);
        await ctx.pg.start();
        ctx.note("Postgres started again");
      },
    });
    expectClean(outcome);
  });

  it("Slack refuses connections for 30 s, then answers 500 for a while", async () => {
    const outcome = await runFaultScenario(pool, {
      name: "slack-refused-30s-then-500",
      // Retries back off from SLACK_RETRY_BACKOFF (200 ms), doubling per failed attempt: after 30 s of refusals and
      // a few 500s the oldest alerts wait ~50-100 s for their next attempt.
      convergeWithinMs: 150_000,
      async inject(ctx) {
        await ctx.sleep(3_000);
        await ctx.slack.down();
        ctx.note("Slack webhook down: connections refused");
        await ctx.sleep(30_000);
        await ctx.slack.up();
        ctx.slack.script(...Array.from({ length: 8 }, () => slackAnswers.serverError()));
        ctx.note("Slack webhook back on the same port, answering 500 to the next 8 posts");
        const received = ctx.slack.received().length;
        await waitFor(() => ctx.slack.received().length >= received + 8, 20_000, () => "the 500s").catch(() => {});
        ctx.note(`the 500s are over (${ctx.slack.received().filter((m) => m.status === 500).length} answered 500)`);
      },
    });
    expectClean(outcome);
  });
});

/** SIGKILLs the daemon's redis-server with polls in flight, and starts it again 3 s later on its AOF or empty. */
async function restartRedis(ctx: FaultContext, { empty }: { empty: boolean }): Promise<void> {
  await ctx.sleep(5_000);
  await ctx.whenPolling();
  await ctx.redis.kill();
  if (empty) ctx.redis.wipe();
  ctx.note(`SIGKILL redis-server with polls in flight${empty ? ", data removed" : ""}`);
  await ctx.sleep(3_000);
  await ctx.redis.start();
  ctx.note(empty ? "redis-server restarted empty" : "redis-server restarted on its append-only file");
}

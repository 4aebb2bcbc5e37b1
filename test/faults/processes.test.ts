import { describe, it } from "vitest";
import { expectClean } from "./helpers/expectClean.js";
import { runFaultScenario, useFaultPool, waitFor } from "./helpers/faultRun.js";
import { idsInMessage } from "./helpers/timeline.js";

// Daemon processes dying hard: poll workers SIGKILLed mid-batch again and again, and the notifier SIGKILLed with a
// Slack message in flight (Slack has it, the "delivered" mark is not committed: the documented duplicate window).
const pool = useFaultPool(2);

describe("fault injection: daemon processes", () => {
  it("worker processes SIGKILLed mid-batch, repeatedly, lose nothing", async () => {
    const outcome = await runFaultScenario(pool, {
      name: "worker-sigkill",
      invites: 240,
      topology: [
        { name: "scheduler+notifier", roles: ["scheduler", "notifier"] },
        { name: "worker-1", roles: ["worker"] },
        { name: "worker-2", roles: ["worker"] },
      ],
      // Slow answers: every worker always has a batch of polls in flight when it is killed.
      cloudflare: { latencyMs: 200 },
      // A SIGKILLed worker's jobs stay locked until BullMQ's stalled-job check hands them out again: lockDuration
      // (30 s) plus up to two stalledInterval rounds (30 s each). Nothing is lost, but it takes up to ~60 s.
      convergeWithinMs: 100_000,
      async inject(ctx) {
        await ctx.sleep(1_500);
        for (let round = 0; Date.now() < ctx.timelineStart + ctx.timelineMs - 2_000; round++) {
          const victim = `worker-${(round % 2) + 1}`;
          await ctx.sup.waitReady(victim);
          await ctx.sleep(1_000 + ctx.random() * 1_500);
          await ctx.whenPolling();
          ctx.sup.kill(victim, "SIGKILL");
          ctx.note(`SIGKILL ${victim} with polls in flight`);
        }
      },
    });
    expectClean(outcome);
  });

  it("the notifier SIGKILLed between Slack's 200 and the commit: re-sent after the lease, duplicates only in that window", async () => {
    const outcome = await runFaultScenario(pool, {
      name: "notifier-sigkill",
      invites: 240,
      topology: [
        { name: "scheduler+worker", roles: ["scheduler", "worker"] },
        { name: "notifier", roles: ["notifier"] },
      ],
      // Each send is in flight for 400 ms: Slack records it (200) before the notifier hears back.
      slack: { delayMs: 400 },
      convergeWithinMs: 90_000,
      async inject(ctx) {
        const known = new Set(ctx.ids);
        // README: an alert whose "delivered" mark was not committed is sent again after 2 × SLACK_TIMEOUT + 1s.
        const leaseMs = 2 * ctx.settings.slackTimeoutMs + 1_000;
        // Room for the supervisor's restart and a slow, shared machine.
        const resendWithinMs = leaseMs + 15_000;
        await ctx.sleep(2_000);
        for (let kill = 0; kill < 3 && Date.now() < ctx.timelineStart + ctx.timelineMs; kill++) {
          await ctx.sup.waitReady("notifier");
          try {
            // A message has just reached Slack and its answer is 400 ms away: kill the notifier now.
            await ctx.whenSlackSending(150, 10_000);
          } catch {
            ctx.note("no Slack send in flight within 10 s: kill skipped");
            continue;
          }
          const inFlight = ctx.slack.received().at(-1)!;
          const killedAt = ctx.sup.kill("notifier", "SIGKILL");
          const ids = [...idsInMessage(inFlight, known)];
          ctx.note(`SIGKILL notifier with a send in flight (${ids.length} invite(s) in it)`);
          const resent = () => ids.every((id) => ctx.slack.delivered().some((m) => m.at > killedAt && idsInMessage(m, known).has(id)));
          try {
            await waitFor(resent, resendWithinMs, () => "the re-send", 50);
            ctx.note(`the alerts in flight were sent again ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
          } catch {
            const silentSince = killedAt;
            const readiness = await ctx.readyz("notifier");
            await waitFor(() => ctx.slack.received().some((m) => m.at > killedAt), 120_000, () => "any Slack message", 100).catch(() => {});
            const next = ctx.slack.received().find((m) => m.at > killedAt);
            ctx.recoveryFailed(
              `the ${ids.length} alert(s) in flight at the kill were not sent again within ${resendWithinMs / 1000} s (README: after 2 × SLACK_TIMEOUT + 1s = ${leaseMs / 1000} s); ` +
                `Slack got nothing at all for ${next ? `${((next.at - silentSince) / 1000).toFixed(1)} s` : "over 120 s"} although alerts were pending ` +
                `(the restarted notifier's /readyz answered ${readiness} meanwhile)`,
            );
            break;
          }
          await ctx.sleep(1_000 + ctx.random() * 1_000);
        }
      },
    });
    expectClean(outcome);
  });
});

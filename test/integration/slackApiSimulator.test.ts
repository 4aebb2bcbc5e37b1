// The Slack Web API simulator speaks Slack's wire format to the official client: what the app-mode tests rely on.
import { WebClient, WebAPIPlatformError, WebAPIRateLimitedError } from "@slack/web-api";
import { afterEach, describe, expect, it } from "vitest";
import { startSlackApiSimulator, type SlackApiSimulator } from "../../src/simulator/slackApiSimulator.js";

let sim: SlackApiSimulator;
afterEach(async () => sim?.close());

const client = (token = sim.token) => new WebClient(token, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
const errorOf = async (call: Promise<unknown>) => {
  const error = await call.then(() => null, (e: unknown) => e);
  return error instanceof WebAPIPlatformError ? error.data.error : error instanceof WebAPIRateLimitedError ? `429 retry-after ${error.retryAfter}` : String(error);
};

describe("the Slack Web API simulator", () => {
  it("answers auth.test, chat.postMessage (ok, channel, ts), replies and chat.update, and reads them back", async () => {
    sim = await startSlackApiSimulator();
    const web = client();
    expect(await web.auth.test()).toMatchObject({ ok: true, user: "invite-monitor", user_id: "U0SIMBOT1", team: "Simulated Workspace" });
    const posted = await web.chat.postMessage({ channel: sim.channel, text: "first", blocks: [{ type: "section", text: { type: "mrkdwn", text: "v1" } }] });
    expect(posted).toMatchObject({ ok: true, channel: sim.channel, ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    const reply = await web.chat.postMessage({ channel: sim.channel, text: "in the thread", thread_ts: posted.ts! });
    expect(await web.chat.update({ channel: sim.channel, ts: posted.ts!, text: "second", blocks: [{ type: "section", text: { type: "mrkdwn", text: "v2" } }] })).toMatchObject({ ok: true, ts: posted.ts });

    const [message, ...others] = sim.messages();
    expect(others).toEqual([]);
    expect(message).toMatchObject({ ts: posted.ts, text: "second", blocks: [{ type: "section", text: { type: "mrkdwn", text: "v2" } }] });
    expect(message!.versions.map((v) => v.text)).toEqual(["first", "second"]);
    expect(sim.thread(posted.ts!).map((m) => [m.ts, m.text])).toEqual([[reply.ts, "in the thread"]]);
  });

  it.each<{ name: string; setUp: (s: SlackApiSimulator) => void; call: (web: WebClient, s: SlackApiSimulator) => Promise<unknown>; error: string }>([
    { name: "an unknown channel", setUp: () => {}, call: (web) => web.chat.postMessage({ channel: "C0NOWHERE1", text: "x" }), error: "channel_not_found" },
    { name: "a channel the bot is not in", setUp: (s) => s.leave(s.channel), call: (web, s) => web.chat.postMessage({ channel: s.channel, text: "x" }), error: "not_in_channel" },
    { name: "a revoked token", setUp: (s) => s.revokeToken(), call: (web, s) => web.chat.postMessage({ channel: s.channel, text: "x" }), error: "token_revoked" },
    { name: "a deactivated account", setUp: (s) => s.revokeToken("account_inactive"), call: (web) => web.auth.test(), error: "account_inactive" },
    { name: "a deleted message", setUp: () => {}, call: async (web, s) => { const { ts } = await web.chat.postMessage({ channel: s.channel, text: "x" }); s.deleteMessage(ts!); return web.chat.update({ channel: s.channel, ts: ts!, text: "y" }); }, error: "message_not_found" },
    { name: "a reply to a deleted message", setUp: () => {}, call: async (web, s) => { const { ts } = await web.chat.postMessage({ channel: s.channel, text: "x" }); s.deleteMessage(ts!); return web.chat.postMessage({ channel: s.channel, text: "y", thread_ts: ts! }); }, error: "thread_not_found" },
    { name: "a text over 40,000 characters", setUp: () => {}, call: (web, s) => web.chat.postMessage({ channel: s.channel, text: "x".repeat(40_001) }), error: "msg_too_long" },
    { name: "a scripted error", setUp: (s) => s.script("chat.postMessage", { error: "internal_error" }), call: (web, s) => web.chat.postMessage({ channel: s.channel, text: "x" }), error: "internal_error" },
  ])("answers $name with ok: false, error: $error", async ({ setUp, call, error }) => {
    sim = await startSlackApiSimulator();
    setUp(sim);
    expect(await errorOf(call(client(), sim))).toBe(error);
    expect(sim.calls.at(-1)).toMatchObject({ status: 200, ok: false, error });
  });

  it("refuses an unknown token (invalid_auth), and a post faster than one per channel per interval with 429 and Retry-After", async () => {
    sim = await startSlackApiSimulator({ postIntervalMs: 1_500 });
    expect(await errorOf(client("xoxb-wrong").auth.test())).toBe("invalid_auth");
    await client().chat.postMessage({ channel: sim.channel, text: "one" });
    expect(await errorOf(client().chat.postMessage({ channel: sim.channel, text: "two" }))).toBe("429 retry-after 2");
    expect(sim.calls.at(-1)).toMatchObject({ status: 429, error: "ratelimited" });
    expect(sim.messages().map((m) => m.text)).toEqual(["one"]);
  });
});

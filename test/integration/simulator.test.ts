import { spawn } from "node:child_process";
import Cloudflare from "cloudflare";
import { got } from "got";
import { afterEach, describe, expect, it } from "vitest";
import { startCloudflareSimulator, type CloudflareSimulator } from "../../src/simulator/cloudflareSimulator.js";
import { parseScenario, playScenario } from "../../src/simulator/scenario.js";
import { inviteFixture, inviteId, TOKEN } from "../helpers/harness.js";
import { waitUntil } from "../helpers/waitUntil.js";

let sim: CloudflareSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe("the simulator speaks the real API: the official cloudflare SDK against it", () => {
  it("gets, lists and edits invites, and reports a missing one as NotFound", async () => {
    sim = await startCloudflareSimulator({ auth: { token: TOKEN } });
    const id = inviteId(1);
    sim.setInvite(inviteFixture(id, { roles: [{ id: "05784afa30c1afe1440e79d9351c7430", name: "Administrator", description: "Full access", permissions: {} }] }));
    const client = new Cloudflare({ apiToken: TOKEN, baseURL: sim.baseUrl, maxRetries: 0 });

    const invite = await client.user.invites.get(id);
    expect(invite).toMatchObject({ id, status: "pending", organization_name: "Example Org", invited_member_email: "new.member@example.com" });
    const listed = [];
    for await (const item of client.user.invites.list()) listed.push(item.id);
    expect(listed).toEqual([id]);
    const edited = await client.user.invites.edit(id, { status: "accepted" });
    expect(edited.status).toBe("accepted");
    await expect(client.user.invites.get(inviteId(2))).rejects.toBeInstanceOf(Cloudflare.NotFoundError);
    await expect(new Cloudflare({ apiToken: "wrong", baseURL: sim.baseUrl, maxRetries: 0 }).user.invites.get(id)).rejects.toBeInstanceOf(Cloudflare.AuthenticationError);
  });
});

describe("the list, as the official SDK reads it (client.user.invites.list(), a single page)", () => {
  it.each([
    { listNonPending: true, expected: ["pending", "accepted", "rejected"] },
    { listNonPending: false, expected: ["pending"] },
  ])("lists non-pending invites too: $listNonPending", async ({ listNonPending, expected }) => {
    sim = await startCloudflareSimulator({ auth: { token: TOKEN }, listNonPending });
    ["pending", "accepted", "rejected"].forEach((status, i) => sim!.setInvite(inviteFixture(inviteId(i + 1), { status })));
    const client = new Cloudflare({ apiToken: TOKEN, baseURL: sim.baseUrl, maxRetries: 0 });
    const statuses = [];
    for await (const item of client.user.invites.list()) statuses.push(item.status);
    expect(statuses).toEqual(expected);
  });

  it("honours the same faults and rate rule on the list as on the get endpoint", async () => {
    sim = await startCloudflareSimulator({ auth: { token: TOKEN }, rateLimit: { limit: 2, windowMs: 60_000 } });
    sim.setInvite(inviteFixture(inviteId(1)));
    const client = new Cloudflare({ apiToken: TOKEN, baseURL: sim.baseUrl, maxRetries: 0 });
    const list = async () => {
      const ids = [];
      for await (const item of client.user.invites.list()) ids.push(item.id);
      return ids;
    };
    expect(await list()).toEqual([inviteId(1)]);
    expect(await list()).toEqual([inviteId(1)]);
    await expect(list()).rejects.toBeInstanceOf(Cloudflare.RateLimitError);
  });
});

describe("scenarios", () => {
  it("plays a timeline: a status change, a vanishing invite, a 429 with rate headers, a 500 and a slow answer", async () => {
    sim = await startCloudflareSimulator();
    const [a, b] = [inviteId(1), inviteId(2)];
    const scenario = parseScenario(
      {
        invites: [
          { ...inviteFixture(a), expires_in: "1h" },
          { ...inviteFixture(b), expires_on: undefined },
        ],
        timeline: [
          { at: "100ms", invite: a, set: { status: "accepted" } },
          { at: "100ms", invite: b, remove: true },
          { at: "150ms", respond: { status: 429, retryAfter: 7 } },
          { at: "150ms", respond: { status: 500 } },
          { at: "150ms", respond: { delay: "300ms" } },
        ],
      },
      "test scenario",
    );
    const start = new Date();
    playScenario(sim, scenario, start);
    const get = (id: string) => got(`${sim!.baseUrl}/user/invites/${id}`, { throwHttpErrors: false, retry: { limit: 0 } });

    const early = await get(a);
    const body = JSON.parse(early.body) as { result: { status: string; expires_on: string } };
    expect(body.result.status).toBe("pending");
    expect(Date.parse(body.result.expires_on) - start.getTime()).toBe(3_600_000);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const limited = await get(a);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers["retry-after"]).toBe("7");
    expect(limited.headers.ratelimit).toBe('"default";r=0;t=7');
    expect((await get(a)).statusCode).toBe(500);
    const t0 = Date.now();
    const slow = await get(a);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect((JSON.parse(slow.body) as { result: { status: string } }).result.status).toBe("accepted");
    expect((await get(b)).statusCode).toBe(404);
  });

  it("rejects a malformed scenario, naming the path", () => {
    expect(() => parseScenario({ timeline: [{ at: "soon" }] }, "s.json")).toThrow(/s\.json: not a valid scenario: timeline\.0\.at: expected a duration/);
    expect(() => parseScenario({ invites: [{ id: "nope" }] }, "s.json")).toThrow(/invites\.0\.id: expected 32 lowercase hexadecimal/);
  });

  it("runs as `invite-monitor simulate` and serves generated invites", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "simulate", "--port", "0", "--invites", "3"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    try {
      await waitUntil(() => /CLOUDFLARE_BASE_URL=(\S+)/.test(out));
      const baseUrl = /CLOUDFLARE_BASE_URL=(\S+)/.exec(out)![1]!;
      const list = await got(`${baseUrl}/user/invites`).json<{ success: boolean; result: Array<{ id: string; status: string }> }>();
      expect(list.success).toBe(true);
      expect(list.result).toHaveLength(3);
      expect(list.result.every((i) => i.status === "pending")).toBe(true);
    } finally {
      child.kill("SIGINT");
    }
  });
});

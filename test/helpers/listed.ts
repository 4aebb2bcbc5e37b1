import { inviteFixture, inviteId, startHarness, type Harness, type HarnessOptions } from "./harness.js";

/** A harness with the list on and `count` tracked invites, each of them in the simulator's list. */
export async function startListed(count: number, options: HarnessOptions = {}): Promise<{ h: Harness; ids: string[] }> {
  const h = await startHarness({ ...options, env: { CLOUDFLARE_LIST: "on", ...options.env } });
  const ids = Array.from({ length: count }, (_, i) => inviteId(i + 1));
  for (const id of ids) h.sim.setInvite(inviteFixture(id));
  await h.track(ids);
  return { h, ids };
}

/** The simulator's GET /user/invites requests (every page). */
export const listRequestsOf = (h: Harness) => h.sim.requests.filter((r) => r.inviteId === null && r.path.includes("/user/invites"));
/** The simulator's GET /user/invites/{id} requests. */
export const getRequestsOf = (h: Harness) => h.sim.requests.filter((r) => r.inviteId !== null);

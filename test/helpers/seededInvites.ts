// A handful of invites in every state the status page shows, served by the Cloudflare simulator: the fixture of the
// status page's tests (in-process, and in a browser against a real daemon).
import { answers, type CloudflareSimulator } from "../../src/simulator/cloudflareSimulator.js";
import { inviteFixture, inviteId } from "./harness.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Each invite's id, label and what the simulator makes of it. */
export const SEEDED = {
  /** Pending, three days left. */
  alice: { id: inviteId(0xa1), label: "Alice (new SRE)", email: "alice@example.com", org: "Acme Infra" },
  /** Pending at first, accepted once `acceptBob` is called: its timeline has a change. */
  bob: { id: inviteId(0xb0b), label: "Bob, finance", email: "bob@example.com", org: "Acme Finance" },
  /** Rejected. */
  carol: { id: inviteId(0xca401), label: "Carol", email: "carol@example.com", org: "Acme Infra" },
  /** Past its expires_on while Cloudflare still says pending: expired by the date. */
  dave: { id: inviteId(0xda7e), label: "Dave <script>alert(1)</script>", email: "dave@example.com", org: "Evil & Co" },
  /** Every answer a 502: failing. */
  erin: { id: inviteId(0xe1), label: "Erin", email: "erin@example.com", org: "Acme Infra" },
  /** Never served: a 404 before it was ever seen, so not visible to the token. */
  frank: { id: inviteId(0xf4a), label: "Frank", email: null, org: null },
} as const;

export type SeededName = keyof typeof SEEDED;

/** Serves the seeded invites, expiries counted from `now`. */
export function serveSeeded(sim: CloudflareSimulator, now: Date): void {
  const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
  const invite = (name: Exclude<SeededName, "frank">, fields: Record<string, unknown>) =>
    sim.setInvite(inviteFixture(SEEDED[name].id, { invited_member_email: SEEDED[name].email, organization_name: SEEDED[name].org, ...fields }));
  invite("alice", { expires_on: at(3 * DAY) });
  invite("bob", { expires_on: at(5 * HOUR) });
  invite("carol", { status: "rejected", expires_on: at(2 * DAY) });
  invite("dave", { expires_on: at(-2 * HOUR) });
  invite("erin", { expires_on: at(4 * DAY) });
  sim.script(SEEDED.erin.id, ...Array.from({ length: 10_000 }, () => answers.serverError(502)));
}

export function acceptBob(sim: CloudflareSimulator): void {
  sim.updateInvite(SEEDED.bob.id, { status: "accepted" });
}

/** The seed file: ids, labels, and one channel column (Bob's cards go to another channel). */
export function seedFileText(): string {
  return [
    "# invites of the status page tests",
    ...Object.entries(SEEDED).map(([name, s]) => `${s.id}${name === "bob" ? " channel=C0FINANCE1" : ""} ${s.label}`),
    "",
  ].join("\n");
}

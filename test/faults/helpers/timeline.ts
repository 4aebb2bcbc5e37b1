import { randomBytes } from "node:crypto";
import type { CloudflareSimulator } from "../../../src/simulator/cloudflareSimulator.js";

export type FinalStatus = "accepted" | "rejected" | "gone";

/** One change the simulator makes to one invite: pending → accepted, rejected, or gone (404). */
export interface Transition {
  id: string;
  /** Offset from the start of the timeline. */
  atMs: number;
  to: FinalStatus;
}

/** A small seeded PRNG (mulberry32), so a failing timeline can be replayed with FAULTS_SEED. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function pickSeed(): number {
  const fromEnv = Number(process.env.FAULTS_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : randomBytes(4).readUInt32BE(0);
}

/** An Invite object as Cloudflare serves it, expiring far enough away that no expiry threshold is crossed. */
export function inviteObject(id: string, index: number): { id: string } & Record<string, unknown> {
  const now = Date.now();
  return {
    id,
    invited_member_id: null,
    organization_id: "org-faults",
    organization_name: "Fault Suite Org",
    invited_by: "admin@example.com",
    invited_member_email: `member-${index}@example.com`,
    invited_on: new Date(now - 86_400_000).toISOString(),
    expires_on: new Date(now + 10 * 86_400_000).toISOString(),
    organization_is_enforcing_twofactor: false,
    roles: ["Administrator Read Only"],
    status: "pending",
  };
}

/** `count` fresh invite ids (random, so no two tests or runs share one). */
export function freshIds(count: number): string[] {
  return Array.from({ length: count }, () => randomBytes(16).toString("hex"));
}

/** Every invite flips once, at a random time within `durationMs`: 45% accepted, 45% rejected, 10% gone. */
export function makeTimeline(ids: readonly string[], durationMs: number, random: () => number): Transition[] {
  return ids
    .map((id): Transition => {
      const roll = random();
      const to: FinalStatus = roll < 0.45 ? "accepted" : roll < 0.9 ? "rejected" : "gone";
      return { id, atMs: Math.round(random() * durationMs), to };
    })
    .sort((a, b) => a.atMs - b.atMs);
}

/** Plays the timeline on the simulator; resolves once every transition happened. */
export async function playTimeline(sim: CloudflareSimulator, timeline: Transition[], start: number): Promise<void> {
  await Promise.all(
    timeline.map(
      (t) =>
        new Promise<void>((resolve) => {
          setTimeout(
            () => {
              if (t.to === "gone") sim.removeInvite(t.id);
              else sim.updateInvite(t.id, { status: t.to });
              resolve();
            },
            Math.max(0, start + t.atMs - Date.now()),
          );
        }),
    ),
  );
}

const HEX_ID = /[0-9a-f]{32}/g;

/** The invite ids a Slack message names, in its text or its blocks (a digest names several). */
export function idsInMessage(message: { text: string; blocks: unknown[] }, known: ReadonlySet<string>): Set<string> {
  const haystack = `${message.text}\n${JSON.stringify(message.blocks)}`;
  return new Set([...haystack.matchAll(HEX_ID)].map((m) => m[0]).filter((id) => known.has(id)));
}

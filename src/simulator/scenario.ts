import { z } from "zod";
import { DURATION_FORM, parseDuration } from "../lib/duration.js";
import { describeIssues } from "../lib/describeIssues.js";
import { InviteMonitorError } from "../lib/errors.js";
import { isInviteId } from "../invites/inviteId.js";
import { answers, type CloudflareSimulator, type ScriptedResponse } from "./cloudflareSimulator.js";

const duration = z.string().refine((text) => parseDuration(text) !== null, { message: `expected ${DURATION_FORM}` }).transform((t) => parseDuration(t)!);

const inviteSpec = z.looseObject({
  id: z.string().refine(isInviteId, { message: "expected 32 lowercase hexadecimal characters" }),
  /** Sets expires_on relative to the scenario's start (wins over an expires_on given too). */
  expires_in: duration.optional(),
});

const respondSpec = z.object({
  status: z.number().int().min(100).max(599).optional(),
  /** With status 429: the retry-after header, in seconds. */
  retryAfter: z.number().int().min(0).optional(),
  /** "html" answers an HTML error page, like Cloudflare's edge does. */
  body: z.enum(["json", "html"]).optional(),
  delay: duration.optional(),
});

const eventSpec = z.object({
  at: duration,
  /** The invite the event is about; omit for "every request". */
  invite: z.string().optional(),
  /** Fields to change on the invite (status, expires_on, ...). */
  set: z.record(z.string(), z.unknown()).optional(),
  /** The invite vanishes: 404 from then on. */
  remove: z.boolean().optional(),
  /** The next `count` answers (for this invite, or any) are this one. */
  respond: respondSpec.optional(),
  count: z.number().int().min(1).max(10_000).default(1),
});

export const scenarioSchema = z.object({
  invites: z.array(inviteSpec).default([]),
  timeline: z.array(eventSpec).default([]),
  rateLimit: z.object({ limit: z.number().int().min(1), window: duration }).optional(),
  latency: duration.optional(),
});
export type Scenario = z.infer<typeof scenarioSchema>;

/** Validates a scenario (from a JSON file), naming the first problems and their paths. */
export function parseScenario(json: unknown, source: string): Scenario {
  const parsed = scenarioSchema.safeParse(json);
  if (!parsed.success) throw new InviteMonitorError("INPUT_INVALID", `${source}: not a valid scenario: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * Loads the scenario's invites into the simulator and plays its timeline from `start`. Returns a function that
 * cancels what has not happened yet.
 */
export function playScenario(sim: CloudflareSimulator, scenario: Scenario, start: Date): () => void {
  for (const { expires_in, ...invite } of scenario.invites) {
    sim.setInvite({
      ...invite,
      ...(expires_in === undefined ? {} : { expires_on: new Date(start.getTime() + expires_in).toISOString() }),
    });
  }
  // One timer per moment, its events applied in the file's order: separate timers for the same moment may fire in
  // any order (their delays are computed a millisecond apart), which would reorder two scripted answers.
  const moments = new Map<number, Array<Scenario["timeline"][number]>>();
  for (const event of scenario.timeline) moments.set(event.at, [...(moments.get(event.at) ?? []), event]);
  const timers = [...moments].map(([at, events]) =>
    setTimeout(() => {
      for (const event of events) {
        if (event.invite && event.set) sim.updateInvite(event.invite, event.set);
        if (event.invite && event.remove) sim.removeInvite(event.invite);
        if (event.respond) sim.script(event.invite ?? "*", ...Array.from({ length: event.count }, () => toResponse(event.respond!)));
      }
    }, Math.max(0, start.getTime() + at - Date.now())),
  );
  return () => timers.forEach(clearTimeout);
}

function toResponse(spec: z.infer<typeof respondSpec>): ScriptedResponse {
  const base =
    spec.status === 429
      ? answers.rateLimited(spec.retryAfter ?? 60)
      : spec.body === "html"
        ? answers.htmlError(spec.status ?? 502)
        : spec.status !== undefined && spec.status >= 400
          ? answers.serverError(spec.status)
          : {};
  return { ...base, ...(spec.status === undefined || base.status ? {} : { status: spec.status }), ...(spec.delay === undefined ? {} : { delayMs: spec.delay }) };
}

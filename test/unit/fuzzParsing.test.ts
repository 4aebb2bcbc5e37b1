// Issue 5, "bad input": the Invite and envelope parsing, and the HTTP client around it, fuzzed with generated bodies.
// Whatever Cloudflare (or a proxy in front of it) answers, parsing resolves to one documented outcome with a bounded
// message, and never throws.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCloudflareClient, type CloudflareClient, type FetchOutcome } from "../../src/cloudflare/cloudflareClient.js";
import { envelopeSchema, parseInvite } from "../../src/cloudflare/parseInvite.js";
import { pauseAfter429 } from "../../src/cloudflare/pauseAfter429.js";
import { readRateLimit, slowdownFromRateLimit } from "../../src/cloudflare/rateLimitHeaders.js";
import { parseHttpDate } from "../../src/lib/httpDate.js";
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from "../../src/lib/parseRetryAfter.js";
import type { InviteFields } from "../../src/invites/inviteState.js";
import { makeRedactor } from "../../src/lib/redact.js";
import { startCloudflareSimulator, type CloudflareSimulator } from "../../src/simulator/cloudflareSimulator.js";
import { bodySpec, bodyText, dateText, envelopeSpec, envelopeValue, fixture, hostileValue, ID, inviteObject, inviteSpec, materialize, type Spec } from "../helpers/fuzzBodies.js";

/** Fixed, so a failure replays; raise numRuns locally to search harder. */
const SEED = 20_261_128;
const TOKEN = "fuzz-token-3c1d7e9a5b2f4c6d8e0a1b2c3d4e5f60";
/** Property (a): any failure message stays below this. */
const MAX_MESSAGE = 1_000;

// ---------------------------------------------------------------------------------------------------------------
// What every outcome must look like.

const KINDS = ["invite", "not-found", "rate-limited", "rejected", "failure"];
const isValidDate = (d: unknown) => d instanceof Date && Number.isFinite(d.getTime());

function expectInviteFields(fields: InviteFields): void {
  const optionalText = (value: unknown, max: number) => value === null || (typeof value === "string" && value.length <= max);
  expect(optionalText(fields.apiStatus, 100), "apiStatus").toBe(true);
  expect(fields.expiresOn === null || isValidDate(fields.expiresOn), "expiresOn is a valid Date or null").toBe(true);
  expect(fields.invitedOn === null || isValidDate(fields.invitedOn), "invitedOn is a valid Date or null").toBe(true);
  expect(optionalText(fields.invitedMemberId, 1_000), "invitedMemberId").toBe(true);
  expect(typeof fields.organizationId === "string" && fields.organizationId.length <= 1_000, "organizationId").toBe(true);
  for (const key of ["invitedMemberEmail", "organizationName", "invitedBy"] as const) expect(optionalText(fields[key], 1_000), key).toBe(true);
  expect(Array.isArray(fields.roles) && fields.roles.length <= 1_000 && fields.roles.every((r) => typeof r === "string" && r.length <= 1_000), "roles").toBe(true);
  expect(fields.twoFactorEnforced === null || typeof fields.twoFactorEnforced === "boolean", "twoFactorEnforced").toBe(true);
}

function expectBoundedMessage(message: unknown): void {
  expect(typeof message).toBe("string");
  const text = message as string;
  expect(text.length).toBeGreaterThan(0);
  expect(text.length).toBeLessThan(MAX_MESSAGE);
  expect(text).not.toContain(TOKEN);
}

function expectDocumentedOutcome(outcome: FetchOutcome): void {
  expect(KINDS).toContain(outcome.kind);
  if ("rateLimit" in outcome && outcome.rateLimit !== null) {
    expect(typeof outcome.rateLimit.remaining).toBe("number");
    expect(typeof outcome.rateLimit.resetSeconds).toBe("number");
  }
  switch (outcome.kind) {
    case "invite":
      expect(typeof outcome.payload === "object" && outcome.payload !== null && !Array.isArray(outcome.payload)).toBe(true);
      expectInviteFields(outcome.fields);
      break;
    case "rate-limited":
      expect(outcome.retryAfterMs === null || (Number.isFinite(outcome.retryAfterMs) && outcome.retryAfterMs >= 0 && outcome.retryAfterMs <= MAX_RETRY_AFTER_MS)).toBe(true);
      break;
    case "rejected":
      expect([401, 403]).toContain(outcome.status);
      expectBoundedMessage(outcome.message);
      break;
    case "failure":
    case "not-found":
      expectBoundedMessage(outcome.message);
      break;
  }
}

// ---------------------------------------------------------------------------------------------------------------

describe("parseInvite and envelopeSchema on generated results", () => {
  it("parseInvite never throws: an Invite with well-typed fields, or a problem under 1,000 characters", () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: inviteSpec(200_000).map((s) => inviteObject(s, ID) as Spec) }, { weight: 1, arbitrary: hostileValue(200_000) }), (spec) => {
        const result = parseInvite(materialize(spec), ID);
        if (result.ok) {
          accepted += 1;
          expect(typeof result.payload === "object" && result.payload !== null && !Array.isArray(result.payload)).toBe(true);
          expectInviteFields(result.fields);
        } else {
          refused += 1;
          expect(typeof result.problem).toBe("string");
          expect(result.problem.length).toBeGreaterThan(0);
          expect(result.problem.length).toBeLessThan(MAX_MESSAGE);
        }
      }),
      { seed: SEED, numRuns: 600 },
    );
    // The generator reaches both sides, or the property says little.
    expect(accepted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  });

  it("refuses an Invite whose dates are not real dates, and never accepts an Invalid Date", () => {
    fc.assert(
      fc.property(fc.constantFrom("expires_on", "invited_on"), dateText, (key, text) => {
        const result = parseInvite({ ...fixture(ID), [key]: text }, ID);
        if (result.ok) expect(isValidDate(key === "expires_on" ? result.fields.expiresOn : result.fields.invitedOn)).toBe(true);
        else expect(result.problem).toContain(key);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it("envelopeSchema.safeParse never throws, and what it accepts has a boolean success and error lists", () => {
    fc.assert(
      fc.property(fc.oneof(envelopeSpec(20_000).map((s) => envelopeValue(s, ID) as Spec), hostileValue(20_000)), (spec) => {
        const parsed = envelopeSchema.safeParse(materialize(spec));
        if (parsed.success) {
          expect(typeof parsed.data.success).toBe("boolean");
          expect(Array.isArray(parsed.data.errors)).toBe(true);
          expect(Array.isArray(parsed.data.messages)).toBe(true);
        } else {
          expect(parsed.error.issues.length).toBeGreaterThan(0);
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});

describe("the Cloudflare client on generated HTTP answers", () => {
  let sim: CloudflareSimulator;
  let client: CloudflareClient;
  let raw: { server: Server; answer: { status: number; body: Buffer }; client: CloudflareClient };

  beforeAll(async () => {
    sim = await startCloudflareSimulator({ auth: { token: TOKEN } });
    client = createCloudflareClient({ baseUrl: sim.baseUrl, auth: { kind: "token", token: TOKEN }, timeoutMs: 5_000, redact: makeRedactor([TOKEN]) });
    // The simulator writes strings as UTF-8; raw bytes (invalid UTF-8) need a server of their own.
    const answer = { status: 200, body: Buffer.alloc(0) };
    const server = createServer((_req, res) => {
      res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    raw = {
      server,
      answer,
      client: createCloudflareClient({ baseUrl: `http://127.0.0.1:${port}/client/v4`, auth: { kind: "token", token: TOKEN }, timeoutMs: 5_000, redact: makeRedactor([TOKEN]) }),
    };
  });
  afterAll(async () => {
    await sim?.close();
    raw?.server.closeAllConnections();
    await new Promise<void>((resolve) => (raw ? raw.server.close(() => resolve()) : resolve()));
  });

  const status = fc.oneof(
    { weight: 6, arbitrary: fc.constant(200) },
    { weight: 2, arbitrary: fc.constant(404) },
    { weight: 3, arbitrary: fc.constantFrom(201, 204, 301, 304, 400, 401, 403, 409, 429, 500, 502, 503, 520, 599) },
  );
  const headerText = fc.string({ unit: fc.constantFrom(..."0123456789 ;,=.-\"aAdefltrZGMT:\t"), maxLength: 40 });
  const headers = fc.oneof(
    { weight: 3, arbitrary: fc.constant<Record<string, string>>({}) },
    {
      weight: 1,
      arbitrary: fc.record(
        {
          ratelimit: fc.oneof(headerText, fc.tuple(fc.stringMatching(/^[0-9]{1,30}$/), fc.stringMatching(/^[0-9]{1,30}$/)).map(([r, t]) => `"default";r=${r};t=${t}`)),
          "retry-after": fc.oneof(headerText, fc.stringMatching(/^[0-9]{1,400}(\.[0-9]{1,5})?$/), fc.date({ noInvalidDate: true }).map((d) => d.toUTCString())),
          "content-type": fc.constantFrom("application/json", "text/html", "application/json; charset=iso-8859-1", "application/octet-stream"),
        },
        { requiredKeys: [] },
      ),
    },
  );

  it("getInvite resolves to a documented outcome, with a bounded, secret-free message, for any body, status and headers", async () => {
    const kinds = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(bodySpec(100_000), status, headers, async (spec, code, extraHeaders) => {
        sim.script(ID, { status: code, body: bodyText(spec, ID), headers: extraHeaders });
        const outcome = await client.getInvite(ID);
        kinds.set(outcome.kind, (kinds.get(outcome.kind) ?? 0) + 1);
        expectDocumentedOutcome(outcome);
      }),
      { seed: SEED, numRuns: 250 },
    );
    // Every outcome is reached, and enough bodies get through to an Invite for the field checks to mean something.
    expect([...kinds.keys()].sort()).toEqual(["failure", "invite", "not-found", "rate-limited", "rejected"]);
    expect(kinds.get("invite")).toBeGreaterThanOrEqual(10);
  });

  it("getInvite resolves to a documented outcome for raw bytes that are not UTF-8, alone or inside a JSON envelope", async () => {
    const invalidUtf8 = fc.constantFrom(
      [0xff], [0xfe, 0xff], [0x80], [0xc0, 0x80], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x00], [0x01, 0x1f],
    );
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.array(fc.oneof(invalidUtf8, fc.array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength: 5 })), { maxLength: 20 }).map((parts) => Buffer.from(parts.flat())),
    );
    const where = fc.constantFrom("alone", "organization_name", "unknown_field", "key", "status", "roles");
    await fc.assert(
      fc.asyncProperty(bytes, where, status, async (junk, place, code) => {
        const before = `{"success":true,"errors":[],"messages":[],"result":{"id":"${ID}","invited_member_id":null,"organization_id":"o","roles":["a"],`;
        const body =
          place === "alone"
            ? junk
            : place === "key"
              ? Buffer.concat([Buffer.from(`${before}"`), junk, Buffer.from('":1}}')])
              : place === "roles"
                ? Buffer.concat([Buffer.from(before.replace('"roles":["a"],', '"roles":["')), junk, Buffer.from('"]}}')])
                : Buffer.concat([Buffer.from(`${before}"${place}":"`), junk, Buffer.from('"}}')]);
        raw.answer.status = code;
        raw.answer.body = body;
        const outcome = await raw.client.getInvite(ID);
        expectDocumentedOutcome(outcome);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe("a hostile Ratelimit header", () => {
  // Polling slows down by what the Ratelimit headers ask (pollInvite: slowdownFromRateLimit -> pauseAll), and a 429
  // pauses by pauseAfter429. Like retry-after (capped at MAX_RETRY_AFTER_MS, "a broken header must not silence the
  // monitor for years"), every pause they ask for must be a finite number of milliseconds within that cap.
  const number = fc.oneof(
    { weight: 6, arbitrary: fc.stringMatching(/^[0-9]{1,4}$/) },
    { weight: 1, arbitrary: fc.stringMatching(/^-?[0-9]{1,20}(\.[0-9]{1,4})?$/) },
    { weight: 1, arbitrary: fc.constantFrom("", '"5"', "?1", "many", ":AA==:") },
  );
  const param = (key: string) => fc.oneof({ weight: 8, arbitrary: number.map((v) => (v === "" ? `;${key}` : `;${key}=${v}`)) }, { weight: 1, arbitrary: fc.constant("") });
  const name = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('"default"', '"burst"', "default") }, { weight: 1, arbitrary: fc.constantFrom("5", '("a" "b")', "") });
  const list = (a: string, b: string) => fc.array(fc.tuple(name, param(a), param(b), fc.constantFrom("", ";pk=:cHJvamVjdA==:")).map((parts) => parts.join("")), { maxLength: 4 }).map((items) => items.join(", "));
  const header = (a: string, b: string) => fc.oneof(fc.constant(undefined), list(a, b), fc.array(list(a, b), { maxLength: 3 }), fc.string({ maxLength: 40 }));

  it("asks for a pause that is finite and at most the retry-after cap, for any Ratelimit and Ratelimit-Policy", () => {
    let readable = 0;
    fc.assert(
      fc.property(header("r", "t"), header("q", "w"), fc.integer({ min: 1, max: 60_000 }), (ratelimit, policy, spacingMs) => {
        const state = readRateLimit(ratelimit, policy);
        if (state) {
          readable += 1;
          expect(state.items.length).toBeGreaterThan(0);
          expect(state.items).toContainEqual(expect.objectContaining({ remaining: state.remaining, resetSeconds: state.resetSeconds }));
          for (const n of [state.remaining, state.resetSeconds]) expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
        }
        for (const pauseMs of [slowdownFromRateLimit(state, spacingMs), pauseAfter429(null, state)]) {
          expect(Number.isFinite(pauseMs)).toBe(true);
          expect(pauseMs).toBeGreaterThanOrEqual(0);
          expect(pauseMs).toBeLessThanOrEqual(MAX_RETRY_AFTER_MS);
        }
      }),
      { seed: SEED, numRuns: 1_000 },
    );
    // Enough generated headers are readable for the checks on a state to mean something.
    expect(readable).toBeGreaterThan(50);
  });

  it("asks for a pause that is finite and at most the retry-after cap, for digits of any length", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,400}$/), fc.stringMatching(/^[0-9]{1,400}$/), (r, t) => {
        const pauseMs = slowdownFromRateLimit(readRateLimit(`"default";r=${r};t=${t}`, `"default";q=${r};w=${t}`), 1_000);
        expect(Number.isFinite(pauseMs)).toBe(true);
        expect(pauseMs).toBeLessThanOrEqual(MAX_RETRY_AFTER_MS);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe("a hostile retry-after", () => {
  const NOW = new Date("2025-03-01T12:00:00.000Z");
  const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  // Whole seconds within 49 years of NOW, where a two-digit year has only one reading.
  const instant = fc.integer({ min: -49 * 365 * 86_400, max: 49 * 365 * 86_400 }).map((s) => new Date(NOW.getTime() + s * 1000));
  const forms = {
    imf: (d: Date) => d.toUTCString(),
    rfc850: (d: Date) => {
      const [, day, month, year, time] = d.toUTCString().split(" ");
      return `${DAYS[d.getUTCDay()]}, ${day}-${month}-${year!.slice(2)} ${time} GMT`;
    },
    asctime: (d: Date) => {
      const [dayName, day, month, year, time] = d.toUTCString().split(" ");
      return `${dayName!.slice(0, 3)} ${month} ${String(Number(day)).padStart(2, " ")} ${time} ${year}`;
    },
  };

  it("reads each of the three HTTP-date forms back to the instant it was made from", () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...(Object.keys(forms) as (keyof typeof forms)[])), (date, form) => {
        expect(parseHttpDate(forms[form](date), NOW)?.toISOString()).toBe(date.toISOString());
      }),
      { seed: SEED, numRuns: 600 },
    );
  });

  it("gives null or a pause within the cap, and never throws, for any text", () => {
    const near = fc.string({ unit: fc.constantFrom(..."0123456789 ,:-SunMoTeWdhFrSatJnFbMrApyJlAgSpOcNvDGT"), maxLength: 40 });
    fc.assert(
      fc.property(fc.oneof(near, fc.string({ maxLength: 40 }), instant.map(forms.imf), instant.map(forms.rfc850), instant.map(forms.asctime)), (text) => {
        const ms = parseRetryAfter(text, NOW);
        if (ms !== null) expect(Number.isFinite(ms) && ms >= 0 && ms <= MAX_RETRY_AFTER_MS).toBe(true);
        const date = parseHttpDate(text, NOW);
        if (date !== null) expect(Number.isFinite(date.getTime())).toBe(true);
      }),
      { seed: SEED, numRuns: 600 },
    );
  });
});

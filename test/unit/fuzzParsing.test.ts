// Issue 5, "bad input": the Invite and envelope parsing, and the HTTP client around it, fuzzed with generated bodies.
// Whatever Cloudflare (or a proxy in front of it) answers, parsing resolves to one documented outcome with a bounded
// message, and never throws.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCloudflareClient, type CloudflareClient, type FetchOutcome } from "../../src/cloudflare/cloudflareClient.js";
import { envelopeSchema, parseInvite } from "../../src/cloudflare/parseInvite.js";
import { MAX_RETRY_AFTER_MS, parseRateLimitHeader, slowdownFromRateLimit } from "../../src/cloudflare/rateLimitHeaders.js";
import type { InviteFields } from "../../src/invites/inviteState.js";
import { makeRedactor } from "../../src/lib/redact.js";
import { startCloudflareSimulator, type CloudflareSimulator } from "../../src/simulator/cloudflareSimulator.js";

/** Fixed, so a failure replays; raise numRuns locally to search harder. */
const SEED = 20_261_128;
const TOKEN = "fuzz-token-3c1d7e9a5b2f4c6d8e0a1b2c3d4e5f60";
const ID = "4f5f0c14a2a41d5063dd301b2f829f04";
const OTHER_ID = "0123456789abcdef0123456789abcdef";
/** Property (a): any failure message stays below this. */
const MAX_MESSAGE = 1_000;

// ---------------------------------------------------------------------------------------------------------------
// Generated values. Deep nesting is generated as a marker and built only when used, so that a counterexample
// prints as a few lines instead of blowing the reporter's stack.

interface Deep {
  $deep: number;
  $shape: "array" | "object";
}
type Spec = null | boolean | number | string | Deep | Spec[] | { [key: string]: Spec };
/** A key left out of the object (as opposed to present with null). */
const MISSING = "\u0000<missing>";

const SPECIAL = [
  "\u0000", "\u0001", "\u001f", "\u007f", "\ud800", "\udbff", "\udc00", "\udfff", "\ufeff", "\ufffd", "\u2028", "\u202e",
  "<", ">", "&", '"', "\\", "/", "\n", "\r", "\t", " ", "é", "😀", "\u{10ffff}", "a", "0", "#", "%", "{", "}", "[", "]", ":", ",",
];

/** Strings that break things: control characters, lone surrogates, BOMs, markup, and huge ones. */
const hostileString = (maxHuge: number): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
    { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...SPECIAL), maxLength: 40 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("<!channel>", "<@U123>", "<http://x|y>", "</script><script>alert(1)</script>", "__proto__", "constructor", "", " ", "null", "pending", "accepted", ID, ID.toUpperCase()),
    },
    {
      weight: maxHuge > 1_001 ? 1 : 0,
      arbitrary: fc.tuple(fc.constantFrom("x", "\u0000", "😀", "<", "\ud800", "é"), fc.integer({ min: 1_001, max: Math.max(1_001, maxHuge) })).map(([c, n]) => c.repeat(n)),
    },
  );

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** ISO-looking dates, valid and not: day 30 of February, hour 24, year 0, offsets that move the year, junk. */
const dateText: fc.Arbitrary<string> = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc
    .record({
      y: fc.integer({ min: 0, max: 9_999 }),
      mo: fc.integer({ min: 0, max: 13 }),
      d: fc.integer({ min: 0, max: 32 }),
      h: fc.integer({ min: 0, max: 25 }),
      mi: fc.integer({ min: 0, max: 61 }),
      s: fc.integer({ min: 0, max: 61 }),
      frac: fc.option(fc.stringMatching(/^[0-9]{1,12}$/), { nil: null }),
      offset: fc.oneof(
        fc.constant("Z"),
        fc.tuple(fc.constantFrom("+", "-"), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 })).map(([sign, h, m]) => `${sign}${pad(h, 2)}:${pad(m, 2)}`),
      ),
    })
    .map((p) => `${pad(p.y, 4)}-${pad(p.mo, 2)}-${pad(p.d, 2)}T${pad(p.h, 2)}:${pad(p.mi, 2)}:${pad(p.s, 2)}${p.frac === null ? "" : `.${p.frac}`}${p.offset}`),
  fc.constantFrom(
    "2026-02-30T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+01:00", "not a date", "",
    "2026-12-04", "2026-12-04T12:00:00", "1764849600", "+275760-09-13T00:00:00.000Z", "-000001-01-01T00:00:00Z", "2026-12-04T12:00:00Z\u0000",
  ),
);

const deep: fc.Arbitrary<Deep> = fc.record({ $deep: fc.constantFrom(10, 1_000, 3_000, 20_000, 100_000), $shape: fc.constantFrom("array" as const, "object" as const) });

const leaf = (maxHuge: number): fc.Arbitrary<Spec> =>
  fc.oneof(
    hostileString(maxHuge),
    dateText,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(1e308, -0, 2 ** 53 + 1, -1),
  );

/** Any JSON value (shallow), a hostile string, or a deeply nested one. */
const hostileValue = (maxHuge: number): fc.Arbitrary<Spec> =>
  fc.oneof(
    { weight: 4, arbitrary: leaf(maxHuge) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Spec> },
    { weight: 1, arbitrary: fc.array(leaf(maxHuge), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.dictionary(hostileString(50), leaf(maxHuge), { maxKeys: 3 }) },
    { weight: 1, arbitrary: deep },
  );

const rolesValue = (maxHuge: number): fc.Arbitrary<Spec> =>
  fc.oneof(
    fc.array(fc.oneof(hostileString(maxHuge), fc.record({ name: hostileValue(maxHuge) }), fc.record({ id: hostileValue(maxHuge) }), fc.constant({}), hostileValue(maxHuge)), { maxLength: 5 }),
    fc.constantFrom<Spec>(Array.from({ length: 1_001 }, (_, i) => `role ${i}`), ["Administrator"], [{ id: "r1", name: "Admin", permissions: {} }]),
  );

const INVITE_KEYS = [
  "id", "invited_member_id", "organization_id", "status", "expires_on", "invited_on", "invited_by", "invited_member_email",
  "organization_name", "organization_is_enforcing_twofactor", "roles",
] as const;

/** Values the schema may well accept for a field, but which are hostile all the same (NUL, lone surrogates, year 0). */
const plausibleFor = (key: string, maxHuge: number): fc.Arbitrary<Spec> => {
  switch (key) {
    case "expires_on":
    case "invited_on":
      return fc.oneof(dateText, fc.constant(null));
    case "roles":
      return fc.array(fc.oneof(hostileString(1_000), fc.record({ name: hostileString(1_000) }), fc.record({ id: hostileString(1_000) })), { maxLength: 5 });
    case "organization_is_enforcing_twofactor":
      return fc.oneof(fc.boolean(), fc.constant(null));
    case "status":
      return fc.oneof(fc.constantFrom<Spec>("pending", "accepted", "rejected", "expired", "revoked", null), hostileString(100));
    case "id":
      return fc.constantFrom<Spec>(ID, ID.toUpperCase(), OTHER_ID, ` ${ID}`, "");
    default:
      return INVITE_KEYS.includes(key as (typeof INVITE_KEYS)[number]) ? fc.oneof(hostileString(1_000), fc.constant(null)) : hostileValue(maxHuge);
  }
};

/** A real-looking Invite with a few fields replaced, removed, or added: type confusion field by field. */
interface InviteSpec {
  changes: Array<[string, Spec]>;
  removed: string[];
  idCase: "same" | "upper" | "other" | "missing";
}
const inviteKey = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<string>(...INVITE_KEYS) },
  { weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", "extra", "") },
  { weight: 1, arbitrary: hostileString(50) },
);
const inviteSpec = (maxHuge: number): fc.Arbitrary<InviteSpec> =>
  fc.record({
    changes: fc.array(
      inviteKey.chain((key) =>
        fc.tuple(fc.constant(key), fc.oneof({ weight: 5, arbitrary: plausibleFor(key, maxHuge) }, { weight: 1, arbitrary: hostileValue(maxHuge) }, { weight: 1, arbitrary: rolesValue(maxHuge) })),
      ),
      { maxLength: 3 },
    ),
    removed: fc.oneof({ weight: 4, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: fc.subarray<string>([...INVITE_KEYS], { minLength: 1, maxLength: 3 }) }),
    idCase: fc.constantFrom("same", "same", "same", "same", "upper", "other", "missing"),
  });

function fixture(id: string): Record<string, Spec> {
  return {
    id,
    invited_member_id: null,
    organization_id: "5a7805061c76ada191ed06f989cc3dac",
    organization_name: "Example Org",
    invited_by: "admin@example.com",
    invited_member_email: "new.member@example.com",
    invited_on: "2026-11-27T12:00:00Z",
    expires_on: "2026-12-04T12:00:00Z",
    organization_is_enforcing_twofactor: false,
    roles: ["Account Administrator"],
    status: "pending",
  };
}

function inviteObject(spec: InviteSpec, id: string): Record<string, Spec> {
  const invite = fixture(id);
  for (const key of spec.removed) delete invite[key];
  for (const [key, value] of spec.changes) Object.defineProperty(invite, key, { value, enumerable: true, writable: true, configurable: true });
  if (spec.idCase === "upper") invite.id = id.toUpperCase();
  if (spec.idCase === "other") invite.id = OTHER_ID;
  if (spec.idCase === "missing") delete invite.id;
  return invite;
}

/** The envelope around the result, itself sometimes broken. */
interface EnvelopeSpec {
  success: Spec;
  errors: Spec;
  messages: Spec;
  result: InviteSpec | { raw: Spec };
  extra: Record<string, Spec>;
}
const messageList = (maxHuge: number): fc.Arbitrary<Spec> =>
  fc.oneof(
    fc.constant<Spec>([]),
    fc.array(fc.record({ code: fc.oneof(fc.integer(), fc.constantFrom(1e308, -0.5), hostileValue(maxHuge)), message: fc.oneof(hostileString(maxHuge), hostileValue(maxHuge)) }), { maxLength: 5 }),
    hostileValue(maxHuge),
    fc.constant(MISSING),
  );
const envelopeSpec = (maxHuge: number): fc.Arbitrary<EnvelopeSpec> =>
  fc.record({
    success: fc.oneof({ weight: 8, arbitrary: fc.constant<Spec>(true) }, { weight: 2, arbitrary: fc.constant<Spec>(false) }, { weight: 1, arbitrary: hostileValue(maxHuge) }, { weight: 1, arbitrary: fc.constant(MISSING) }),
    errors: fc.oneof({ weight: 4, arbitrary: fc.constant<Spec>([]) }, { weight: 1, arbitrary: messageList(maxHuge) }),
    messages: fc.oneof({ weight: 4, arbitrary: fc.constant<Spec>([]) }, { weight: 1, arbitrary: messageList(maxHuge) }),
    result: fc.oneof({ weight: 5, arbitrary: inviteSpec(maxHuge) }, { weight: 1, arbitrary: fc.record({ raw: fc.oneof(hostileValue(maxHuge), fc.constant(MISSING)) }) }),
    extra: fc.dictionary(hostileString(30), hostileValue(maxHuge), { maxKeys: 2 }),
  });

/** The body text: a (possibly cut, possibly prefixed) JSON envelope, or anything at all. */
type BodySpec =
  | { kind: "envelope"; envelope: EnvelopeSpec; prefix: string; cutAt: number | null }
  | { kind: "text"; text: string }
  | { kind: "deep"; deep: Deep };
const bodySpec = (maxHuge: number): fc.Arbitrary<BodySpec> =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant("envelope" as const),
        envelope: envelopeSpec(maxHuge),
        prefix: fc.oneof({ weight: 8, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.constantFrom("\ufeff", " \r\n\t", ")]}',\n", "\u0000") }),
        cutAt: fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("text" as const),
        text: fc.oneof(
          hostileString(maxHuge),
          fc.constantFrom(
            "", "null", "[]", "{}", "1e999", "true", '"success"', '{"success": true, "result": {"id": ', '{"success":true}', '{"success":false}',
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
            `{"success":true,"errors":[],"messages":[],"result":{"id":"${ID}","id":"${OTHER_ID}","invited_member_id":null,"organization_id":"o"}}`,
            `{"success":true,"errors":[],"messages":[],"result":{"__proto__":{"status":"accepted"},"invited_member_id":null,"organization_id":"o"}}`,
          ),
        ),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("deep" as const), deep }) },
  );

function buildDeep(d: Deep): unknown {
  let value: unknown = 0;
  for (let i = 0; i < d.$deep; i += 1) value = d.$shape === "array" ? [value] : { a: value };
  return value;
}
function deepText(d: Deep): string {
  return d.$shape === "array" ? `${"[".repeat(d.$deep)}0${"]".repeat(d.$deep)}` : `${'{"a":'.repeat(d.$deep)}0${"}".repeat(d.$deep)}`;
}
const isDeep = (v: unknown): v is Deep => typeof v === "object" && v !== null && "$deep" in v && "$shape" in v;

/** Turns a spec into the value JSON.parse would give. */
function materialize(spec: Spec): unknown {
  if (isDeep(spec)) return buildDeep(spec);
  if (Array.isArray(spec)) return spec.map(materialize);
  if (spec && typeof spec === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(spec)) if (value !== MISSING) Object.defineProperty(out, key, { value: materialize(value), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return spec;
}

function envelopeValue(spec: EnvelopeSpec, id: string): Record<string, Spec> {
  const out: Record<string, Spec> = {};
  for (const [key, value] of Object.entries(spec.extra)) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  const set = (key: string, value: Spec) => {
    if (value !== MISSING) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  };
  set("success", spec.success);
  set("errors", spec.errors);
  set("messages", spec.messages);
  set("result", "raw" in spec.result ? spec.result.raw : inviteObject(spec.result, id));
  return out;
}

/** JSON text with the deep markers written out as text (JSON.stringify of a 100k-deep value would overflow). */
function toJsonText(value: Spec): string {
  const deeps: Deep[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (isDeep(v)) {
      deeps.push(v);
      return `@@deep${deeps.length - 1}@@`;
    }
    return v === MISSING ? undefined : v;
  });
  return text.replace(/"@@deep(\d+)@@"/g, (_m, i: string) => deepText(deeps[Number(i)]!));
}

function bodyText(spec: BodySpec, id: string): string {
  if (spec.kind === "text") return spec.text;
  if (spec.kind === "deep") return `{"success":true,"errors":[],"messages":[],"result":${deepText(spec.deep)}}`;
  const text = toJsonText(envelopeValue(spec.envelope, id));
  return spec.prefix + (spec.cutAt === null ? text : text.slice(0, spec.cutAt % (text.length + 1)));
}

// ---------------------------------------------------------------------------------------------------------------
// What every outcome must look like.

const KINDS = ["invite", "gone", "rate-limited", "unauthorized", "failure"];
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
    case "unauthorized":
      expect([401, 403]).toContain(outcome.status);
      expectBoundedMessage(outcome.message);
      break;
    case "failure":
      expectBoundedMessage(outcome.message);
      break;
    case "gone":
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
    expect([...kinds.keys()].sort()).toEqual(["failure", "gone", "invite", "rate-limited", "unauthorized"]);
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
  // Polling slows down by what the Ratelimit header asks (pollInvite: slowdownFromRateLimit -> pauseAll). Like
  // retry-after (capped at MAX_RETRY_AFTER_MS, "a broken header must not silence the monitor for years"), the pause
  // it asks for must be a finite number of milliseconds within that cap.
  it("asks for a pause that is finite and at most the retry-after cap", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,400}$/), fc.stringMatching(/^[0-9]{1,400}$/), (r, t) => {
        const state = parseRateLimitHeader(`"default";r=${r};t=${t}`);
        const pauseMs = slowdownFromRateLimit(state, 1_000);
        expect(Number.isFinite(pauseMs)).toBe(true);
        expect(pauseMs).toBeLessThanOrEqual(MAX_RETRY_AFTER_MS);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

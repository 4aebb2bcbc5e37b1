// Generated Cloudflare answers for the fuzz tests (test/unit/fuzzParsing.test.ts, test/integration/fuzzPipeline.test.ts):
// hostile strings and values, plausible-but-wrong Invites, envelopes, and whole body texts.
import fc from "fast-check";
import { inviteFixture } from "./harness.js";

export const ID = "4f5f0c14a2a41d5063dd301b2f829f04";
const OTHER_ID = "0123456789abcdef0123456789abcdef";

// ---------------------------------------------------------------------------------------------------------------
// Generated values. Deep nesting is generated as a marker and built only when used, so that a counterexample
// prints as a few lines instead of blowing the reporter's stack.

interface Deep {
  $deep: number;
  $shape: "array" | "object";
}
export type Spec = null | boolean | number | string | Deep | Spec[] | { [key: string]: Spec };
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
export const dateText: fc.Arbitrary<string> = fc.oneof(
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
export const hostileValue = (maxHuge: number): fc.Arbitrary<Spec> =>
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
export const inviteSpec = (maxHuge: number): fc.Arbitrary<InviteSpec> =>
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

export function fixture(id: string): Record<string, Spec> {
  return inviteFixture(id) as Record<string, Spec>;
}

export function inviteObject(spec: InviteSpec, id: string): Record<string, Spec> {
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
export const envelopeSpec = (maxHuge: number): fc.Arbitrary<EnvelopeSpec> =>
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
export const bodySpec = (maxHuge: number): fc.Arbitrary<BodySpec> =>
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
export function materialize(spec: Spec): unknown {
  if (isDeep(spec)) return buildDeep(spec);
  if (Array.isArray(spec)) return spec.map(materialize);
  if (spec && typeof spec === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(spec)) if (value !== MISSING) Object.defineProperty(out, key, { value: materialize(value), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return spec;
}

export function envelopeValue(spec: EnvelopeSpec, id: string): Record<string, Spec> {
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

export function bodyText(spec: BodySpec, id: string): string {
  if (spec.kind === "text") return spec.text;
  if (spec.kind === "deep") return `{"success":true,"errors":[],"messages":[],"result":${deepText(spec.deep)}}`;
  const text = toJsonText(envelopeValue(spec.envelope, id));
  return spec.prefix + (spec.cutAt === null ? text : text.slice(0, spec.cutAt % (text.length + 1)));
}

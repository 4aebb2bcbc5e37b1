import { describeIssues } from "../lib/describeIssues.js";
import { envelopeSchema } from "./parseInvite.js";

/**
 * What one Cloudflare answer means, before anything is concluded from it. A 404 in particular proves nothing on
 * its own: Cloudflare answers a path it cannot route, an identifier it thinks invalid and (possibly) a missing
 * invite with the same envelope, so "not-found" is evidence for the caller to corroborate, never a verdict.
 */
export type ResponseClass =
  /** 2xx with `success: true`: `result` is still unchecked. */
  | { kind: "ok"; result: unknown; resultInfo: unknown }
  /** 404. `route` when the answer is Cloudflare's routing error (7003) or not a Cloudflare envelope at all. */
  | { kind: "not-found"; route: boolean; detail: string }
  | { kind: "rate-limited" }
  /** 401 or 403: these credentials, or this one object, are refused; only a credentials probe can tell which. */
  | { kind: "rejected"; status: number; detail: string }
  /**
   * Everything else: 5xx, 3xx, an HTML page, malformed JSON, `success: false` with a 2xx. Worth retrying. `routed`:
   * a 2xx whose body was too long to read, which still proves the request was routed and its credentials taken.
   */
  | { kind: "failure"; detail: string; routed?: true };

/** Cloudflare's "Could not route to ..., perhaps your object identifier is invalid?" (CLOUDFLARE.md). */
export const ROUTING_ERROR_CODE = 7003;
/** How much of an unexpected body a detail may quote. */
const SAMPLE_LENGTH = 120;

/**
 * Classifies an answer by its status, its envelope and its error codes. Pure; never throws. A `null` body is one too
 * long to read (the client stops it as it arrives): its status still means what it always means.
 */
export function classifyResponse(status: number, body: string | null): ResponseClass {
  if (status === 429) return { kind: "rate-limited" };
  if (body === null && status >= 200 && status < 300) return { kind: "failure", detail: `HTTP ${status} with an answer too long to read`, routed: true };
  const envelope = parseEnvelope(body);
  const detail = envelope.ok ? envelopeErrors(envelope.value.errors) : `${envelope.problem}: ${sample(body ?? "")}`;
  if (status === 401 || status === 403) return { kind: "rejected", status, detail: `HTTP ${status}: ${detail}` };
  if (status === 404) {
    const route = !envelope.ok || envelope.value.errors.some((e) => e.code === ROUTING_ERROR_CODE);
    return { kind: "not-found", route, detail: `HTTP 404: ${detail}` };
  }
  if (!envelope.ok) return { kind: "failure", detail: `HTTP ${status} with ${detail}` };
  if (status < 200 || status >= 300) return { kind: "failure", detail: `HTTP ${status}: ${detail}` };
  if (!envelope.value.success) return { kind: "failure", detail: `HTTP ${status} but success=false: ${detail}` };
  return { kind: "ok", result: envelope.value.result, resultInfo: envelope.value.result_info };
}

type EnvelopeResult = { ok: true; value: ReturnType<typeof envelopeSchema.parse> } | { ok: false; problem: string };

function parseEnvelope(body: string | null): EnvelopeResult {
  if (body === null) return { ok: false, problem: "an answer too long to read" };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, problem: body.trimStart().startsWith("<") ? "an HTML body, not JSON" : "a body that is not JSON" };
  }
  const parsed = envelopeSchema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problem: `a malformed envelope (${describeIssues(parsed.error)})` };
}

function envelopeErrors(errors: ReadonlyArray<{ code?: number; message?: string }>): string {
  if (errors.length === 0) return "no error details";
  return errors
    .slice(0, 3)
    .map((e) => `${e.code ?? "?"} ${(e.message ?? "").slice(0, SAMPLE_LENGTH)}`.trim())
    .join("; ");
}

/** A short, single-line quote of a body, so a detail says what came back without storing a whole page. */
function sample(body: string): string {
  const flat = body.replace(/\s+/g, " ").trim();
  if (flat === "") return "(empty body)";
  return JSON.stringify(flat.length > SAMPLE_LENGTH ? `${flat.slice(0, SAMPLE_LENGTH)}...` : flat);
}

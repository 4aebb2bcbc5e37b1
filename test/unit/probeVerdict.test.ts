import { describe, expect, it } from "vitest";
import type { ListOutcome, ProbeOutcome } from "../../src/cloudflare/cloudflareClient.js";
import { probeVerdict, type ProbeResult } from "../../src/cloudflare/probeVerdict.js";

describe("probeVerdict: what a probe's answer says about every request", () => {
  it.each<[string, ProbeOutcome | ListOutcome, ProbeResult]>([
    ["the list answers 200, too long to read: the route works", { kind: "failure", message: "HTTP 200, longer than 8388608 bytes: not read", rateLimit: null, routed: true }, "ok"],
    ["the token verifies as active", { kind: "accepted", rateLimit: null }, "ok"],
    ["the list answers", { kind: "list", invites: [], resultInfo: undefined, rateLimit: null }, "ok"],
    ["401 on the probe", { kind: "rejected", status: 401, message: "HTTP 401: 9109 Invalid access token", rateLimit: null }, "credentials"],
    ["403 on the probe", { kind: "rejected", status: 403, message: "HTTP 403: 10000 Authentication error", rateLimit: null }, "credentials"],
    ["a token that verifies but is disabled", { kind: "rejected", status: 200, message: 'the API token is "disabled"', rateLimit: null }, "credentials"],
    ["404 7003 on the probe: the base URL is wrong", { kind: "not-found", route: true, message: "HTTP 404: 7003 Could not route", rateLimit: null }, "route"],
    ["a plain 404 on the probe is just as wrong", { kind: "not-found", route: false, message: "HTTP 404", rateLimit: null }, "route"],
    ["a 500 on the probe", { kind: "failure", message: "HTTP 500", rateLimit: null }, "inconclusive"],
    ["a timeout on the probe", { kind: "failure", message: "request failed (ETIMEDOUT)", rateLimit: null }, "inconclusive"],
    ["a 429 on the probe", { kind: "rate-limited", retryAfterMs: 1_000, rateLimit: null }, "inconclusive"],
  ])("%s -> %s", (_name, outcome, expected) => {
    expect(probeVerdict(outcome, "route").result).toBe(expected);
  });

  it("a token verified by a 200 too long to read is not known to be active: inconclusive", () => {
    expect(probeVerdict({ kind: "failure", message: "HTTP 200, longer than 8388608 bytes: not read", rateLimit: null, routed: true }, "credentials").result).toBe("inconclusive");
  });

  it("keeps Cloudflare's words for a refusal", () => {
    expect(probeVerdict({ kind: "rejected", status: 401, message: "HTTP 401: 9109 Invalid access token", rateLimit: null }, "credentials").message).toBe("HTTP 401: 9109 Invalid access token");
  });
});

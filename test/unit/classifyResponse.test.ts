import { describe, expect, it } from "vitest";
import { classifyResponse, type ResponseClass } from "../../src/cloudflare/classifyResponse.js";

const env = (success: boolean, errors: Array<{ code: number; message: string }> = [], result: unknown = null) =>
  JSON.stringify({ success, errors, messages: [], result });
const html = "<html><head><title>404 Not Found</title></head><body>nginx</body></html>";

describe("classifyResponse: status + envelope + codes → what the answer means", () => {
  it.each<[string, number, string | null, ResponseClass["kind"], Record<string, unknown>?]>([
    ["a 200 with success:true", 200, env(true, [], { id: "x" }), "ok", { result: { id: "x" } }],
    ["a 200 with success:false", 200, env(false, [{ code: 1000, message: "odd" }]), "failure"],
    ["a 404 invite-not-found envelope", 404, env(false, [{ code: 1003, message: "Invite not found" }]), "not-found", { route: false }],
    ["Cloudflare's routing error 7003", 404, env(false, [{ code: 7003, message: "Could not route to /client/v3/user/invites/x" }]), "not-found", { route: true }],
    ["7003 among other codes", 404, env(false, [{ code: 1000, message: "a" }, { code: 7003, message: "b" }]), "not-found", { route: true }],
    ["a 404 HTML page from something that is not Cloudflare's API", 404, html, "not-found", { route: true }],
    ["a 404 with an empty body", 404, "", "not-found", { route: true }],
    ["a 404 with success:true (nonsense) is still only a 404", 404, env(true), "not-found", { route: false }],
    ["a 429", 429, env(false, [{ code: 971, message: "Please wait" }]), "rate-limited"],
    ["a 429 with an HTML body", 429, html, "rate-limited"],
    ["a 401", 401, env(false, [{ code: 9109, message: "Invalid access token" }]), "rejected", { status: 401 }],
    ["a 403", 403, env(false, [{ code: 10000, message: "Authentication error" }]), "rejected", { status: 403 }],
    ["a 403 HTML page", 403, html, "rejected", { status: 403 }],
    ["a 500 envelope", 500, env(false, [{ code: 10500, message: "Internal" }]), "failure"],
    ["a 502 HTML page", 502, html, "failure"],
    ["malformed JSON", 200, '{"success": true, "result": {', "failure"],
    ["JSON that is not an envelope", 200, JSON.stringify({ ok: true }), "failure"],
    ["a 301 redirect", 301, "", "failure"],
    ["a 204 with no body", 204, "", "failure"],
    ["a 200 too long to read: a failure that proves the route", 200, null, "failure", { routed: true }],
    ["a 429 too long to read", 429, null, "rate-limited"],
    ["a 401 too long to read", 401, null, "rejected", { status: 401 }],
    ["a 404 too long to read is no envelope", 404, null, "not-found", { route: true }],
    ["a 502 too long to read", 502, null, "failure"],
  ])("%s", (_name, status, body, kind, extra = {}) => {
    const answer = classifyResponse(status, body);
    expect(answer.kind).toBe(kind);
    expect(answer).toMatchObject(extra);
  });

  it("quotes what came back, briefly and on one line", () => {
    const answer = classifyResponse(502, `<html>\n${"x".repeat(5_000)}\n</html>`);
    expect(answer.kind).toBe("failure");
    const detail = (answer as { detail: string }).detail;
    expect(detail).toMatch(/^HTTP 502 with an HTML body, not JSON: "<html> x+/);
    expect(detail.length).toBeLessThan(200);
    expect(detail).not.toContain("\n");
  });

  it("names the envelope's error codes", () => {
    const answer = classifyResponse(404, env(false, [{ code: 7003, message: "Could not route to /x" }]));
    expect(answer).toMatchObject({ detail: "HTTP 404: 7003 Could not route to /x" });
  });

  it("passes the list endpoint's result_info on", () => {
    const body = JSON.stringify({ success: true, errors: [], messages: [], result: [], result_info: { page: 1, total_pages: 3 } });
    expect(classifyResponse(200, body)).toMatchObject({ kind: "ok", resultInfo: { page: 1, total_pages: 3 } });
  });
});

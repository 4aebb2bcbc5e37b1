import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCloudflareClient, type CloudflareClient } from "../../src/cloudflare/cloudflareClient.js";
import { envelope } from "../../src/simulator/cloudflareSimulator.js";
import { makeRedactor } from "../../src/lib/redact.js";

// Answers longer than the cap are stopped as they arrive, never buffered in full; what their status says still counts.
const TOKEN = "size-cap-token-0000000000000000000000000";
const CAP = 64 * 1024;
const LONG = 2 * 1024 * 1024;

interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** Sent with a content-length (the client can stop at the head), or chunked (it must count what arrives). */
  withLength: boolean;
  body: string;
}

let server: Server;
let client: CloudflareClient;
let answer: Answer;
/** Whether the last answer was written to the end before the client went away. */
let lastFinished: Promise<boolean>;

beforeAll(async () => {
  server = createServer((_req, res) => {
    lastFinished = new Promise((resolve) => res.once("close", () => resolve(res.writableFinished)));
    res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers, ...(answer.withLength ? { "content-length": String(Buffer.byteLength(answer.body)) } : {}) });
    void writeSlowly(res, answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  client = createCloudflareClient({ baseUrl: `http://127.0.0.1:${port}/client/v4`, auth: { kind: "token", token: TOKEN }, timeoutMs: 10_000, redact: makeRedactor([TOKEN]), maxAnswerBytes: CAP });
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

/** 16 KiB at a time, a few ms apart: the whole of a long answer takes far longer than the client needs to stop it. */
async function writeSlowly(res: ServerResponse, body: string): Promise<void> {
  for (let at = 0; at < body.length && !res.destroyed; at += 16 * 1024) {
    res.write(body.slice(at, at + 16 * 1024));
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  if (!res.destroyed) res.end();
}

/** A well-formed list of `bytes` or a little more. */
function listOf(bytes: number): string {
  const entry = { id: "0".repeat(32), organization_name: "x".repeat(400), status: "pending" };
  const count = Math.ceil(bytes / JSON.stringify(entry).length);
  return JSON.stringify(envelope(true, Array.from({ length: count }, (_, n) => ({ ...entry, id: n.toString(16).padStart(32, "0") }))));
}

describe("answers longer than the cap", () => {
  it.each([
    { name: "with a content-length", withLength: true },
    { name: "chunked", withLength: false },
  ])("a 200 list $name is a failure that proves the route, stopped before the server has sent it, its quota headers kept", async ({ withLength }) => {
    answer = { status: 200, withLength, body: listOf(LONG), headers: { ratelimit: '"default";r=50;t=30', "ratelimit-policy": '"default";q=1200;w=300' } };
    const outcome = await client.listInvites();
    expect(outcome).toMatchObject({ kind: "failure", routed: true });
    expect(outcome.rateLimit).not.toBeNull();
    expect(await lastFinished).toBe(false);
  });

  it("a 429 keeps its meaning and its retry-after", async () => {
    answer = { status: 429, withLength: false, body: "<html>" + "x".repeat(LONG) + "</html>", headers: { "retry-after": "120" } };
    expect(await client.getInvite("a".repeat(32))).toEqual({ kind: "rate-limited", retryAfterMs: 120_000, rateLimit: null });
    expect(await lastFinished).toBe(false);
  });

  it("a 404 page that long is no Cloudflare envelope: a routing fault, not evidence that an invite is gone", async () => {
    answer = { status: 404, withLength: true, body: "<html>" + "x".repeat(LONG) + "</html>" };
    expect(await client.getInvite("a".repeat(32))).toMatchObject({ kind: "not-found", route: true });
  });

  it("a single invite's 200 that long is that poll's failure, not an observation", async () => {
    answer = { status: 200, withLength: false, body: JSON.stringify(envelope(true, { id: "a".repeat(32), status: "pending", organization_name: "x".repeat(LONG) })) };
    expect(await client.getInvite("a".repeat(32))).toMatchObject({ kind: "failure", routed: true });
  });

  it("an answer just under the cap is read in full", async () => {
    answer = { status: 200, withLength: false, body: listOf(CAP - 2_000) };
    expect(Buffer.byteLength(answer.body)).toBeLessThanOrEqual(CAP);
    const outcome = await client.listInvites();
    expect(outcome.kind).toBe("list");
    expect(await lastFinished).toBe(true);
  });
});

import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A canned Slack answer. Slack's webhook errors are plain-text bodies such as "no_service". */
export interface SlackAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Never answers: for timeouts. */
  hang?: boolean;
  /** Reads the whole request, then closes the connection without answering: a reset after the request was written. */
  reset?: boolean;
}

export interface ReceivedMessage {
  at: number;
  path: string;
  text: string;
  blocks: unknown[];
  /** The whole posted body, for assertions on anything else. */
  raw: Record<string, unknown>;
  /** The status the simulator answered with; 0 when it hung or reset the connection instead. */
  status: number;
}

export interface SlackSimulatorOptions {
  port?: number;
  /** Like Slack: more than one message per this many ms is answered 429 with Retry-After. */
  minIntervalMs?: number;
  /** How long every unscripted answer takes. */
  delayMs?: number;
  /** Called with each message as it arrives. */
  onMessage?: (message: ReceivedMessage) => void;
}

export interface SlackSimulator {
  /** A webhook URL on this server, shaped like Slack's. */
  readonly webhookUrl: string;
  /** Every POST received, in order, whatever it was answered. */
  readonly received: ReceivedMessage[];
  /** Only the messages answered 200: what a channel would show. */
  delivered(): ReceivedMessage[];
  script(...answers: SlackAnswer[]): void;
  close(): Promise<void>;
}

export const slackAnswers = {
  serverError: (): SlackAnswer => ({ status: 500, body: "internal_error" }),
  /** Without a number, a 429 with no Retry-After header. */
  rateLimited: (retryAfterSeconds?: number): SlackAnswer => ({
    status: 429,
    body: "rate_limited",
    ...(retryAfterSeconds === undefined ? {} : { headers: { "retry-after": String(retryAfterSeconds) } }),
  }),
  invalidBlocks: (): SlackAnswer => ({ status: 400, body: "invalid_blocks" }),
  /** Slack took the message, perhaps, but the answer never comes. */
  hang: (): SlackAnswer => ({ status: 200, hang: true }),
  reset: (): SlackAnswer => ({ status: 200, reset: true }),
  noService: (): SlackAnswer => ({ status: 404, body: "no_service" }),
  invalidPayload: (): SlackAnswer => ({ status: 400, body: "invalid_payload" }),
  archived: (): SlackAnswer => ({ status: 410, body: "channel_is_archived" }),
};

/** A local Slack incoming webhook: records what it is sent, answers like Slack, including the ugly cases. */
export async function startSlackSimulator(options: SlackSimulatorOptions = {}): Promise<SlackSimulator> {
  const received: ReceivedMessage[] = [];
  const scripted: SlackAnswer[] = [];
  const hanging = new Set<ServerResponse>();
  let lastAccepted = -Infinity;

  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const at = Date.now();
      let raw: Record<string, unknown> = {};
      try {
        raw = JSON.parse(body) as Record<string, unknown>;
      } catch {
        // answered below as invalid_payload
      }
      let answer = scripted.shift();
      if (!answer && (req.method !== "POST" || typeof raw.text !== "string")) answer = slackAnswers.invalidPayload();
      if (!answer && options.minIntervalMs && at - lastAccepted < options.minIntervalMs) {
        answer = slackAnswers.rateLimited(Math.max(1, Math.ceil((lastAccepted + options.minIntervalMs - at) / 1000)));
      }
      answer ??= { status: 200, body: "ok", delayMs: options.delayMs };
      if (answer.status === 200) lastAccepted = at;
      const message = { at, path: req.url ?? "", text: String(raw.text ?? ""), blocks: Array.isArray(raw.blocks) ? raw.blocks : [], raw, status: answer.hang || answer.reset ? 0 : answer.status };
      received.push(message);
      options.onMessage?.(message);
      if (answer.hang) {
        hanging.add(res);
        return;
      }
      if (answer.reset) {
        req.socket.destroy();
        return;
      }
      const send = () => res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers }).end(answer.body ?? "");
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    webhookUrl: `http://127.0.0.1:${port}/services/T0SIMULATE/B0SIMULATE/sim${Math.random().toString(36).slice(2, 14)}`,
    received,
    delivered: () => received.filter((m) => m.status === 200),
    script: (...answers) => void scripted.push(...answers),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import pg from "pg";
import type { Logger } from "../lib/logger.js";
import { ALERT_CHANNEL, INVITE_CHANNEL, type WakeChannel } from "./wakeChannels.js";

export { ALERT_CHANNEL, INVITE_CHANNEL, type WakeChannel };

export interface WakeListener {
  close(): Promise<void>;
}

const RECONNECT_MIN_MS = 1_000;
const RECONNECT_MAX_MS = 30_000;

/**
 * Postgres LISTEN on one connection of its own: `onWake(channel)` runs when a committed change may have made work
 * due. A notification sent while the connection is down is lost, so every (re)connect wakes every channel once;
 * the loops' idle check covers the time in between. Errors are logged once per outage, never thrown.
 */
export function listenForWakes(databaseUrl: string, channels: readonly WakeChannel[], onWake: (channel: WakeChannel) => void, logger: Logger): WakeListener {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let delayMs = RECONNECT_MIN_MS;
  let down = false;

  const connect = async () => {
    if (closed) return;
    const next = new pg.Client({ connectionString: databaseUrl, keepAlive: true, keepAliveInitialDelayMillis: 10_000, connectionTimeoutMillis: 10_000 });
    const lost = (error?: Error) => {
      if (client !== next) return;
      client = null;
      next.removeAllListeners();
      void next.end().catch(() => {});
      if (closed) return;
      if (!down) logger.warn({ error: error?.message ?? "connection ended" }, "lost the Postgres LISTEN connection; waking on the idle check until it is back");
      down = true;
      retry = setTimeout(() => void connect(), delayMs);
      retry.unref();
      delayMs = Math.min(delayMs * 2, RECONNECT_MAX_MS);
    };
    client = next;
    next.on("error", lost);
    next.on("end", () => lost());
    next.on("notification", (message) => {
      if ((channels as readonly string[]).includes(message.channel)) onWake(message.channel as WakeChannel);
    });
    try {
      await next.connect();
      for (const channel of channels) await next.query(`LISTEN ${channel}`);
      if (closed) return void (await next.end().catch(() => {}));
      if (down) logger.info("the Postgres LISTEN connection is back");
      down = false;
      delayMs = RECONNECT_MIN_MS;
      for (const channel of channels) onWake(channel);
    } catch (error) {
      lost(error instanceof Error ? error : new Error(String(error)));
    }
  };
  void connect();

  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const current = client;
      client = null;
      await current?.end().catch(() => {});
    },
  };
}

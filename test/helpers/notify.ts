import type { Monitor } from "../../src/daemon/createMonitor.js";

/** Runs notifier ticks until one finds nothing to send (at most `max` ticks). Returns how many were sent. */
export async function notifyUntilIdle(monitor: Monitor, max = 100): Promise<number> {
  let sent = 0;
  for (let i = 0; i < max; i++) {
    const result = await monitor.notifyOnce();
    if (result.outcome === "idle" || result.outcome === "paused") return sent;
    sent += result.sent;
  }
  throw new Error(`notifier still busy after ${max} ticks`);
}

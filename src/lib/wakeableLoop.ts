import type { Logger } from "./logger.js";

export interface WakeableLoop {
  /** Ends the current sleep now, or the next one at once if a tick is running (a wake-up is never lost). */
  wake(): void;
  /** No new tick; resolves when the running one has finished. */
  stop(): Promise<void>;
}

/**
 * Runs `tick` again and again, sleeping between runs for as long as the tick asks (its return value, in ms) or
 * until woken. A tick that throws is logged and retried after `errorWaitMs`. Sleeping costs nothing: no timer
 * fires, no query runs, until the sleep ends or something wakes the loop.
 */
export function startWakeableLoop(options: { name: string; tick: () => Promise<number>; logger: Logger; errorWaitMs: number }): WakeableLoop {
  let stopped = false;
  let woken = false;
  let endSleep: (() => void) | null = null;
  let timer: NodeJS.Timeout | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopped) return resolve();
      endSleep = resolve;
      timer = setTimeout(resolve, Math.max(0, ms));
    }).finally(() => {
      clearTimeout(timer);
      endSleep = null;
    });

  const done = (async () => {
    while (!stopped) {
      woken = false;
      let waitMs: number;
      try {
        waitMs = await options.tick();
      } catch (error) {
        options.logger.error({ loop: options.name, error: error instanceof Error ? error.message : String(error) }, "loop tick failed; trying again");
        waitMs = options.errorWaitMs;
      }
      if (!stopped) await sleep(waitMs);
    }
  })();

  return {
    wake() {
      woken = true;
      endSleep?.();
    },
    async stop() {
      stopped = true;
      endSleep?.();
      await done;
    },
  };
}

import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's chromium package: playwright-core drives it, and downloads no browser of its own. */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Headless Chromium as this machine needs it: as root it cannot sandbox, and with the background services on it
 * tries to reach the (closed) network. Playwright gives every launch a fresh profile directory, removed on close.
 * Throws, rather than skipping, when the browser is missing: a browser test that silently does not run proves nothing.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser tests need Debian's chromium package (apt-get install -y chromium; .ci/run installs it)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
  });
}

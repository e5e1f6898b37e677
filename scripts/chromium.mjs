/**
 * Finds a Chromium for Playwright: Playwright's own build when it is on disk (a developer
 * who ran `npx playwright install`), else the distribution's package. Detect, don't hard-code:
 * Playwright's download host is unreachable on some machines, Debian's chromium is not on others.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Distribution paths, in order (Debian/Ubuntu's wrapper script first, then the binary). */
const SYSTEM_PATHS = ['/usr/bin/chromium', '/usr/lib/chromium/chromium'];

/** Playwright's bundled Chromium path if that file exists, else null. */
function playwrightChromium() {
  try {
    // `executablePath()` returns where the browser would be even when it was never downloaded.
    const { chromium } = require('playwright-core');
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/**
 * The Chromium executable to launch, or null when there is none.
 * @returns {string | null}
 */
export function findChromium() {
  return playwrightChromium() ?? SYSTEM_PATHS.find((path) => existsSync(path)) ?? null;
}

/** The Chromium executable to launch: Playwright's own if on disk, else the distribution's; null when none. */
export function findChromium(): string | null;

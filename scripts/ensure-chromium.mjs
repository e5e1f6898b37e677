/**
 * Makes sure a Chromium exists for the end-to-end tests. On Debian as root (CI images, this
 * project's machines) it installs the distribution package; elsewhere it says what to do.
 */
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChromium } from './chromium.mjs';

const found = findChromium();
if (found) {
  console.log(`Chromium: ${found}`);
} else if (existsSync('/etc/debian_version') && process.getuid?.() === 0) {
  execSync('apt-get update && apt-get install -y --no-install-recommends chromium', { stdio: 'inherit' });
  const installed = findChromium();
  if (!installed) {
    console.error('apt-get finished but no Chromium was found at /usr/bin/chromium.');
    process.exit(1);
  }
  console.log(`Chromium: ${installed}`);
} else {
  console.error("No Chromium found: install Playwright's (npx playwright install chromium) or your distribution's chromium package.");
  process.exit(1);
}

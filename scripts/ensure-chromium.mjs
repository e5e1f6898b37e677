/**
 * Makes sure the test suite's system parts exist: a Chromium for the end-to-end tests, and the
 * Vulkan loader through which Node's WebGPU (the `webgpu` package, Dawn) reaches Chromium's
 * bundled SwiftShader for the WGSL kernel tests. On Debian as root (CI images, this project's
 * machines) it installs the distribution packages; elsewhere it says what to do.
 */
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChromium } from './chromium.mjs';

const debianRoot = existsSync('/etc/debian_version') && process.getuid?.() === 0;
/** Whether the dynamic linker finds libvulkan.so.1 (ldconfig's cache; its usual paths where ldconfig is not on PATH). */
function vulkanLoader() {
  if (process.platform !== 'linux') return true;
  try {
    return execSync('ldconfig -p', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, PATH: `${process.env.PATH}:/sbin:/usr/sbin` } }).includes('libvulkan.so.1');
  } catch {
    return ['/usr/lib', '/usr/lib64', '/lib'].flatMap((dir) => [dir, `${dir}/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`]).some((dir) => existsSync(`${dir}/libvulkan.so.1`));
  }
}

const missing = [...(findChromium() ? [] : ['chromium']), ...(vulkanLoader() ? [] : ['libvulkan1'])];
if (missing.length && debianRoot) execSync(`apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`, { stdio: 'inherit' });

const chromium = findChromium();
if (!chromium) {
  console.error(
    missing.includes('chromium') && debianRoot
      ? 'apt-get finished but no Chromium was found at /usr/bin/chromium.'
      : "No Chromium found: install Playwright's (npx playwright install chromium) or your distribution's chromium package.",
  );
  process.exit(1);
}
console.log(`Chromium: ${chromium}`);
if (!vulkanLoader()) console.warn('No Vulkan loader (libvulkan.so.1): the WebGPU kernel tests in Node will be skipped (install libvulkan1).');

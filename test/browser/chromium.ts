// Headless Chromium for the browser tests: Debian's `chromium` package (.ci/run installs it),
// driven by playwright-core, which downloads no browser of its own. WebGPU runs on SwiftShader,
// Chromium's software Vulkan driver; GPU compositing stays on (--disable-gpu would turn WebGPU off).
// The network is closed on CI machines, so everything Chromium would fetch by itself is off.

import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const INSTALL = 'apt-get install -y --no-install-recommends chromium (what .ci/run does)';

const FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A fresh headless Chromium (playwright gives it a fresh profile directory, removed on close). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: ${INSTALL}`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

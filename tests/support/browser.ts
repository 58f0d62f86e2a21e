// Headless Chromium for the browser tests: Debian's `chromium` package driven by playwright-core (no browser
// download). Without it the test fails with the command that installs it; it never skips.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's package (sudo apt-get install -y chromium), as .ci/run ` +
        'does, or set CHROMIUM_PATH.',
    );
  }
  // Without the background-networking flags, Chromium's own calls home fail on a closed network, noisily.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

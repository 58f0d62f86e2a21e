// Headless Chromium for the browser tests, from the npm registry: @sparticuz/chromium's headless shell, unpacked to
// the temporary directory on first use, driven by playwright-core. CHROMIUM_PATH names another browser instead.
import sparticuz from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? (await sparticuz.executablePath()),
    // Not the package's own flags, made for Lambda (one process, web security off): a desktop browser's processes,
    // and none of Chromium's calls home, which fail noisily on a closed network.
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

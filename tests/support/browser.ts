// Headless Chromium for the browser tests, from the npm registry: @sparticuz/chromium's headless shell, unpacked to
// the temporary directory on first use, driven by playwright-core. CHROMIUM_PATH names another browser instead.
import sparticuz from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

// The page is tested as a user's browser runs it: with the same-origin policy and mixed-content blocking that the
// package turns off for its own (serverless) uses.
const INSECURE = new Set(['--disable-web-security', '--allow-running-insecure-content']);

// On a closed network Chromium's own calls home fail, noisily: none of them.
const OFFLINE = [
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  const own = process.env.CHROMIUM_PATH;
  return chromium.launch({
    executablePath: own ?? (await sparticuz.executablePath()),
    // The package's flags suit its own build (one process, no zygote); a browser of one's own runs as it is.
    args: [...(own ? [] : sparticuz.args.filter((flag) => !INSECURE.has(flag))), ...OFFLINE],
  });
}

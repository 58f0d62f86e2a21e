// The API reference page in a real browser (headless Chromium from the npm registry), on the e2e stack: it renders
// every operation with nothing failing and nothing fetched from elsewhere, and its "try it out" sends a list request
// with its prefilled examples and the sample token and shows the 200. A screenshot goes to test-output/ (its path is
// printed).
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_ONE } from '../support/contract.ts';
import { launchChromium } from '../support/browser.ts';
import { baseUrl } from '../support/http.ts';

const SCREENSHOT = fileURLToPath(new URL('../../test-output/reference-page.png', import.meta.url));

let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const origin = new URL(baseUrl).origin;
  page.on('console', (message) => {
    if (['error', 'warning'].includes(message.type())) problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on('request', (request) => {
    if (new URL(request.url()).origin !== origin && !request.url().startsWith('data:'))
      problems.push(`elsewhere: ${request.url()}`);
  });
  await page.goto(`${baseUrl}/api/docs`);
  await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
}, 60_000);

afterAll(() => browser?.close());

// No console error or warning (a header the browser rejects is one), no failed request, nothing fetched from
// another origin: while the page loaded, and during each test (a failure here fails the test it follows).
afterEach(() => {
  expect(problems.splice(0)).toEqual([]);
});

const operation = (id: string) => page.locator(`#operations-lambda_instances-${id}`);

describe('the reference page in Chromium', () => {
  it('shows every operation of the document', async () => {
    const paths = await page.locator('.opblock-summary-path').allInnerTexts();
    expect(new Set(paths.map((path) => path.replace(/\u200b/g, '')))).toEqual(
      new Set([
        '/backend/lambda-instances',
        '/api/lambda-instances',
        '/api/lambda-instances/{id}',
        '/backend/lambda-instances/{id}',
        '/api/docs',
        '/api/docs/{asset}',
        '/api/openapi.json',
        '/api/asyncapi.json',
      ]),
    );
    await expect(operation('listLambdaInstances').isVisible()).resolves.toBe(true);
    await expect(operation('getLambdaInstance').isVisible()).resolves.toBe(true);
  });

  it('"try it out" on the list, with its prefilled examples and the sample token, shows a 200', async () => {
    await page.click('button.authorize');
    await page.locator('.modal-ux input[type=text]').first().fill(`Token ${TOKEN_ONE}`);
    await page.locator('.modal-ux button.authorize').first().click();
    await page.locator('.modal-ux button.btn-done').first().click();
    const list = operation('listLambdaInstances');
    await list.locator('.opblock-summary').click();
    await list.locator('input[placeholder="limit"]').waitFor();
    const sent = page.waitForRequest((request) => new URL(request.url()).pathname === '/backend/lambda-instances');
    await list.locator('button.execute').click();
    const request = await sent;
    // The examples as the form shows them, and no made-up ETag.
    expect(new URL(request.url()).search).toBe('?limit=2&page=2&status=STARTED%2Cfailed');
    expect(await request.headerValue('if-none-match')).toBeNull();
    const status = list.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 15_000 });
    expect((await status.innerText()).trim()).toBe('200');
    const shown = await list.locator('.live-responses-table').innerText();
    expect(shown).toContain('Another Lambda Instance');
    expect(shown).toContain('"pages": 3');
    mkdirSync(new URL('../../test-output/', import.meta.url), { recursive: true });
    await list.scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT });
    console.info(`reference page screenshot: ${SCREENSHOT}`);
  }, 30_000);
});

// End to end, nothing mocked: headless Chromium (Debian's) opens the storefront served by
// the real nginx with the generated config (and by the dev server), in front of the real
// gateway, inventory, billing API and worker on PostgreSQL and RabbitMQ. It sees movies,
// pages through them, places orders and watches them complete (and one get rejected).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { seedData } from '@marquee/inventory';
import { startNginx, type RunningNginx } from './lib/nginx.ts';
import { startStack, type Stack } from './lib/stack.ts';
import { launchChromium, watchPages, type Chromium, type PageWatch } from '../helpers/chromium.ts';

const repo = new URL('../../', import.meta.url).pathname;
const screenshot = join(repo, 'docs/img/storefront.png');

// Every entry the contract names exists, so a missing one is a failure (startStack names it),
// never a skip: a skip here let CI pass green with no end-to-end test run at all.
describe('storefront end to end (Chromium → nginx → gateway → inventory/billing → PostgreSQL/RabbitMQ)', {
  timeout: 150_000,
}, () => {
  let stack: Stack;
  let nginx: RunningNginx;
  let browser: Chromium;
  let context: BrowserContext;
  /** Console and page errors, and requests the page tried to make to anything but the server under test. */
  let watch: PageWatch;

  before(async () => {
    // inventory at debug logs every request with its id: the test follows one order's id there.
    stack = await startStack({ logLevels: { inventory: 'debug' } });
    nginx = await startNginx({ gateway: stack.urls['api-gateway'] });
    browser = await launchChromium({ viewport: { width: 1280, height: 860 }, timeout: 30_000 });
    context = browser.context;
    // The storefront must not reach the internet (no CDN, no web fonts): record and block.
    watch = await watchPages(context, { allowed: (url) => url.hostname === '127.0.0.1' });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await nginx?.stop();
    await stack?.stop();
  });

  async function open(base: string): Promise<Page> {
    const page = await context.newPage();
    const res = await page.goto(`${base}/`);
    assert.equal(res?.status(), 200);
    await page.getByRole('button', { name: `Order ${seedData[0]![0]}` }).waitFor({ timeout: 15_000 });
    return page;
  }

  /** Select a movie, set the price, submit; returns the order's list item once it reached a final state. */
  async function order(page: Page, title: string, price: string) {
    await page.getByRole('button', { name: `Order ${title}`, exact: true }).click();
    assert.equal(await page.locator('#price:focus').count(), 1, 'focus moves to the price');
    await page.getByLabel('Price (USD)').fill(price);
    await page.getByRole('button', { name: 'Place order' }).click();
    const item = page.locator('#orders li.order').first();
    await item.locator('.title', { hasText: title }).waitFor();
    await item.and(page.locator('[data-status="completed"], [data-status="rejected"], [data-status="failed"]')).waitFor({ timeout: 30_000 });
    return { status: await item.getAttribute('data-status'), id: await item.getAttribute('data-order-id'), text: await item.innerText() };
  }

  it('lists movies 20 per page and pages forward and back', async () => {
    const page = await open(nginx.url);
    const titles = () => page.locator('#movies li h3').allInnerTexts();
    const first = await titles();
    assert.deepEqual(first, seedData.slice(0, 20).map((m) => m[0]));
    assert.match(await page.getByRole('status').first().innerText(), /Showing 20 movies/);
    assert.equal(await page.getByRole('button', { name: 'Previous' }).isDisabled(), true);

    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2').waitFor();
    await page.locator('#movies li h3', { hasText: seedData[20]![0] }).waitFor();
    assert.deepEqual(await titles(), seedData.slice(20, 40).map((m) => m[0]));

    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('Page 1').waitFor();
    await page.locator('#movies li h3', { hasText: seedData[0]![0] }).waitFor();
    await page.close();
  });

  it('refuses an invalid price in the page, sending nothing', async () => {
    const page = await open(nginx.url);
    let posted = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST') posted++;
    });
    await page.getByRole('button', { name: `Order ${seedData[1]![0]}` }).click();
    await page.getByLabel('Price (USD)').fill('-3');
    await page.getByRole('button', { name: 'Place order' }).click();
    assert.match(await page.locator('#price-error').innerText(), /Enter an amount like 4\.99/);
    assert.equal(await page.getByLabel('Price (USD)').getAttribute('aria-invalid'), 'true');
    assert.equal(posted, 0);
    await page.close();
  });

  it('places an order through nginx and shows it completed; the stack agrees', async () => {
    const page = await open(nginx.url);
    const title = seedData[0]![0];
    const post = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/orders');
    const placed = await order(page, title, '7.50');
    assert.equal((await post).status(), 202);
    assert.equal(placed.status, 'completed', placed.text);
    assert.match(placed.text, /\$7\.50/);
    // What the page shows is what billing stored.
    const stored = (await (await fetch(`${stack.urls['api-gateway']}/api/orders/${placed.id}`)).json()) as Record<string, unknown>;
    assert.equal(stored.status, 'completed');
    assert.equal(stored.price, 7.5);
    assert.equal(stored.movie_id, 1);
    // The id nginx gave the browser's POST travelled gateway → billing → outbox → RabbitMQ →
    // worker → inventory's movie check, where it is logged.
    const requestId = (await post).headers()['x-request-id']!;
    assert.match(requestId, /^[0-9a-f]{32}$/, 'minted by nginx');
    const logged = (line: string) => line.includes(`"reqId":"${requestId}"`) && line.includes('/api/movies/1');
    const until = Date.now() + 5000;
    while (Date.now() < until && !stack.log('inventory').split('\n').some(logged)) await new Promise((r) => setTimeout(r, 100));
    assert.ok(stack.log('inventory').split('\n').some(logged), `inventory never logged request ${requestId} for movie 1`);
    const png = await page.screenshot({ fullPage: false });
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    // docs/img/storefront.png is committed; refresh it on purpose, not on every test run.
    if (process.env.MARQUEE_SCREENSHOT === '1') {
      mkdirSync(dirname(screenshot), { recursive: true });
      writeFileSync(screenshot, png);
    }
    await page.close();
  });

  it('shows an order for a movie deleted meanwhile as rejected', async () => {
    const page = await open(nginx.url);
    const [title] = seedData[2]!;
    // The movie disappears from the catalogue after the page listed it.
    const del = await fetch(`${stack.urls.inventory}/api/movies/3`, { method: 'DELETE' });
    assert.ok(del.ok, `DELETE /api/movies/3: ${del.status}`);
    const placed = await order(page, title, '3.99');
    assert.equal(placed.status, 'rejected', placed.text);
    await page.close();
  });

  it('can be used with the keyboard alone', async () => {
    const page = await open(nginx.url);
    const [title] = seedData[5]!;
    await page.getByRole('button', { name: `Order ${title}` }).focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#price:focus').count(), 1);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('2.25');
    await page.keyboard.press('Enter'); // submits the form
    const item = page.locator('#orders li.order', { hasText: title });
    await item.and(page.locator('[data-status="completed"]')).waitFor({ timeout: 30_000 });
    assert.match(await item.innerText(), /\$2\.25/);
    await page.close();
  });

  it('works the same through the local dev server', async () => {
    const page = await open(stack.urls.web);
    const placed = await order(page, seedData[4]![0], '12.00');
    assert.equal(placed.status, 'completed', placed.text);
    await page.close();
  });

  it('made no request off the server, and logged no error or CSP violation', () => {
    assert.deepEqual(watch.offsite, []);
    assert.deepEqual(watch.problems, []);
  });
});

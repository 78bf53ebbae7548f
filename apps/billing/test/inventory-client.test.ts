// The worker's inventory client against the real inventory app: exists / unknown / down,
// and the positive-only cache.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InventoryClient, InventoryUnavailableError } from '../src/index.ts';
import { flakyHttp, inventoryServer, type FlakyHttp, type InventoryServer } from './helpers.ts';

let inventory: InventoryServer;
let front: FlakyHttp;

before(async () => {
  inventory = await inventoryServer('billing_invclient');
  front = await flakyHttp(inventory.url);
});
after(async () => {
  await front?.close();
  await inventory?.close();
});

describe('InventoryClient', () => {
  it('answers true for a seeded movie, false for an unknown one, throws InventoryUnavailableError when inventory is down', async () => {
    const c = new InventoryClient({ url: front.url });
    try {
      assert.equal(await c.movieExists(inventory.movieIds[0]!), true);
      assert.equal(await c.movieExists(999_999), false);
      front.down = true;
      await assert.rejects(c.movieExists(inventory.movieIds[0]!), InventoryUnavailableError);
    } finally {
      front.down = false;
      await c.close();
    }
  });

  it('caches only positive answers, for cacheMs', async () => {
    const c = new InventoryClient({ url: front.url, cacheMs: 300 });
    try {
      const r0 = front.requests;
      assert.equal(await c.movieExists(inventory.movieIds[1]!), true);
      assert.equal(await c.movieExists(inventory.movieIds[1]!), true);
      assert.equal(front.requests, r0 + 1, 'second answer from the cache');
      assert.equal(await c.movieExists(999_998), false);
      assert.equal(await c.movieExists(999_998), false);
      assert.equal(front.requests, r0 + 3, 'unknown movies are asked every time');
      await new Promise((r) => setTimeout(r, 350));
      assert.equal(await c.movieExists(inventory.movieIds[1]!), true);
      assert.equal(front.requests, r0 + 4, 'expired entries are asked again');
    } finally {
      await c.close();
    }
  });
});

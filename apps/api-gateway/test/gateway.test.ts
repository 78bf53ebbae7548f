// The gateway in front of a real inventory (its own PostgreSQL database): proxying,
// request-id propagation, and JSON 502/504 when the upstream is down or slow.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pg from 'pg';
import { baseConfigSpec, migrate, readConfig } from '@marquee/kit';
import { createTestDatabase, type TestDatabase } from '@marquee/kit/testing';
import { build as buildInventory, migrationsDir, seedMovies } from '@marquee/inventory';
import { build, readGatewayConfig } from '../src/index.ts';

let db: TestDatabase;
let inventory: ReturnType<typeof buildInventory>;
let inventoryUrl: string;
const seenIds: string[] = [];
let fakeBilling: Server;
let billingUrl: string;
const billingSaw: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];

const listen = async (s: Server) => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
};
/** A port that was just free: nothing listens there (an upstream that is down). */
async function deadPort(): Promise<string> {
  const s = createServer();
  const url = await listen(s);
  await new Promise((r) => s.close(r));
  return url;
}

const quiet = () => new Writable({ write: (_c, _e, cb) => cb() });

const gateway = (env: Record<string, string>) => {
  return build({ config: readGatewayConfig(env), logStream: quiet() });
};

before(async () => {
  db = await createTestDatabase('gw');
  await migrate({ database: db.name, dir: migrationsDir, connectionString: db.url });
  const config = { ...readConfig(baseConfigSpec('inventory'), {}), database: { connectionString: db.url } };
  inventory = buildInventory({ config, logStream: quiet() });
  inventory.addHook('onRequest', async (request) => {
    seenIds.push(String(request.headers['x-request-id']));
  });
  await seedMovies(inventory.pool);
  inventoryUrl = await inventory.listen({ port: 0, host: '127.0.0.1' });
  // Billing is another engineer's service; a plain HTTP server records what the gateway forwards.
  fakeBilling = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      billingSaw.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(202, { 'content-type': 'application/json', location: '/api/orders/o-1', 'x-request-id': 'billing-own' });
      res.end(JSON.stringify({ id: 'o-1', status: 'pending' }));
    });
  });
  billingUrl = await listen(fakeBilling);
});

after(async () => {
  await inventory?.close();
  await new Promise((r) => fakeBilling?.close(r));
  await db?.drop();
});

describe('proxying', () => {
  test('GET /api/movies and /api/movies/:id come from inventory, query string intact', async () => {
    const gw = gateway({ INVENTORY_URL: inventoryUrl, BILLING_URL: billingUrl });
    try {
      const list = await gw.inject('/api/movies?limit=3');
      assert.equal(list.statusCode, 200);
      const page = list.json();
      assert.equal(page.items.length, 3);
      const next = await gw.inject(`/api/movies?limit=3&cursor=${page.nextCursor}`);
      assert.equal(next.json().items[0].id, page.items[2].id + 1);
      const one = await gw.inject(`/api/movies/${page.items[0].id}`);
      assert.deepEqual(one.json(), page.items[0]);
      assert.match(String(one.headers['content-type']), /^application\/json/);
    } finally {
      await gw.close();
    }
  });

  test("inventory's 4xx answers pass through unchanged", async () => {
    const gw = gateway({ INVENTORY_URL: inventoryUrl, BILLING_URL: billingUrl });
    try {
      const bad = await gw.inject('/api/movies?limit=500');
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().field, 'querystring.limit');
      const missing = await gw.inject('/api/movies/99999');
      assert.equal(missing.statusCode, 404);
      const traversal = await gw.inject('/api/movies/..%2F..%2Fmetrics');
      assert.equal(traversal.statusCode, 400, 'an encoded path stays one id segment');
    } finally {
      await gw.close();
    }
  });

  test('POST /api/orders forwards the body byte for byte; GET /api/orders/:id too', async () => {
    const gw = gateway({ INVENTORY_URL: inventoryUrl, BILLING_URL: billingUrl });
    try {
      const body = '{"userId":"u-1",  "movieId":3, "price": 4.99}';
      const r = await gw.inject({ method: 'POST', url: '/api/orders', payload: body, headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1' } });
      assert.equal(r.statusCode, 202);
      assert.equal(r.headers.location, '/api/orders/o-1');
      assert.notEqual(r.headers['x-request-id'], 'billing-own', "the gateway's request id, not the upstream's");
      const saw = billingSaw.at(-1)!;
      assert.deepEqual([saw.method, saw.url, saw.body], ['POST', '/api/orders', body]);
      assert.equal(saw.headers['content-type'], 'application/json');
      assert.equal(saw.headers['idempotency-key'], 'k-1');
      await gw.inject('/api/orders/0b7c2e9e-4bd1-4a86-9c1e-1f0a3c1b7f00');
      assert.equal(billingSaw.at(-1)!.url, '/api/orders/0b7c2e9e-4bd1-4a86-9c1e-1f0a3c1b7f00');
      const big = await gw.inject({ method: 'POST', url: '/api/orders', payload: 'x'.repeat(20_000), headers: { 'content-type': 'application/json' } });
      assert.equal(big.statusCode, 413, 'the gateway bounds bodies before forwarding');
    } finally {
      await gw.close();
    }
  });

  test('GET /api/info reports name, version, environment and git sha', async () => {
    const gw = gateway({ INVENTORY_URL: inventoryUrl, APP_ENV: 'test', GIT_SHA: 'abc1234' });
    try {
      assert.deepEqual((await gw.inject('/api/info')).json(), { name: 'api-gateway', version: '0.1.0', environment: 'test', gitSha: 'abc1234' });
    } finally {
      await gw.close();
    }
  });
});

describe('request id', () => {
  test("the caller's x-request-id reaches inventory and comes back", async () => {
    const gw = gateway({ INVENTORY_URL: inventoryUrl });
    try {
      const r = await gw.inject({ url: '/api/movies?limit=1', headers: { 'x-request-id': 'trace-42' } });
      assert.equal(r.headers['x-request-id'], 'trace-42');
      assert.equal(seenIds.at(-1), 'trace-42');
      const gen = await gw.inject('/api/movies?limit=1');
      assert.match(String(gen.headers['x-request-id']), /^[0-9a-f-]{36}$/);
      assert.equal(seenIds.at(-1), gen.headers['x-request-id'], 'a generated id is propagated too');
    } finally {
      await gw.close();
    }
  });
});

describe('upstream failures', () => {
  test('upstream down → 502 JSON naming it, counted; the gateway stays ready', async () => {
    const gw = gateway({ INVENTORY_URL: await deadPort(), BILLING_URL: await deadPort() });
    try {
      for (const url of ['/api/movies', '/api/movies/1']) {
        const r = await gw.inject(url);
        assert.equal(r.statusCode, 502);
        assert.equal(r.json().code, 'UPSTREAM_UNAVAILABLE');
        assert.match(r.json().message, /^inventory is unavailable \(ECONNREFUSED\)$/);
        assert.equal(r.json().requestId, r.headers['x-request-id']);
      }
      const o = await gw.inject({ method: 'POST', url: '/api/orders', payload: '{}', headers: { 'content-type': 'application/json' } });
      assert.equal(o.statusCode, 502);
      assert.match(o.json().message, /^billing-api is unavailable/);
      assert.equal((await gw.inject('/readyz')).statusCode, 200, 'upstream outages do not make the gateway unready');
      const m = (await gw.inject('/metrics')).body;
      assert.match(m, /marquee_upstream_errors_total\{upstream="inventory",reason="unavailable"\} 2/);
      assert.match(m, /marquee_upstream_errors_total\{upstream="billing-api",reason="unavailable"\} 1/);
    } finally {
      await gw.close();
    }
  });

  test('upstream slow (its database table is locked) → 504 within the timeout, then recovers', async () => {
    const gw = gateway({ INVENTORY_URL: inventoryUrl, UPSTREAM_TIMEOUT_MS: '300' });
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN; LOCK TABLE movies IN ACCESS EXCLUSIVE MODE');
      const t0 = Date.now();
      const r = await gw.inject('/api/movies?limit=2');
      const ms = Date.now() - t0;
      assert.equal(r.statusCode, 504, r.body);
      assert.equal(r.json().code, 'UPSTREAM_TIMEOUT');
      assert.equal(r.json().message, 'inventory did not answer in time');
      assert.ok(ms >= 290 && ms < 2000, `answered after ${ms} ms`);
      await locker.query('ROLLBACK');
      const ok = await gw.inject('/api/movies?limit=2');
      assert.equal(ok.statusCode, 200, 'the pool recovers once the upstream is fast again');
      assert.match((await gw.inject('/metrics')).body, /marquee_upstream_errors_total\{upstream="inventory",reason="timeout"\} 1/);
    } finally {
      await locker.end();
      await gw.close();
    }
  });

  test('an upstream that stops while the gateway runs → 502, and back when it returns', async () => {
    const { build: b } = await import('@marquee/inventory');
    const config = { ...readConfig(baseConfigSpec('inventory'), {}), database: { connectionString: db.url } };
    let inv = b({ config, logStream: quiet() });
    const url = await inv.listen({ port: 0, host: '127.0.0.1' });
    const port = Number(new URL(url).port);
    const gw = gateway({ INVENTORY_URL: url });
    try {
      assert.equal((await gw.inject('/api/movies?limit=1')).statusCode, 200);
      await inv.close();
      assert.equal((await gw.inject('/api/movies?limit=1')).statusCode, 502);
      inv = b({ config, logStream: quiet() });
      await inv.listen({ port, host: '127.0.0.1' });
      assert.equal((await gw.inject('/api/movies?limit=1')).statusCode, 200);
    } finally {
      await gw.close();
      await inv.close();
    }
  });
});

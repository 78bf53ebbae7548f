// The orders API against a real PostgreSQL database and RabbitMQ vhost: input validation
// (one row per kind of bad input), the transactional write, reads, metrics.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { metrics } from '@marquee/contract';
import { buildApi, type BillingApi } from '../src/index.ts';
import { billingEnv, captureLogs, eventually, tcpProxy, type BillingEnv } from './helpers.ts';

let env: BillingEnv;
let app: BillingApi;
const logs = captureLogs();

before(async () => {
  env = await billingEnv('billing_api');
  // relay polling stays slow: these tests look at outbox rows before they are relayed
  app = buildApi({ config: env.apiConfig(), logStream: logs.stream, relay: { pollIntervalMs: 60_000 } });
  await app.ready();
  await app.relay.stop();
});

after(async () => {
  await app?.close();
  await env?.close();
});

const post = (payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/api/orders',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

const valid = { user_id: 'alice', movie_id: 3, price: 12.5 };

describe('POST /api/orders: bad input is a 4xx naming the field, never stored', () => {
  const cases: Array<[name: string, payload: unknown, status: number, field: string, code?: string]> = [
    ['negative price', { ...valid, price: -1 }, 400, 'body.price'],
    ['zero price', { ...valid, price: 0 }, 400, 'body.price'],
    ['huge price', { ...valid, price: 1e12 }, 400, 'body.price'],
    ['sub-cent price', { ...valid, price: 1.005 }, 400, 'body.price'],
    ['price as string', { ...valid, price: '9.99' }, 400, 'body.price'],
    ['price null', { ...valid, price: null }, 400, 'body.price'],
    ['missing price', { user_id: 'alice', movie_id: 3 }, 400, 'body.price'],
    ['missing user_id', { movie_id: 3, price: 1 }, 400, 'body.user_id'],
    ['missing movie_id', { user_id: 'alice', price: 1 }, 400, 'body.movie_id'],
    ['movie_id as string', { ...valid, movie_id: '3' }, 400, 'body.movie_id'],
    ['movie_id fractional', { ...valid, movie_id: 3.5 }, 400, 'body.movie_id'],
    ['movie_id zero', { ...valid, movie_id: 0 }, 400, 'body.movie_id'],
    ['movie_id beyond integer', { ...valid, movie_id: 2 ** 31 }, 400, 'body.movie_id'],
    ['user_id empty', { ...valid, user_id: '' }, 400, 'body.user_id'],
    ['user_id too long', { ...valid, user_id: 'u'.repeat(65) }, 400, 'body.user_id'],
    ['user_id SQL injection', { ...valid, user_id: "x'; DROP TABLE orders; --" }, 400, 'body.user_id'],
    ['user_id with NUL', { ...valid, user_id: 'a\u0000b' }, 400, 'body.user_id'],
    ['user_id as number', { ...valid, user_id: 42 }, 400, 'body.user_id'],
    ['unknown field', { ...valid, status: 'completed' }, 400, 'body.status'],
    ['array body', [valid], 400, 'body'],
    ['malformed JSON', '{"user_id": "alice",', 400, 'body', 'INVALID_JSON'],
    ['empty body', '', 400, 'body', 'INVALID_JSON'],
    ['huge body', { ...valid, user_id: 'x'.repeat(20_000) }, 413, 'body', 'BODY_TOO_LARGE'],
  ];
  for (const [name, payload, status, field, code] of cases) {
    it(`${name} → ${status} ${field}`, async () => {
      const res = await post(payload);
      assert.equal(res.statusCode, status, res.body);
      const body = res.json();
      assert.equal(body.field, field, res.body);
      assert.equal(body.code, code ?? 'VALIDATION');
      assert.match(body.requestId, /.+/);
    });
  }

  it('a text/plain body is refused as not an object; an unknown media type is 415', async () => {
    const text = await app.inject({ method: 'POST', url: '/api/orders', headers: { 'content-type': 'text/plain' }, payload: 'hi' });
    assert.equal(text.statusCode, 400);
    assert.equal(text.json().field, 'body');
    const xml = await app.inject({ method: 'POST', url: '/api/orders', headers: { 'content-type': 'application/xml' }, payload: '<order/>' });
    assert.equal(xml.statusCode, 415);
  });

  it('none of the rejected requests left a row behind', async () => {
    const { rows } = await env.pool.query('SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM outbox)::int AS outbox');
    assert.deepEqual(rows[0], { orders: 0, outbox: 0 });
  });
});

describe('POST /api/orders: accepted orders', () => {
  it('returns 202 with the id; the order is pending and its outbox row holds the message', async () => {
    const res = await post(valid, { 'x-request-id': 'req-123' });
    assert.equal(res.statusCode, 202, res.body);
    const { id, status } = res.json();
    assert.equal(status, 'pending');
    assert.equal(res.headers.location, `/api/orders/${id}`);
    const { rows } = await env.pool.query('SELECT o.status, o.price::text, x.payload, x.request_id FROM orders o JOIN outbox x ON x.order_id = o.id WHERE o.id = $1', [id]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].status, 'pending');
    assert.equal(rows[0].price, '12.50');
    assert.equal(rows[0].request_id, 'req-123');
    assert.deepEqual({ ...rows[0].payload, created_at: undefined }, { id, user_id: 'alice', movie_id: 3, price: '12.50', created_at: undefined });
  });

  it('GET returns the stored order; unknown and malformed ids are 404 / 400', async () => {
    const { id } = (await post({ user_id: 'bob', movie_id: 7, price: 3.99 })).json();
    const got = await app.inject({ method: 'GET', url: `/api/orders/${id}` });
    assert.equal(got.statusCode, 200);
    const order = got.json();
    assert.deepEqual({ ...order, created_at: undefined }, { id, user_id: 'bob', movie_id: 7, price: 3.99, status: 'pending', created_at: undefined });
    assert.ok(!Number.isNaN(Date.parse(order.created_at)));

    const missing = await app.inject({ method: 'GET', url: '/api/orders/00000000-0000-4000-8000-000000000000' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'NOT_FOUND');
    const bad = await app.inject({ method: 'GET', url: "/api/orders/1' OR '1'='1" });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().field, 'params.id');
  });

  it('counts created orders and exposes the outbox backlog and pool gauge', async () => {
    const before = await metricValue(metrics.ordersCreated);
    await post(valid);
    assert.equal(await metricValue(metrics.ordersCreated), before + 1);
    const { rows } = await env.pool.query('SELECT count(*)::int AS n FROM outbox');
    assert.equal(await metricValue(metrics.outboxBacklog), rows[0].n);
    assert.ok(rows[0].n >= 3);
    assert.equal(await metricValue(metrics.pgPoolInUse, '{pool="billing"}'), 0);
  });
});

describe('PostgreSQL unavailable', () => {
  it('answers 503 DEPENDENCY_UNAVAILABLE and /readyz 503 while it is cut off, and recovers without a restart', async () => {
    const proxy = await tcpProxy(5432);
    const viaProxy = buildApi({
      config: { ...env.apiConfig(), database: { connectionString: `postgres://postgres@127.0.0.1:${proxy.port}/${env.db.name}` } },
      logStream: captureLogs().stream,
      relay: { pollIntervalMs: 60_000 },
    });
    await viaProxy.ready();
    const order = () =>
      viaProxy.inject({ method: 'POST', url: '/api/orders', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(valid) });
    try {
      assert.equal((await order()).statusCode, 202);
      proxy.cut();
      const res = await order();
      assert.equal(res.statusCode, 503, res.body);
      assert.equal(res.json().code, 'DEPENDENCY_UNAVAILABLE');
      assert.equal(res.headers['retry-after'], '1');
      assert.equal((await viaProxy.inject({ method: 'GET', url: '/readyz' })).statusCode, 503);
      assert.equal((await viaProxy.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'liveness is not readiness');
      proxy.restore();
      await eventually(async () => (await order()).statusCode === 202, 10_000, 'orders accepted again');
      assert.equal((await viaProxy.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    } finally {
      proxy.restore();
      await viaProxy.close();
      await proxy.close();
    }
  });
});

async function metricValue(name: string, labels = ''): Promise<number> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  assert.ok(line, `${name}${labels} not in /metrics`);
  return Number(line.split(' ')[1]);
}

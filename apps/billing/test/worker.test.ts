// The billing worker against real PostgreSQL, RabbitMQ (own vhost) and the real inventory
// app: settles orders, is idempotent under duplicates, dead-letters poison after the delivery
// limit, waits out PostgreSQL and inventory outages without burning attempts, drains on close.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { broker, metrics } from '@marquee/contract';
import { buildApi, buildWorker, type BillingApi, type BillingWorker } from '../src/index.ts';
import {
  billingEnv,
  captureLogs,
  eventually,
  flakyHttp,
  inventoryServer,
  tcpProxy,
  type BillingEnv,
  type FlakyHttp,
  type InventoryServer,
  type TcpProxy,
} from './helpers.ts';

let env: BillingEnv;
let inventory: InventoryServer;
let front: FlakyHttp;
let pgProxy: TcpProxy;
let api: BillingApi;
let worker: BillingWorker;
let conn: ChannelModel;
let ch: Channel;
const workerLogs = captureLogs();

before(async () => {
  env = await billingEnv('billing_worker');
  inventory = await inventoryServer('billing_worker');
  front = await flakyHttp(inventory.url);
  pgProxy = await tcpProxy(5432);
  api = buildApi({ config: env.apiConfig(), logStream: captureLogs().stream, relay: { pollIntervalMs: 200 } });
  await api.ready();
  const dbName = env.db.name;
  worker = buildWorker({
    // the worker reaches PostgreSQL through the proxy, so a test can cut it off
    config: { ...env.workerConfig(front.url), database: { connectionString: `postgres://postgres@127.0.0.1:${pgProxy.port}/${dbName}` } },
    logStream: workerLogs.stream,
    drainTimeoutMs: 10_000,
  });
  await worker.ready();
  await worker.broker.waitConnected(10_000);
  conn = await amqp.connect(env.vhost.url);
  ch = await conn.createChannel();
});

after(async () => {
  await conn?.close().catch(() => {});
  await worker?.close();
  await api?.close();
  await pgProxy?.close();
  await front?.close();
  await inventory?.close();
  await env?.close();
});

const order = async (movieId: number, price = 5) => {
  const res = await api.inject({
    method: 'POST',
    url: '/api/orders',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ user_id: 'worker-test', movie_id: movieId, price }),
  });
  assert.equal(res.statusCode, 202, res.body);
  return res.json().id as string;
};

const statusOf = async (id: string) =>
  (await env.pool.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [id])).rows[0]?.status;

const settled = (id: string, timeoutMs = 15_000) =>
  eventually(async () => {
    const s = await statusOf(id);
    return s !== 'pending' && s;
  }, timeoutMs, `order ${id} to settle`);

async function counter(name: string): Promise<number> {
  const text = (await worker.inject({ method: 'GET', url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

const queueDepth = async (queue: string) => (await ch.checkQueue(queue)).messageCount;

/**
 * The worker done with every message it holds: counted and acked. It counts an order once its transaction has
 * committed, so a poll of the order's status can see the order settled before the count.
 */
const idle = () => eventually(async () => worker.consumer.inFlight === 0, 10_000, 'the worker to count and ack the messages it holds');

describe('billing worker', () => {
  it('completes orders for known movies and rejects unknown ones; readiness is green', async () => {
    const c0 = await counter(metrics.ordersCompleted);
    const r0 = await counter(metrics.ordersRejected);
    const good = await order(inventory.movieIds[0]!);
    const unknown = await order(999_999);
    assert.equal(await settled(good), 'completed');
    assert.equal(await settled(unknown), 'rejected');
    await idle();
    assert.equal(await counter(metrics.ordersCompleted), c0 + 1);
    assert.equal(await counter(metrics.ordersRejected), r0 + 1);
    const ready = await worker.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200, ready.body);
  });

  it('is idempotent: the same message delivered five times settles the order once', async () => {
    const id = await order(inventory.movieIds[1]!, 7.25);
    await settled(id);
    await idle();
    const c0 = await counter(metrics.ordersCompleted);
    const { rows } = await env.pool.query('SELECT processed_at FROM orders WHERE id = $1', [id]);
    const body = Buffer.from(JSON.stringify({ id, user_id: 'worker-test', movie_id: inventory.movieIds[1], price: '7.25', created_at: new Date().toISOString() }));
    // also a fresh pending order whose message arrives five times at once (racing each other)
    const raced = await order(inventory.movieIds[2]!, 1.5);
    const racedBody = JSON.stringify({ id: raced, user_id: 'worker-test', movie_id: inventory.movieIds[2], price: '1.50', created_at: new Date().toISOString() });
    for (let i = 0; i < 5; i++) {
      ch.publish(broker.exchange, broker.routingKey, body, { persistent: true, messageId: id });
      ch.publish(broker.exchange, broker.routingKey, Buffer.from(racedBody), { persistent: true, messageId: raced });
    }
    await settled(raced);
    // Drained means nothing ready in the queue and nothing the worker still holds unacked.
    await eventually(async () => (await queueDepth(broker.queue)) === 0 && worker.consumer.inFlight === 0, 10_000, 'queue drained and every duplicate acked');
    const after = await env.pool.query('SELECT processed_at FROM orders WHERE id = $1', [id]);
    assert.deepEqual(after.rows[0].processed_at, rows[0].processed_at, 'a duplicate must not touch a settled order');
    // exactly one completion counted for the raced order, none for the already-settled one
    assert.equal(await counter(metrics.ordersCompleted), c0 + 1);
    assert.equal(await queueDepth(broker.deadLetterQueue), 0);
  });

  it('dead-letters poison messages after the delivery limit, counting each once', async () => {
    const d0 = await counter(metrics.ordersDeadLettered);
    ch.publish(broker.exchange, broker.routingKey, Buffer.from('{not json'), { persistent: true, messageId: 'poison-1' });
    // well-formed but for an order that does not exist
    const ghost = { id: '00000000-0000-4000-8000-00000000dead', user_id: 'x', movie_id: 1, price: '1.00', created_at: new Date().toISOString() };
    ch.publish(broker.exchange, broker.routingKey, Buffer.from(JSON.stringify(ghost)), { persistent: true, messageId: 'poison-2' });
    await eventually(async () => (await queueDepth(broker.deadLetterQueue)) === 2, 20_000, 'two messages in the dead-letter queue');
    assert.equal(await counter(metrics.ordersDeadLettered), d0 + 2);
    const attempts = workerLogs.lines.filter((l) => l.includes('"messageId":"poison-1"')).length;
    assert.equal(attempts, broker.deliveryLimit + 1, 'one attempt plus deliveryLimit redeliveries');
    const dead = await ch.get(broker.deadLetterQueue, { noAck: true });
    assert.ok(dead);
    assert.equal(dead.properties.headers?.['x-first-death-queue'], broker.queue);
    assert.equal(dead.properties.headers?.['x-first-death-reason'], 'rejected');
    await ch.purgeQueue(broker.deadLetterQueue);
  });

  it('waits out an inventory outage: orders complete afterwards, nothing dead-lettered', async () => {
    front.down = true;
    try {
      const id = await order(inventory.movieIds[3]!);
      const seen = front.requests;
      await eventually(async () => front.requests >= seen + 3, 10_000, 'worker retrying inventory');
      assert.equal(await statusOf(id), 'pending');
      front.down = false;
      assert.equal(await settled(id), 'completed');
      assert.equal(await queueDepth(broker.deadLetterQueue), 0);
    } finally {
      front.down = false;
    }
  });

  it('waits out a PostgreSQL outage: readiness goes 503, then orders complete without a restart', async () => {
    pgProxy.cut();
    let id: string;
    try {
      id = await order(inventory.movieIds[4]!);
      await eventually(async () => (await worker.inject({ method: 'GET', url: '/readyz' })).statusCode === 503, 10_000, 'worker readiness 503');
      // The worker has the order in hand and cannot settle it while PostgreSQL is away.
      await eventually(async () => worker.consumer.inFlight > 0, 10_000, 'the worker to receive the order during the outage');
      assert.equal(await statusOf(id), 'pending');
    } finally {
      pgProxy.restore();
    }
    assert.equal(await settled(id, 20_000), 'completed');
    await eventually(async () => (await worker.inject({ method: 'GET', url: '/readyz' })).statusCode === 200, 10_000, 'worker ready again');
    assert.equal(await queueDepth(broker.deadLetterQueue), 0);
  });

  it('graceful close: stops consuming, finishes and acks in-flight orders, leaves the rest queued', async () => {
    front.delayMs = 1500; // every order now takes 1.5 s in inventory
    // more orders than the prefetch (32): some are in flight, the rest wait in the queue
    const ids = await Promise.all(Array.from({ length: 48 }, () => order(inventory.movieIds[5]!)));
    // A full prefetch window in flight (each held 1.5 s by inventory), the rest still queued.
    const prefetch = env.workerConfig(front.url).prefetch;
    await eventually(async () => worker.consumer.inFlight === prefetch, 10_000, `${prefetch} orders (the prefetch) in flight`);
    const inFlight = worker.consumer.inFlight;
    await worker.close();
    front.delayMs = 0;
    const statuses = await Promise.all(ids.map(statusOf));
    const done = statuses.filter((s) => s === 'completed').length;
    assert.ok(done >= inFlight, `the ${inFlight} in-flight orders finished (completed: ${done})`);
    // everything not finished is still in the queue, ready (not unacked, not lost)
    const q = await ch.checkQueue(broker.queue);
    const pending = statuses.filter((s) => s === 'pending').length;
    assert.ok(pending > 0, 'some orders were never delivered before the close');
    assert.equal(q.messageCount, pending);
    assert.equal(q.consumerCount, 0);
  });
});

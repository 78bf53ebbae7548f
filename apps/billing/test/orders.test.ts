// The SQL layer on a real database: the one-statement order + outbox write, and the worker's
// batched idempotent settlement (group commit) with duplicates and unknown ids in one batch.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createOrder, SettleBatcher, settleOrder } from '../src/index.ts';
import { billingEnv, type BillingEnv } from './helpers.ts';

let env: BillingEnv;
before(async () => {
  env = await billingEnv('billing_orders');
});
after(async () => {
  await env?.close();
});

describe('orders SQL', () => {
  it('settles each order once, whatever arrives in the same batch', async () => {
    const orders = await Promise.all(Array.from({ length: 50 }, (_, i) => createOrder(env.pool, { user_id: `b${i}`, movie_id: 1, price: 2.5 })));
    const batcher = new SettleBatcher(env.pool, { maxBatch: 16, concurrency: 2 });
    const ghost = randomUUID();
    // every order three times: twice side by side (same batch), once 50 requests later
    // (another batch), plus an unknown id twice
    const requests = [...orders.flatMap((o) => [o, o]), ...orders].map((o, i) => ({ id: o.id, status: i % 2 ? ('completed' as const) : ('rejected' as const) }));
    requests.push({ id: ghost, status: 'completed' }, { id: ghost, status: 'rejected' });
    const results = await Promise.all(requests.map((r) => batcher.settle(r.id, r.status)));
    const settledPer = new Map<string, number>();
    requests.forEach((r, i) => {
      if (results[i] === 'settled') settledPer.set(r.id, (settledPer.get(r.id) ?? 0) + 1);
    });
    assert.equal(settledPer.size, 50);
    assert.ok([...settledPer.values()].every((n) => n === 1), 'exactly one settlement per order');
    assert.deepEqual(results.slice(-2), ['missing', 'missing']);
    const { rows } = await env.pool.query(`SELECT count(*)::int AS n FROM orders WHERE status = 'pending' OR processed_at IS NULL`);
    assert.equal(rows[0].n, 0);
    // and the single-order path agrees
    assert.equal(await settleOrder(env.pool, orders[0]!.id, 'completed'), 'already-settled');
    assert.equal(await settleOrder(env.pool, ghost, 'completed'), 'missing');
  });

  it('a failed statement fails every request of its batch (the worker retries them)', async () => {
    const o = await createOrder(env.pool, { user_id: 'fail', movie_id: 1, price: 1 });
    const batcher = new SettleBatcher(env.pool);
    // 'refunded' violates the status CHECK: the whole statement fails, nothing is half-applied
    const bad = batcher.settle(o.id, 'refunded' as 'completed');
    await assert.rejects(bad, /check constraint/);
    const { rows } = await env.pool.query('SELECT status FROM orders WHERE id = $1', [o.id]);
    assert.equal(rows[0].status, 'pending');
  });
});

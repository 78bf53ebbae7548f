// Orders in PostgreSQL: the write path (order + outbox row in one statement, so one
// transaction), the read path, and the worker's idempotent status transition.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';

export type OrderStatus = 'pending' | 'completed' | 'rejected';

export interface NewOrder {
  readonly user_id: string;
  readonly movie_id: number;
  /** decimal amount, at most two decimals (validated by the HTTP schema) */
  readonly price: number;
}

export interface Order extends NewOrder {
  readonly id: string;
  readonly status: OrderStatus;
  readonly created_at: string;
}

/** What the relay publishes and the worker consumes (JSON body of the AMQP message). */
export interface OrderMessage {
  readonly id: string;
  readonly user_id: string;
  readonly movie_id: number;
  /** string, as PostgreSQL renders numeric(10,2): no float rounding on the way */
  readonly price: string;
  readonly created_at: string;
}

interface OrderRow {
  id: string;
  user_id: string;
  movie_id: string;
  price: string;
  status: OrderStatus;
  created_at: Date;
}

const toOrder = (r: OrderRow): Order => ({
  id: r.id,
  user_id: r.user_id,
  movie_id: Number(r.movie_id),
  price: Number(r.price),
  status: r.status,
  created_at: r.created_at.toISOString(),
});

// One statement: the order and its outbox row commit together or not at all.
// The outbox payload is built by PostgreSQL from the inserted row, so it is exactly what was stored.
const insertSql = `
WITH o AS (
  INSERT INTO orders (id, user_id, movie_id, price) VALUES ($1, $2, $3, $4)
  RETURNING id, user_id, movie_id, price, status, created_at
), x AS (
  INSERT INTO outbox (order_id, payload, request_id)
  SELECT o.id,
         jsonb_build_object('id', o.id, 'user_id', o.user_id, 'movie_id', o.movie_id,
                            'price', o.price::text, 'created_at', o.created_at),
         $5
  FROM o
)
SELECT * FROM o`;

export async function createOrder(pool: Pool, order: NewOrder, requestId?: string): Promise<Order> {
  const id = randomUUID();
  const { rows } = await pool.query<OrderRow>({
    name: 'billing-create-order',
    text: insertSql,
    values: [id, order.user_id, order.movie_id, order.price, requestId ?? null],
  });
  return toOrder(rows[0]!);
}

export async function getOrder(pool: Pool, id: string): Promise<Order | undefined> {
  const { rows } = await pool.query<OrderRow>({
    name: 'billing-get-order',
    text: 'SELECT id, user_id, movie_id, price, status, created_at FROM orders WHERE id = $1',
    values: [id],
  });
  return rows[0] && toOrder(rows[0]);
}

export type SettleResult = 'settled' | 'already-settled' | 'missing';

/**
 * Moves a pending order to its final status. The `WHERE status = 'pending'` makes it
 * idempotent: a redelivered message finds nothing to update and is acknowledged without effect.
 */
export async function settleOrder(pool: Pool, id: string, status: 'completed' | 'rejected'): Promise<SettleResult> {
  const { rows } = await pool.query<{ settled: boolean }>({
    name: 'billing-settle-order',
    text: `
WITH u AS (
  UPDATE orders SET status = $2, processed_at = now() WHERE id = $1 AND status = 'pending' RETURNING id
)
SELECT EXISTS (SELECT 1 FROM u) AS settled
WHERE EXISTS (SELECT 1 FROM u) OR EXISTS (SELECT 1 FROM orders WHERE id = $1)`,
    values: [id, status],
  });
  if (!rows[0]) return 'missing';
  return rows[0].settled ? 'settled' : 'already-settled';
}

/** Current status without side effects; the worker skips the inventory call for settled orders. */
export async function orderStatus(pool: Pool, id: string): Promise<OrderStatus | undefined> {
  const { rows } = await pool.query<{ status: OrderStatus }>({
    name: 'billing-order-status',
    text: 'SELECT status FROM orders WHERE id = $1',
    values: [id],
  });
  return rows[0]?.status;
}

export interface Settlement {
  readonly id: string;
  readonly status: 'completed' | 'rejected';
}

/**
 * settleOrder for many orders in one statement (one round trip, one commit). Each id is
 * expected once; the caller deduplicates.
 */
export async function settleOrders(pool: Pool, batch: readonly Settlement[]): Promise<SettleResult[]> {
  const { rows } = await pool.query<{ id: string }>({
    name: 'billing-settle-orders',
    text: `UPDATE orders o SET status = i.status, processed_at = now()
           FROM unnest($1::uuid[], $2::text[]) AS i(id, status)
           WHERE o.id = i.id AND o.status = 'pending'
           RETURNING o.id`,
    values: [batch.map((s) => s.id), batch.map((s) => s.status)],
  });
  const settled = new Set(rows.map((r) => r.id));
  const rest = batch.filter((s) => !settled.has(s.id)).map((s) => s.id);
  // only duplicates and strays need the second look: settled already, or not an order at all
  const found = new Set<string>();
  if (rest.length) {
    const r = await pool.query<{ id: string }>({ name: 'billing-orders-exist', text: 'SELECT id FROM orders WHERE id = ANY($1::uuid[])', values: [rest] });
    for (const x of r.rows) found.add(x.id);
  }
  return batch.map((s) => (settled.has(s.id) ? 'settled' : found.has(s.id) ? 'already-settled' : 'missing'));
}

/**
 * Group commit for the worker: up to `concurrency` statements run at once; settlements
 * requested while they run go together into the next one. Under load a statement carries many
 * orders (one round trip, one commit); a quiet worker still settles each order at once. A
 * failed statement fails every request in it (the worker retries them).
 */
export class SettleBatcher {
  readonly #pool: Pool;
  readonly #maxBatch: number;
  readonly #concurrency: number;
  #queue: Array<Settlement & { resolve(r: SettleResult): void; reject(e: unknown): void }> = [];
  #inFlight = 0;

  constructor(pool: Pool, o: { maxBatch?: number; concurrency?: number } = {}) {
    this.#pool = pool;
    this.#maxBatch = o.maxBatch ?? 128;
    this.#concurrency = o.concurrency ?? 4;
  }

  settle(id: string, status: 'completed' | 'rejected'): Promise<SettleResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ id, status, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#concurrency && this.#queue.length) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      this.#inFlight++;
      void this.#flush(batch).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
  }

  async #flush(batch: Array<Settlement & { resolve(r: SettleResult): void; reject(e: unknown): void }>): Promise<void> {
    // the same order twice in one batch (a duplicate message): settle it once, the others
    // learn it was already settled (or missing). Across concurrent statements the row lock
    // and `status = 'pending'` do the same job.
    const first = new Map<string, number>();
    const unique: Settlement[] = [];
    batch.forEach((s, i) => {
      if (!first.has(s.id)) {
        first.set(s.id, i);
        unique.push({ id: s.id, status: s.status });
      }
    });
    try {
      const results = await settleOrders(this.#pool, unique);
      const result = new Map(unique.map((s, i) => [s.id, results[i]!]));
      batch.forEach((s, i) => {
        const r = result.get(s.id)!;
        s.resolve(first.get(s.id) === i || r === 'missing' ? r : 'already-settled');
      });
    } catch (err) {
      for (const s of batch) s.reject(err);
    }
  }
}

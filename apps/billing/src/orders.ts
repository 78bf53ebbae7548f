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

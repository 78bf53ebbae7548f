// The outbox relay: moves committed outbox rows to RabbitMQ. A batch is deleted inside a
// transaction that commits only after the broker confirmed every message of it; on any
// failure the transaction rolls back and the rows are published again later. Delivery is
// therefore at-least-once (never lost, possibly duplicated); the worker is idempotent.
// `FOR UPDATE SKIP LOCKED` lets several API replicas relay concurrently without sharing rows.
import type { ConfirmChannel } from 'amqplib';
import type { Pool } from 'pg';
import { broker as brokerFacts } from '@marquee/contract';
import type { Broker } from './broker.ts';
import type { Logger } from './logger.ts';

export interface OutboxRelayOptions {
  readonly pool: Pool;
  readonly broker: Broker;
  readonly logger: Logger;
  /** rows per transaction @default 500 */
  readonly batchSize?: number;
  /** look for rows left by other replicas or failed rounds this often, ms @default 1000 */
  readonly pollIntervalMs?: number;
  /** give up on a batch whose confirms have not all arrived, ms @default 10000 */
  readonly confirmTimeoutMs?: number;
  /** @default contract broker.exchange / broker.routingKey */
  readonly exchange?: string;
  readonly routingKey?: string;
  /** called with the number of rows published in each committed batch */
  readonly onPublished?: (n: number) => void;
}

interface OutboxRow {
  id: string;
  order_id: string;
  payload: unknown;
  request_id: string | null;
}

export class OutboxRelay {
  readonly #o: Required<Omit<OutboxRelayOptions, 'onPublished'>> & Pick<OutboxRelayOptions, 'onPublished'>;
  #running = false;
  #loop: Promise<void> | undefined;
  /** ends the current sleep: `force` also ends a failure backoff */
  #wakeUp: ((force: boolean) => void) | undefined;
  #pendingWake = false;
  #channel: ConfirmChannel | undefined;
  #failures = 0;

  constructor(opts: OutboxRelayOptions) {
    this.#o = {
      batchSize: 500,
      pollIntervalMs: 1000,
      confirmTimeoutMs: 10_000,
      exchange: brokerFacts.exchange,
      routingKey: brokerFacts.routingKey,
      ...opts,
    };
    // the broker is back: relay what piled up now rather than at the end of the backoff
    opts.broker.on('connect', () => this.#wakeUp?.(true));
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Signals new rows (called after an order commits) so they go out without waiting for the poll. */
  wake(): void {
    this.#pendingWake = true;
    this.#wakeUp?.(false);
  }

  /** Stops after the batch in flight; rows not yet relayed stay in the outbox for the next start. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wakeUp?.(true);
    await this.#loop;
    this.#loop = undefined;
    await this.#channel?.close().catch(() => {});
    this.#channel = undefined;
  }

  /** Rows not yet confirmed by the broker. */
  async backlog(): Promise<number> {
    const { rows } = await this.#o.pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox');
    return Number(rows[0]!.n);
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let n = 0;
      try {
        n = await this.relayOnce();
        this.#failures = 0;
      } catch (err) {
        this.#failures++;
        const delay = Math.min(5000, 100 * 2 ** Math.min(this.#failures, 6));
        this.#o.logger.warn({ err: (err as Error).message, retryInMs: delay }, 'outbox relay: batch not published; rows kept');
        await this.#sleep(delay, false);
        continue;
      }
      // a full batch means more are waiting; otherwise sleep until woken or the poll interval
      if (n < this.#o.batchSize) await this.#sleep(this.#o.pollIntervalMs, true);
    }
  }

  #sleep(ms: number, wakeable: boolean): Promise<void> {
    if (wakeable && this.#pendingWake) {
      this.#pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.#wakeUp = undefined;
        this.#pendingWake = false;
        resolve();
      };
      const t = setTimeout(done, ms);
      // a failure backoff is cut short only by stop() or a broker (re)connect, not by new orders
      this.#wakeUp = (force) => (wakeable || force ? done() : undefined);
    });
  }

  async #confirmChannel(): Promise<ConfirmChannel> {
    if (this.#channel) return this.#channel;
    if (!this.#o.broker.connected) throw new Error('rabbitmq not connected');
    const ch = await this.#o.broker.confirmChannel();
    ch.on('error', (err: Error) => this.#o.logger.warn({ err: err.message }, 'outbox relay: channel error'));
    ch.on('close', () => {
      if (this.#channel === ch) this.#channel = undefined;
    });
    this.#channel = ch;
    return ch;
  }

  /** Publishes one batch; resolves with the number of rows relayed (0 when the outbox is empty). */
  async relayOnce(): Promise<number> {
    const ch = await this.#confirmChannel();
    const client = await this.#o.pool.connect();
    // A connection error while the client is checked out rejects the queries in flight (the batch fails and is
    // retried) and is emitted on the client too, where the pool listens only while it is idle: without a listener
    // here that emit would throw, uncaught.
    const onError = (err: Error) => this.#o.logger.warn({ err: err.message }, 'outbox relay: postgres connection lost');
    client.on('error', onError);
    let broken = false;
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<OutboxRow>({
        name: 'billing-outbox-claim',
        text: `DELETE FROM outbox WHERE id IN (
                 SELECT id FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
               ) RETURNING id, order_id, payload, request_id`,
        values: [this.#o.batchSize],
      });
      if (!rows.length) {
        await client.query('COMMIT');
        return 0;
      }
      rows.sort((a, b) => Number(a.id) - Number(b.id));
      await this.#publishAll(ch, rows);
      await client.query('COMMIT');
      this.#o.onPublished?.(rows.length);
      return rows.length;
    } catch (err) {
      broken = await client.query('ROLLBACK').then(
        () => false,
        () => true,
      );
      throw err;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  async #publishAll(ch: ConfirmChannel, rows: OutboxRow[]): Promise<void> {
    const confirms = rows.map(
      (r) =>
        new Promise<void>((resolve, reject) => {
          const ok = ch.publish(
            this.#o.exchange,
            this.#o.routingKey,
            Buffer.from(JSON.stringify(r.payload)),
            {
              persistent: true,
              contentType: 'application/json',
              messageId: r.order_id,
              headers: r.request_id ? { 'x-request-id': r.request_id } : {},
            },
            (err) => (err ? reject(err instanceof Error ? err : new Error(`publish nacked: ${String(err)}`)) : resolve()),
          );
          void ok; // amqplib buffers when the socket is busy; the confirm timeout bounds the wait
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`broker confirms not received within ${this.#o.confirmTimeoutMs} ms`)),
        this.#o.confirmTimeoutMs,
      );
    });
    try {
      // every confirm must arrive; allSettled so a late nack never becomes an unhandled rejection
      const settled = Promise.allSettled(confirms).then((results) => {
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      });
      settled.catch(() => {}); // it may reject after the timeout already won the race
      await Promise.race([settled, timeout]);
    } catch (err) {
      // a channel in doubt is discarded; the next round opens a fresh one
      const ch2 = this.#channel;
      this.#channel = undefined;
      await ch2?.close().catch(() => {});
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}

// The billing worker's core: consume orders from the quorum queue, check the movie with
// inventory, settle the order in PostgreSQL, and only then acknowledge.
//
// Failure rules:
// - dependency down (PostgreSQL, inventory): retry in place with backoff, holding the message;
//   an outage never burns delivery attempts, so healthy orders are never dead-lettered for it.
// - the message itself is bad (not JSON, wrong shape, unknown order): nack and requeue; on the
//   last attempt the broker allows (x-delivery-count = deliveryLimit) nack without requeue, so
//   the quorum queue dead-letters it to the DLX. The queue's own x-delivery-limit is the net
//   for messages that crash the process before it can decide.
// - redelivery after a crash or a lost ack: the conditional update finds the order settled and
//   the message is acknowledged without effect.
import type { Channel, ConsumeMessage } from 'amqplib';
import type { Pool } from 'pg';
import { broker as brokerFacts } from '@marquee/contract';
import { jsonBody, previousDeliveries, type Broker } from './broker.ts';
import { InventoryUnavailableError, type InventoryClient } from './inventory-client.ts';
import type { Logger } from './logger.ts';
import { orderStatus, SettleBatcher, type OrderMessage } from './orders.ts';

/** The message can never be processed, however often it is retried. */
export class PoisonMessageError extends Error {
  override name = 'PoisonMessageError';
}

export interface ConsumerCounters {
  completed(): void;
  rejected(): void;
  deadLettered(): void;
}

export interface OrderConsumerOptions {
  readonly pool: Pool;
  readonly broker: Broker;
  readonly inventory: Pick<InventoryClient, 'movieExists'>;
  readonly logger: Logger;
  readonly counters: ConsumerCounters;
  /** unacknowledged messages in flight per worker @default 64 */
  readonly prefetch?: number;
  /** @default contract broker.queue */
  readonly queue?: string;
  /** @default contract broker.deliveryLimit (must equal the queue's x-delivery-limit) */
  readonly deliveryLimit?: number;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Validates a message body; throws PoisonMessageError naming the bad field. */
export function parseOrderMessage(body: unknown): OrderMessage {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new PoisonMessageError('body is not a JSON object');
  const m = body as Record<string, unknown>;
  if (typeof m.id !== 'string' || !uuid.test(m.id)) throw new PoisonMessageError('id: not a UUID');
  if (typeof m.user_id !== 'string' || !m.user_id) throw new PoisonMessageError('user_id: not a non-empty string');
  if (typeof m.movie_id !== 'number' || !Number.isSafeInteger(m.movie_id) || m.movie_id < 1)
    throw new PoisonMessageError('movie_id: not a positive integer');
  if (typeof m.price !== 'string' || !/^\d{1,8}(\.\d{1,2})?$/.test(m.price)) throw new PoisonMessageError('price: not a decimal string');
  return m as unknown as OrderMessage;
}

/** Errors worth waiting out: the dependency is down, not the message. */
export function isTransient(err: unknown): boolean {
  if (err instanceof InventoryUnavailableError) return true;
  if (err instanceof PoisonMessageError) return false;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  // PostgreSQL: 08 connection exception, 53 insufficient resources, 57P0x shutdown/cannot connect now,
  // 40001/40P01 serialization/deadlock; node: socket errors; pg: "Connection terminated", pool timeouts
  if (/^(08|53|57P0)/.test(code) || code === '40001' || code === '40P01') return true;
  if (/^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH|AI_AGAIN)$|^ENOTFOUND$/.test(code)) return true;
  const msg = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(msg);
}

type Outcome = 'completed' | 'rejected' | 'duplicate';

export class OrderConsumer {
  readonly #o: Required<OrderConsumerOptions>;
  #running = false;
  #channel: Channel | undefined;
  #consumerTag: string | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  #resubscribe: NodeJS.Timeout | undefined;
  #subscribing = false;
  readonly #onConnect = () => void this.#subscribe();
  readonly #settler: SettleBatcher;

  constructor(opts: OrderConsumerOptions) {
    this.#o = {
      prefetch: 64,
      queue: brokerFacts.queue,
      deliveryLimit: brokerFacts.deliveryLimit,
      ...opts,
    };
    this.#settler = new SettleBatcher(this.#o.pool);
  }

  /** true while a consumer is registered on the queue */
  get consuming(): boolean {
    return this.#consumerTag !== undefined;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Subscribes now if connected, and again after every reconnect. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#o.broker.on('connect', this.#onConnect);
    if (this.#o.broker.connected) void this.#subscribe();
  }

  /**
   * Graceful stop: cancel the subscription (no new deliveries), let in-flight messages finish
   * and be acknowledged, then close the channel. Messages still unfinished after `timeoutMs`
   * go back to the queue when the channel closes (nothing is lost, they are redelivered).
   */
  async stop(timeoutMs: number): Promise<void> {
    this.#running = false;
    clearTimeout(this.#resubscribe);
    this.#o.broker.off('connect', this.#onConnect);
    const ch = this.#channel;
    const tag = this.#consumerTag;
    this.#consumerTag = undefined;
    if (ch && tag) await ch.cancel(tag).catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#inFlight]),
      new Promise((r) => {
        timer = setTimeout(r, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (this.#inFlight.size) this.#o.logger.warn({ unfinished: this.#inFlight.size }, 'worker: drain timeout; unfinished messages return to the queue');
    this.#channel = undefined;
    await ch?.close().catch(() => {});
  }

  async #subscribe(): Promise<void> {
    // one subscription at a time: the reconnect event and the retry timer may both ask
    if (!this.#running || this.#channel || this.#subscribing) return;
    this.#subscribing = true;
    const { broker, logger, queue, prefetch } = this.#o;
    let ch: Channel | undefined;
    try {
      ch = await broker.channel();
      if (!this.#running) {
        await ch.close().catch(() => {});
        return;
      }
      this.#channel = ch;
      const current = ch;
      ch.on('error', (err: Error) => logger.warn({ err: err.message }, 'worker: channel error'));
      ch.on('close', () => {
        if (this.#channel !== current) return;
        this.#channel = undefined;
        this.#consumerTag = undefined;
        // connection loss: the broker's `connect` event resubscribes; a lone channel failure: retry here
        if (this.#running) this.#scheduleResubscribe();
      });
      await ch.prefetch(prefetch);
      const { consumerTag } = await ch.consume(queue, (msg) => this.#onMessage(current, msg), { noAck: false });
      this.#consumerTag = consumerTag;
      if (!this.#running) {
        // stop() ran while we were subscribing: undo it (nothing was delivered yet or it is redelivered)
        await ch.cancel(consumerTag).catch(() => {});
        return;
      }
      logger.info({ queue, prefetch }, 'worker: consuming');
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'worker: subscribe failed; retrying');
      if (this.#channel === ch) this.#channel = undefined;
      await ch?.close().catch(() => {});
      this.#scheduleResubscribe();
    } finally {
      this.#subscribing = false;
    }
  }

  #scheduleResubscribe(): void {
    clearTimeout(this.#resubscribe);
    this.#resubscribe = setTimeout(() => {
      if (this.#running && this.#o.broker.connected) void this.#subscribe();
    }, 1000);
  }

  #onMessage(ch: Channel, msg: ConsumeMessage | null): void {
    if (msg === null) {
      // the broker cancelled us (queue deleted or moved); start over on a fresh channel
      this.#o.logger.warn('worker: consumer cancelled by the broker; resubscribing');
      if (this.#channel === ch) {
        this.#channel = undefined;
        this.#consumerTag = undefined;
      }
      void ch.close().catch(() => {});
      this.#scheduleResubscribe();
      return;
    }
    const p = this.#handle(ch, msg).finally(() => this.#inFlight.delete(p));
    this.#inFlight.add(p);
  }

  async #handle(ch: Channel, msg: ConsumeMessage): Promise<void> {
    const { logger, counters, deliveryLimit } = this.#o;
    const requestId = msg.properties.headers?.['x-request-id'] as string | undefined;
    let order: OrderMessage | undefined;
    try {
      order = parseOrderMessage(jsonBody(msg));
      const outcome = await this.#withRetry(ch, () => this.#process(order!, msg, requestId));
      if (outcome === 'completed') counters.completed();
      else if (outcome === 'rejected') counters.rejected();
      this.#settle(ch, msg, 'ack');
      logger.debug({ orderId: order.id, outcome, requestId, redelivered: msg.fields.redelivered }, 'order processed');
    } catch (err) {
      if (isTransient(err)) {
        // only reached when stopping or the channel died: give it back without judging it
        logger.warn({ err: (err as Error).message, orderId: order?.id }, 'worker: dependency unavailable while stopping; order returned to the queue');
        this.#settle(ch, msg, 'requeue');
        return;
      }
      const attempts = previousDeliveries(msg) + 1;
      const last = previousDeliveries(msg) >= deliveryLimit;
      logger.warn(
        { err: (err as Error).message, orderId: order?.id, messageId: msg.properties.messageId, attempts, deadLettered: last },
        last ? 'worker: poison message dead-lettered' : 'worker: message failed; requeued',
      );
      if (last) {
        if (this.#settle(ch, msg, 'dead-letter')) counters.deadLettered();
      } else this.#settle(ch, msg, 'requeue');
    }
  }

  /** Acks or nacks; false when the channel is gone (the broker redelivers the message). */
  #settle(ch: Channel, msg: ConsumeMessage, how: 'ack' | 'requeue' | 'dead-letter'): boolean {
    try {
      if (how === 'ack') ch.ack(msg);
      else ch.nack(msg, false, how === 'requeue');
      return true;
    } catch (err) {
      this.#o.logger.warn({ err: (err as Error).message, how }, 'worker: could not settle message; it will be redelivered');
      return false;
    }
  }

  async #process(order: OrderMessage, msg: ConsumeMessage, requestId: string | undefined): Promise<Outcome> {
    const { pool, inventory } = this.#o;
    // a redelivery is usually an order we already settled: skip the inventory round trip
    if (msg.fields.redelivered) {
      const status = await orderStatus(pool, order.id);
      if (status === undefined) throw new PoisonMessageError(`order ${order.id} does not exist`);
      if (status !== 'pending') return 'duplicate';
    }
    const exists = await inventory.movieExists(order.movie_id, requestId);
    const result = await this.#settler.settle(order.id, exists ? 'completed' : 'rejected');
    if (result === 'missing') throw new PoisonMessageError(`order ${order.id} does not exist`);
    if (result === 'already-settled') return 'duplicate';
    return exists ? 'completed' : 'rejected';
  }

  /** Retries transient failures with backoff while running and while the channel lives. */
  async #withRetry<T>(ch: Channel, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!isTransient(err) || !this.#running || this.#channel !== ch) throw err;
        const delay = Math.min(5000, 100 * 2 ** Math.min(attempt, 6)) * (0.8 + Math.random() * 0.4);
        if (attempt === 1 || attempt % 10 === 0)
          this.#o.logger.warn({ err: (err as Error).message, attempt }, 'worker: dependency unavailable; retrying');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}

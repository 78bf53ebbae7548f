// RabbitMQ for billing: one self-healing connection (amqplib's recovery with backoff) that
// re-asserts the contract's topology after every (re)connect, plus a confirm-channel publisher.
import amqp from 'amqplib';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, RecoveringChannelModel } from 'amqplib';
import { EventEmitter } from 'node:events';
import { brokerTopology, type BrokerTopology } from '@marquee/contract';
import type { Logger } from './logger.ts';


/** Declares exchanges, queues (with their exact arguments) and bindings. Idempotent. */
export async function assertTopology(ch: Channel, topology: BrokerTopology = brokerTopology): Promise<void> {
  for (const x of topology.exchanges) {
    await ch.assertExchange(x.name, x.type, {
      durable: x.durable,
      autoDelete: x.auto_delete,
      internal: x.internal,
      arguments: x.arguments,
    });
  }
  for (const q of topology.queues) {
    await ch.assertQueue(q.name, { durable: q.durable, autoDelete: q.auto_delete, arguments: q.arguments });
  }
  for (const b of topology.bindings) {
    if (b.destination_type === 'queue') await ch.bindQueue(b.destination, b.source, b.routing_key, b.arguments);
    else await ch.bindExchange(b.destination, b.source, b.routing_key, b.arguments);
  }
}

export interface BrokerOptions {
  readonly url: string;
  readonly logger: Logger;
  /** @default brokerTopology from @marquee/contract */
  readonly topology?: BrokerTopology;
  /** reconnect backoff, milliseconds */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

/**
 * A broker connection that reconnects by itself. Emits `connect` after the topology was
 * asserted on a fresh connection and `disconnect` when it is lost; `connected` tells which.
 */
export class Broker extends EventEmitter {
  connected = false;
  readonly #opts: BrokerOptions;
  #model: RecoveringChannelModel | undefined;
  #closing = false;

  constructor(opts: BrokerOptions) {
    super();
    this.#opts = opts;
  }

  /** Starts connecting; resolves at once (the first connection may come later). */
  async start(): Promise<void> {
    const { logger } = this.#opts;
    const topology = this.#opts.topology ?? brokerTopology;
    const model = await amqp.connect(withHeartbeat(this.#opts.url), {
      clientProperties: { connection_name: `billing-${process.pid}` },
      recovery: {
        waitForConnect: false,
        initialDelay: this.#opts.initialDelayMs ?? 200,
        maxDelay: this.#opts.maxDelayMs ?? 5000,
        maxRetries: Infinity,
        setup: async (raw: ChannelModel) => {
          const ch = await raw.createChannel();
          try {
            await assertTopology(ch, topology);
          } finally {
            await ch.close().catch(() => {});
          }
        },
      },
    });
    this.#model = model;
    model.on('connect', () => {
      this.connected = true;
      logger.info('rabbitmq connected, topology asserted');
      this.emit('connect');
    });
    model.on('disconnect', (err: Error) => {
      this.connected = false;
      if (!this.#closing) logger.warn({ err: err.message }, 'rabbitmq connection lost; reconnecting');
      this.emit('disconnect', err);
    });
    model.on('connect-failed', (err: Error) => {
      logger.warn({ err: err.message }, 'rabbitmq connection attempt failed');
    });
    model.on('error', (err: Error) => {
      logger.warn({ err: err.message }, 'rabbitmq connection error');
    });
  }

  /** A channel on the current connection (waits for one while disconnected). */
  channel(): Promise<Channel> {
    return this.#required().createChannel();
  }

  confirmChannel(): Promise<ConfirmChannel> {
    return this.#required().createConfirmChannel();
  }

  /** Resolves once connected (or rejects after `timeoutMs`). */
  async waitConnected(timeoutMs: number): Promise<void> {
    if (this.connected) return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        this.off('connect', ok);
        reject(new Error(`rabbitmq: not connected within ${timeoutMs} ms`));
      }, timeoutMs);
      const ok = () => {
        clearTimeout(t);
        resolve();
      };
      this.once('connect', ok);
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.connected = false;
    await this.#model?.close().catch(() => {});
  }

  #required(): RecoveringChannelModel {
    if (!this.#model || this.#closing) throw new Error('rabbitmq: broker not started or closing');
    return this.#model;
  }
}

/** Heartbeats find a dead peer (a killed broker, a dropped NAT entry) within ~2 intervals. */
function withHeartbeat(url: string): string {
  const u = new URL(url);
  if (!u.searchParams.has('heartbeat')) u.searchParams.set('heartbeat', '10');
  return u.toString();
}

/** Message body as JSON, or undefined when it is not parseable JSON. */
export function jsonBody(msg: ConsumeMessage): unknown {
  try {
    return JSON.parse(msg.content.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** How many times this message was delivered before (quorum queues count failed deliveries). */
export function previousDeliveries(msg: ConsumeMessage): number {
  const n = msg.properties.headers?.['x-delivery-count'];
  return typeof n === 'number' && Number.isFinite(n) ? n : 0;
}

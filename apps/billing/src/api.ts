// buildApi(): the billing API (orders in PostgreSQL database `billing`, relayed to RabbitMQ
// through the transactional outbox). Never listens; api-server.ts does.
import type { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { Counter, Gauge } from 'prom-client';
import { metrics } from '@marquee/contract';
import { badRequest, createPgPool, createService, logOptions, notFound, packageVersion } from '@marquee/kit';
import { Broker } from './broker.ts';
import type { BillingApiConfig } from './config.ts';
import { createOrder, getOrder } from './orders.ts';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.ts';
import { accepted, createOrderBody, errors, hasCents, order, orderIdParams, type CreateOrderBody } from './schemas.ts';

export const version = packageVersion(new URL('../package.json', import.meta.url));

export interface BuildApiOptions {
  readonly config: BillingApiConfig;
  readonly logStream?: Writable;
  /** @default 10 */
  readonly poolMax?: number;
  /** relay tuning (tests shorten the poll interval) */
  readonly relay?: Pick<OutboxRelayOptions, 'batchSize' | 'pollIntervalMs' | 'confirmTimeoutMs'>;
}

export type BillingApi = FastifyInstance & { pool: Pool; broker: Broker; relay: OutboxRelay };

export function buildApi(o: BuildApiOptions): BillingApi {
  const app = createService({
    service: 'billing-api',
    version,
    ...logOptions(o.config, o.logStream),
    bodyLimit: 16 * 1024,
  });
  const pool = createPgPool(app, { database: 'billing', connection: o.config.database, max: o.poolMax ?? 10 });
  const broker = new Broker({ url: o.config.amqpUrl, logger: app.log });
  const relay = new OutboxRelay({ pool, broker, logger: app.log, ...o.relay });

  const created = new Counter({
    name: metrics.ordersCreated,
    help: 'Orders accepted (stored as pending with their outbox row)',
    registers: [app.kit.registry],
  });
  let lastBacklog = 0;
  new Gauge({
    name: metrics.outboxBacklog,
    help: 'Outbox rows not yet confirmed by RabbitMQ',
    registers: [app.kit.registry],
    async collect() {
      // a scrape while PostgreSQL is down keeps the last value instead of failing /metrics
      lastBacklog = await relay.backlog().catch(() => lastBacklog);
      this.set(lastBacklog);
    },
  });

  app.decorate('pool', pool);
  app.decorate('broker', broker);
  app.decorate('relay', relay);

  app.post<{ Body: CreateOrderBody }>(
    '/api/orders',
    { schema: { body: createOrderBody, response: { 202: accepted, ...errors } } },
    async (request, reply) => {
      if (!hasCents(request.body.price)) throw badRequest('body.price', 'must have at most two decimals');
      const stored = await createOrder(pool, request.body, String(request.id));
      created.inc();
      relay.wake();
      reply.code(202).header('location', `/api/orders/${stored.id}`);
      return { id: stored.id, status: stored.status };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/orders/:id',
    { schema: { params: orderIdParams, response: { 200: order, ...errors } } },
    async (request) => {
      const found = await getOrder(pool, request.params.id.toLowerCase());
      if (!found) throw notFound(`order ${request.params.id}`);
      return found;
    },
  );

  app.addHook('onReady', async () => {
    await broker.start();
    relay.start();
  });
  // onClose hooks run last-registered first: this one (after in-flight requests finished)
  // stops the relay after its batch, before createPgPool's hook ends the pool.
  app.addHook('onClose', async () => {
    await relay.stop();
    await broker.close();
  });
  return app as BillingApi;
}

// buildApi(): the billing API (orders in PostgreSQL database `billing`, relayed to RabbitMQ
// through the transactional outbox). Never listens; api-server.ts does.
import { Counter, Gauge } from 'prom-client';
import { metrics } from '@marquee/contract';
import { badRequest, notFound } from '@marquee/kit';
import type { BillingApiConfig } from './config.ts';
import { createOrder, getOrder } from './orders.ts';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.ts';
import { billingProcess, type BillingProcess, type BillingProcessOptions } from './process.ts';
import { accepted, createOrderBody, errors, hasCents, order, orderIdParams, type CreateOrderBody } from './schemas.ts';

export { version } from './process.ts';

export interface BuildApiOptions extends BillingProcessOptions<BillingApiConfig> {
  /** relay tuning (tests shorten the poll interval) */
  readonly relay?: Pick<OutboxRelayOptions, 'batchSize' | 'pollIntervalMs' | 'confirmTimeoutMs'>;
}

export type BillingApi = BillingProcess & { relay: OutboxRelay };

export function buildApi(o: BuildApiOptions): BillingApi {
  const { app, pool, broker } = billingProcess('billing-api', o, { bodyLimit: 16 * 1024 });
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

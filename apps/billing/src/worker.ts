// buildWorker(): the billing worker — the order consumer plus its own small HTTP app for
// /healthz, /readyz and /metrics (port 3003). Never listens; worker-server.ts does.
import { Counter } from 'prom-client';
import { metrics, shutdown } from '@marquee/contract';
import type { BillingWorkerConfig } from './config.ts';
import { InventoryClient } from './inventory-client.ts';
import { OrderConsumer } from './order-consumer.ts';
import { billingProcess, type BillingProcess, type BillingProcessOptions } from './process.ts';

export interface BuildWorkerOptions extends BillingProcessOptions<BillingWorkerConfig> {
  /** how long stop waits for in-flight orders, ms @default (drainSeconds - 5) s */
  readonly drainTimeoutMs?: number;
}

export type BillingWorker = BillingProcess & { consumer: OrderConsumer };

export function buildWorker(o: BuildWorkerOptions): BillingWorker {
  const { app, pool, broker } = billingProcess('billing-worker', o);
  // one connection per message in flight: a request never waits for a socket, so the
  // upstream timeout measures inventory, not our own queue
  const inventory = new InventoryClient({
    url: o.config.inventoryUrl,
    timeoutMs: o.config.upstreamTimeoutMs,
    connections: o.config.prefetch,
    cacheMs: o.config.inventoryCacheMs,
  });

  const counter = (name: string, help: string) => new Counter({ name, help, registers: [app.kit.registry] });
  const completed = counter(metrics.ordersCompleted, 'Orders settled as completed (the movie exists)');
  const rejected = counter(metrics.ordersRejected, 'Orders settled as rejected (inventory does not know the movie)');
  const deadLettered = counter(metrics.ordersDeadLettered, 'Poison messages dead-lettered after the delivery limit');

  const consumer = new OrderConsumer({
    pool,
    broker,
    inventory,
    logger: app.log,
    prefetch: o.config.prefetch,
    counters: { completed: () => completed.inc(), rejected: () => rejected.inc(), deadLettered: () => deadLettered.inc() },
  });

  app.kit.addReadinessCheck('rabbitmq', async () => {
    if (!broker.connected) throw new Error('not connected');
    if (!consumer.consuming) throw new Error('not consuming');
  });
  app.decorate('consumer', consumer);

  app.addHook('onReady', async () => {
    await broker.start();
    consumer.start();
  });
  // Registered after createPgPool, so it runs before the pool ends: stop consuming, let the
  // orders in flight commit and be acknowledged, then leave the broker.
  app.addHook('onClose', async () => {
    await consumer.stop(o.drainTimeoutMs ?? (shutdown.drainSeconds - 5) * 1000);
    await broker.close();
    await inventory.close();
  });
  return app as BillingWorker;
}

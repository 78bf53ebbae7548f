// Billing's configuration specs, apart from their readers (config.ts): validate runs them over
// the environment a rendered overlay gives each container, without loading pg, amqplib or fastify.
import { envVars, services } from '@marquee/contract';
import { baseConfigSpec, env } from '@marquee/kit/config';

/** RabbitMQ's own out-of-the-box local account; in the cluster AMQP_URL comes from a Secret. */
export const localAmqpUrl = 'amqp://guest:guest@127.0.0.1:5672';

const amqpSpec = {
  amqpUrl: env.url(envVars.amqpUrl, { protocols: ['amqp:', 'amqps:'], default: localAmqpUrl, example: 'amqp://user:pass@rabbitmq:5672/marquee' }),
};

/** The API's variables; PostgreSQL's come through pgConnectionConfig (config.ts). */
export const billingApiConfigSpec = { ...baseConfigSpec('billing-api'), ...amqpSpec };

/** The worker's variables; PostgreSQL's come through pgConnectionConfig (config.ts). */
export const billingWorkerConfigSpec = {
  ...baseConfigSpec('billing-worker'),
  ...amqpSpec,
  inventoryUrl: env.url(envVars.inventoryUrl, { default: `http://127.0.0.1:${services.inventory.port}`, example: 'http://inventory:3001' }),
  upstreamTimeoutMs: env.int(envVars.upstreamTimeoutMs, { default: 5000, min: 100, max: 60_000 }),
  prefetch: env.int('BILLING_PREFETCH', { default: 64, min: 1, max: 1000 }),
  inventoryCacheMs: env.int('INVENTORY_CACHE_MS', { default: 2000, min: 0, max: 300_000 }),
};

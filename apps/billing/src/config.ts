// Billing's configuration: the common variables, PostgreSQL (DATABASE_URL or PG*), RabbitMQ
// (AMQP_URL) and, for the worker, inventory's URL. Every bad variable is named at start.
import type { PoolConfig } from 'pg';
import { envVars, services } from '@marquee/contract';
import { baseConfigSpec, env, pgConnectionConfig, readConfig, type BaseConfig, type Env } from '@marquee/kit';

/** RabbitMQ's own out-of-the-box local account; in the cluster AMQP_URL comes from a Secret. */
export const localAmqpUrl = 'amqp://guest:guest@127.0.0.1:5672';

const amqpSpec = {
  amqpUrl: env.url(envVars.amqpUrl, { protocols: ['amqp:', 'amqps:'], default: localAmqpUrl, example: 'amqp://user:pass@rabbitmq:5672/marquee' }),
};

export interface BillingApiConfig extends BaseConfig {
  readonly database: PoolConfig;
  readonly amqpUrl: string;
}

export interface BillingWorkerConfig extends BillingApiConfig {
  readonly inventoryUrl: string;
  readonly upstreamTimeoutMs: number;
  /** unacknowledged orders in flight (BILLING_PREFETCH) */
  readonly prefetch: number;
  /** how long "movie exists" answers are reused, ms (INVENTORY_CACHE_MS; 0 = ask every time) */
  readonly inventoryCacheMs: number;
}

/** Throws ConfigError naming every bad variable. */
export function readApiConfig(source: Env = process.env): BillingApiConfig {
  return {
    ...readConfig({ ...baseConfigSpec('billing-api'), ...amqpSpec }, source),
    database: pgConnectionConfig('billing', source),
  };
}

export function readWorkerConfig(source: Env = process.env): BillingWorkerConfig {
  return {
    ...readConfig(
      {
        ...baseConfigSpec('billing-worker'),
        ...amqpSpec,
        inventoryUrl: env.url(envVars.inventoryUrl, { default: `http://127.0.0.1:${services.inventory.port}`, example: 'http://inventory:3001' }),
        upstreamTimeoutMs: env.int(envVars.upstreamTimeoutMs, { default: 5000, min: 100, max: 60_000 }),
        prefetch: env.int('BILLING_PREFETCH', { default: 64, min: 1, max: 1000 }),
        inventoryCacheMs: env.int('INVENTORY_CACHE_MS', { default: 2000, min: 0, max: 300_000 }),
      },
      source,
    ),
    database: pgConnectionConfig('billing', source),
  };
}

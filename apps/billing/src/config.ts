// Billing's configuration: the common variables, PostgreSQL (DATABASE_URL or PG*), RabbitMQ
// (AMQP_URL) and, for the worker, inventory's URL. Every bad variable is named at start.
import type { PoolConfig } from 'pg';
import { pgConnectionConfig, readConfig, type BaseConfig, type Env } from '@marquee/kit';
import { billingApiConfigSpec, billingWorkerConfigSpec } from './config-spec.ts';

export { localAmqpUrl } from './config-spec.ts';

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
    ...readConfig(billingApiConfigSpec, source),
    database: pgConnectionConfig('billing', source),
  };
}

export function readWorkerConfig(source: Env = process.env): BillingWorkerConfig {
  return {
    ...readConfig(billingWorkerConfigSpec, source),
    database: pgConnectionConfig('billing', source),
  };
}

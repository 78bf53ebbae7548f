// What both billing processes (the API and the worker) are built on: the service app,
// a pool on PostgreSQL database `billing` and the RabbitMQ broker, decorated on the app.
import type { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { createPgPool, createService, logOptions, packageVersion, type ServiceOptions } from '@marquee/kit';
import { Broker } from './broker.ts';
import type { BillingApiConfig } from './config.ts';

export const version = packageVersion(new URL('../package.json', import.meta.url));

/** The options every billing process takes. */
export interface BillingProcessOptions<C extends BillingApiConfig> {
  readonly config: C;
  readonly logStream?: Writable;
  /** @default 10 */
  readonly poolMax?: number;
}

export type BillingProcess = FastifyInstance & { pool: Pool; broker: Broker };

/** The app of `service` with `pool` and `broker` decorated; `http` tunes the HTTP server (the API's body limit). */
export function billingProcess(
  service: 'billing-api' | 'billing-worker',
  o: BillingProcessOptions<BillingApiConfig>,
  http: Pick<ServiceOptions, 'bodyLimit'> = {},
): { app: FastifyInstance; pool: Pool; broker: Broker } {
  const app = createService({ service, version, ...logOptions(o.config, o.logStream), ...http });
  const pool = createPgPool(app, { database: 'billing', connection: o.config.database, max: o.poolMax ?? 10 });
  const broker = new Broker({ url: o.config.amqpUrl, logger: app.log });
  app.decorate('pool', pool);
  app.decorate('broker', broker);
  return { app, pool, broker };
}

// build(): the inventory app (movies in PostgreSQL database `inventory`). Never listens.
import type { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { createPgPool, createService, isoTimestamps, packageVersion } from '@marquee/kit';
import type { InventoryConfig } from './config.ts';
import { moviesRoutes } from './movies.ts';

export const version = packageVersion(new URL('../package.json', import.meta.url));

export interface BuildOptions {
  readonly config: InventoryConfig;
  readonly logStream?: Writable;
  /** pool size @default 10 */
  readonly poolMax?: number;
}

export function build(o: BuildOptions): FastifyInstance & { pool: Pool } {
  const app = createService({
    service: 'inventory',
    version,
    logLevel: o.config.logLevel,
    logBase: { env: o.config.appEnv, gitSha: o.config.gitSha },
    ...(o.logStream ? { logStream: o.logStream } : {}),
    bodyLimit: 16 * 1024,
  });
  const pool = createPgPool(app, {
    database: 'inventory',
    connection: o.config.database,
    types: isoTimestamps,
    ...(o.poolMax ? { max: o.poolMax } : {}),
  });
  app.decorate('pool', pool);
  app.register(moviesRoutes, { pool });
  return app as FastifyInstance & { pool: Pool };
}

// build(): the inventory app (movies in PostgreSQL database `inventory`). Never listens.
import type { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { createPgPipeline, createPgPool, createService, isoTimestamps, logOptions, packageVersion } from '@marquee/kit';
import type { InventoryConfig } from './config.ts';
import { moviesRoutes } from './movies.ts';

export const version = packageVersion(new URL('../package.json', import.meta.url));

export interface BuildOptions {
  readonly config: InventoryConfig;
  readonly logStream?: Writable;
  /** pool size (writes, seeding, readiness) @default 10 */
  readonly poolMax?: number;
  /** pipelined connections the reads share (see PgPipeline) @default 1 */
  readonly pipelineConnections?: number;
}

export function build(o: BuildOptions): FastifyInstance & { pool: Pool } {
  const app = createService({
    service: 'inventory',
    version,
    ...logOptions(o.config, o.logStream),
    bodyLimit: 16 * 1024,
  });
  const pool = createPgPool(app, {
    database: 'inventory',
    connection: o.config.database,
    types: isoTimestamps,
    ...(o.poolMax ? { max: o.poolMax } : {}),
  });
  // Reads go pipelined (one statement each; under READ COMMITTED a SELECT never waits for a row
  // lock, so nothing but DDL can hold up the queries behind it). Writes can wait on row locks:
  // they take pooled connections of their own.
  const reads = createPgPipeline(app, {
    database: 'inventory',
    connection: o.config.database,
    types: isoTimestamps,
    ...(o.pipelineConnections ? { connections: o.pipelineConnections } : {}),
  });
  app.decorate('pool', pool);
  app.register(moviesRoutes, { reads, writes: pool });
  return app as FastifyInstance & { pool: Pool };
}

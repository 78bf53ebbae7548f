// PostgreSQL pool for a service: connection settings from DATABASE_URL or libpq's PG*
// variables, the marquee_pg_pool_in_use gauge, a readiness check and close on shutdown.
import { createRequire } from 'node:module';
import type { Pool, PoolConfig } from 'pg';
import { Gauge } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import { envVars, metrics, type DatabaseName } from '@marquee/contract';
import { ConfigError, env as fields, readConfig, type Env } from './config.ts';

/** node-postgres, loaded on first use: services without a database (the gateway) never pay its memory. */
let pgModule: typeof import('pg') | undefined;
const pg = (): typeof import('pg') => (pgModule ??= createRequire(import.meta.url)('pg') as typeof import('pg'));

/** Default for local development when neither DATABASE_URL nor PGHOST is set. */
export const localDatabaseUrl = (database: string) => `postgres://postgres@127.0.0.1:5432/${database}`;

/**
 * Connection settings: DATABASE_URL if set (must be postgres:// or postgresql://), else the
 * PG* variables if PGHOST is set (PGDATABASE defaulting to `database`), else the local default.
 * Throws ConfigError naming the bad variable.
 */
export function pgConnectionConfig(database: DatabaseName | string, source: Env = process.env): PoolConfig {
  const url = source[envVars.databaseUrl];
  if (url !== undefined && url.trim() !== '') {
    const { databaseUrl } = readConfig(
      { databaseUrl: fields.url(envVars.databaseUrl, { protocols: ['postgres:', 'postgresql:'], example: localDatabaseUrl(database) }) },
      source,
    );
    const path = new URL(databaseUrl).pathname.replace(/^\//, '');
    if (!path) throw new ConfigError([`config: ${envVars.databaseUrl} must name a database, e.g. ${localDatabaseUrl(database)} (got no path)`]);
    return { connectionString: databaseUrl };
  }
  const host = source[envVars.pgHost];
  if (host === undefined || host.trim() === '') return { connectionString: localDatabaseUrl(database) };
  const c = readConfig(
    {
      port: fields.port(envVars.pgPort, 5432),
      database: fields.string(envVars.pgDatabase, { default: database }),
      user: fields.string(envVars.pgUser, { default: 'postgres' }),
    },
    source,
  );
  const password = source[envVars.pgPassword];
  return { host, port: c.port, database: c.database, user: c.user, ...(password ? { password } : {}) };
}

export interface PgPoolOptions {
  readonly database: DatabaseName | string;
  /** Connection settings, e.g. from pgConnectionConfig() at start; overrides `env`. */
  readonly connection?: PoolConfig;
  /** Overrides the environment entirely (tests). */
  readonly connectionString?: string;
  /** @default process.env */
  readonly env?: Env;
  /** @default 10 */
  readonly max?: number;
  /** Fail a request fast when no connection can be had. @default 2000 */
  readonly connectionTimeoutMillis?: number;
  /** Server-side statement timeout. @default 5000 */
  readonly statementTimeoutMillis?: number;
  /** Custom type parsers for this pool only (see isoTimestamps). */
  readonly types?: PoolConfig['types'];
}

const TIMESTAMPTZ = 1184;
/**
 * Type parsers that keep timestamptz as an RFC 3339 string instead of a Date: sessions run in
 * UTC (createPgPool sets TimeZone), so '2026-11-22 02:12:36.742+00' only needs two edits,
 * which is much cheaper than Date parsing plus toISOString for every row of a list response.
 */
export const isoTimestamps: NonNullable<PoolConfig['types']> = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ && format !== 'binary'
      ? (s: string) => s.replace(' ', 'T').replace(/\+00$/, 'Z')
      : pg().types.getTypeParser(oid, format ?? 'text')) as NonNullable<PoolConfig['types']>['getTypeParser'],
};

const gauges = new WeakMap<object, { pools: Map<string, Pool> }>();

/**
 * Creates the app's pool: registers `marquee_pg_pool_in_use{pool}` on the app's registry,
 * a `postgres` readiness check (SELECT 1) and `pool.end()` in onClose.
 */
export function createPgPool(app: FastifyInstance, o: PgPoolOptions): Pool {
  const base = o.connectionString ? { connectionString: o.connectionString } : (o.connection ?? pgConnectionConfig(o.database, o.env));
  const statementTimeout = o.statementTimeoutMillis ?? 5000;
  const pool = new (pg().Pool)({
    ...base,
    max: o.max ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: o.connectionTimeoutMillis ?? 2000,
    statement_timeout: statementTimeout,
    // Client-side bound too: a blackholed server never answers, so the server-side timeout never fires.
    query_timeout: statementTimeout + 1000,
    keepAlive: true,
    application_name: app.kit.service,
    // Timestamps leave the database in UTC whatever the server's default zone.
    options: '-c TimeZone=UTC',
    ...(o.types ? { types: o.types } : {}),
  });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', (err) => app.log.warn({ err }, 'postgres: idle client error'));

  let entry = gauges.get(app.kit.registry);
  if (!entry) {
    const e = { pools: new Map<string, Pool>() };
    new Gauge({
      name: metrics.pgPoolInUse,
      help: 'PostgreSQL connections checked out of the pool',
      labelNames: ['pool'] as const,
      registers: [app.kit.registry],
      collect() {
        for (const [name, p] of e.pools) this.set({ pool: name }, p.totalCount - p.idleCount);
      },
    });
    gauges.set(app.kit.registry, e);
    entry = e;
  }
  entry.pools.set(String(o.database), pool);

  app.kit.addReadinessCheck('postgres', async () => {
    await pool.query('SELECT 1');
  });
  app.addHook('onClose', async () => {
    await pool.end();
  });
  return pool;
}

/**
 * For local tooling that serves several databases from one server (npm run migrate, npm run
 * dev): DATABASE_URL (if set) with its database replaced by `database`, else the local default.
 */
export function databaseUrlFor(database: string, source: Env = process.env): string {
  const url = source[envVars.databaseUrl];
  if (url === undefined || url.trim() === '') return localDatabaseUrl(database);
  const { databaseUrl } = readConfig(
    { databaseUrl: fields.url(envVars.databaseUrl, { protocols: ['postgres:', 'postgresql:'], example: localDatabaseUrl(database) }) },
    source,
  );
  const u = new URL(databaseUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

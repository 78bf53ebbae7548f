// PostgreSQL for a service: connection settings from DATABASE_URL or libpq's PG* variables,
// a pool (readiness check, close on shutdown) and pipelined connections for plain reads, both
// counted by the marquee_pg_pool_in_use gauge.
import { createRequire } from 'node:module';
import type { Client, Pool, PoolConfig, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import { Gauge } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import { envVars, metrics, type DatabaseName } from '@marquee/contract';
import { ConfigError, env as fields, readConfig, type Env } from './config.ts';

/** node-postgres, loaded on first use: services without a database (the gateway) never pay its memory. */
let pgModule: typeof import('pg') | undefined;
const pg = (): typeof import('pg') => (pgModule ??= createRequire(import.meta.url)('pg') as typeof import('pg'));

/** What route code needs from a pool or a pipeline: one statement at a time, no transactions. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(config: QueryConfig): Promise<QueryResult<R>>;
}

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

/** What every connection of a service gets, pooled or pipelined. */
function clientConfig(app: FastifyInstance, o: PgPoolOptions): PoolConfig {
  const base = o.connectionString ? { connectionString: o.connectionString } : (o.connection ?? pgConnectionConfig(o.database, o.env));
  const statementTimeout = o.statementTimeoutMillis ?? 5000;
  return {
    ...base,
    connectionTimeoutMillis: o.connectionTimeoutMillis ?? 2000,
    statement_timeout: statementTimeout,
    // Client-side bound too: a blackholed server never answers, so the server-side timeout never fires.
    query_timeout: statementTimeout + 1000,
    keepAlive: true,
    application_name: app.kit.service,
    // Timestamps leave the database in UTC whatever the server's default zone.
    options: '-c TimeZone=UTC',
    ...(o.types ? { types: o.types } : {}),
  };
}

const gauges = new WeakMap<object, Map<string, () => number>>();

/** `marquee_pg_pool_in_use{pool}`: one gauge per app registry, one series per pool or pipeline. */
function registerInUse(app: FastifyInstance, name: string, inUse: () => number): void {
  let entry = gauges.get(app.kit.registry);
  if (!entry) {
    const e = new Map<string, () => number>();
    new Gauge({
      name: metrics.pgPoolInUse,
      help: 'PostgreSQL connections checked out of the pool (pipelines: connections with queries in flight)',
      labelNames: ['pool'] as const,
      registers: [app.kit.registry],
      collect() {
        for (const [pool, count] of e) this.set({ pool }, count());
      },
    });
    gauges.set(app.kit.registry, e);
    entry = e;
  }
  entry.set(name, inUse);
}

/**
 * Creates the app's pool: registers `marquee_pg_pool_in_use{pool}` on the app's registry,
 * a `postgres` readiness check (SELECT 1) and `pool.end()` in onClose.
 */
export function createPgPool(app: FastifyInstance, o: PgPoolOptions): Pool {
  const pool = new (pg().Pool)({ ...clientConfig(app, o), max: o.max ?? 10, idleTimeoutMillis: 30_000 });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', (err) => app.log.warn({ err }, 'postgres: idle client error'));
  registerInUse(app, String(o.database), () => pool.totalCount - pool.idleCount);
  app.kit.addReadinessCheck('postgres', async () => {
    await pool.query('SELECT 1');
  });
  app.addHook('onClose', async () => {
    await pool.end();
  });
  return pool;
}

export interface PgPipelineOptions extends Omit<PgPoolOptions, 'max'> {
  /** Pipelined connections; each query goes to the one with the fewest in flight. @default 1 */
  readonly connections?: number;
}

interface PipelineSlot {
  inFlight: number;
  client: Promise<Client> | undefined;
}

/** Empties the slot if it still holds this connection (a newer one is left alone); true if it did. */
function forget(slot: PipelineSlot, opened: Promise<Client>): boolean {
  if (slot.client !== opened) return false;
  slot.client = undefined;
  return true;
}

/**
 * A few connections in node-postgres' pipeline mode (https://node-postgres.com/features/pipelining):
 * a query is written at once behind those already in flight instead of waiting for a free pooled
 * connection, so under load the reads and writes of many queries share syscalls and wake-ups.
 * Each query still ends in its own Sync: it is its own implicit transaction and its error is its
 * own. Not for BEGIN … COMMIT (other requests' queries would land inside): use the Pool.
 * The price is head-of-line blocking: a query stuck on a lock delays those behind it on the same
 * connection (bounded by the statement timeout). Give it statements that do not wait on row locks
 * (plain SELECTs under READ COMMITTED); one connection batches best, more spread a busy server's
 * work over more backends.
 * A connection that fails is dropped; the next query opens a new one (recovery without restart).
 */
export class PgPipeline implements Queryable {
  readonly #config: PoolConfig;
  readonly #slots: PipelineSlot[];
  readonly #log: FastifyInstance['log'];
  #ended = false;

  constructor(config: PoolConfig, connections: number, log: FastifyInstance['log']) {
    if (!Number.isInteger(connections) || connections < 1) throw new RangeError(`PgPipeline: connections must be a positive integer (got ${connections})`);
    this.#config = config;
    this.#slots = Array.from({ length: connections }, (): PipelineSlot => ({ inFlight: 0, client: undefined }));
    this.#log = log;
  }

  async query<R extends QueryResultRow = QueryResultRow>(config: QueryConfig): Promise<QueryResult<R>> {
    // Same message as pg.Pool's, so isPgUnavailable() answers 503 for it too.
    if (this.#ended) throw new Error('Cannot use a pool after calling end');
    let slot = this.#slots[0]!;
    for (const s of this.#slots) if (s.inFlight < slot.inFlight) slot = s;
    slot.inFlight++;
    const opened = (slot.client ??= this.#connect(slot));
    try {
      const client = await opened;
      try {
        return await client.query<R>(config);
      } catch (err) {
        // Anything but a statement-level error from the server (an ERROR leaves the session
        // usable; FATAL, e.g. pg_terminate_backend, and socket errors do not): the connection is
        // gone, and queries after this one must not be written to it before pg's 'error'/'end'.
        const usable = err instanceof pg().DatabaseError && err.severity !== 'FATAL' && err.severity !== 'PANIC';
        if (!usable && forget(slot, opened)) client.end().catch(() => {});
        throw err;
      }
    } finally {
      slot.inFlight--;
    }
  }

  /** Connections with at least one query in flight. */
  get inUse(): number {
    return this.#slots.filter((s) => s.inFlight > 0).length;
  }

  #connect(slot: PipelineSlot): Promise<Client> {
    const client = new (pg().Client)({ ...this.#config, pipeline: true });
    const opened: Promise<Client> = client.connect().then(
      () => client,
      (err: unknown) => {
        forget(slot, opened);
        client.end().catch(() => {});
        throw err;
      },
    );
    // The queries in flight on it fail with the error (pg rejects them); later ones reconnect.
    client.on('error', (err) => {
      this.#log.warn({ err }, 'postgres: pipelined connection error');
      forget(slot, opened);
    });
    client.on('end', () => forget(slot, opened));
    return opened;
  }

  async end(): Promise<void> {
    this.#ended = true;
    await Promise.all(this.#slots.map((s) => s.client?.then((c) => c.end(), () => {})));
  }
}

/** Creates the app's pipeline: `marquee_pg_pool_in_use{pool="<database>-pipeline"}` and end() in onClose. */
export function createPgPipeline(app: FastifyInstance, o: PgPipelineOptions): PgPipeline {
  const pipeline = new PgPipeline(clientConfig(app, o), o.connections ?? 1, app.log);
  registerInUse(app, `${String(o.database)}-pipeline`, () => pipeline.inUse);
  app.addHook('onClose', async () => {
    await pipeline.end();
  });
  return pipeline;
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

// Billing test fixtures on the machine's real PostgreSQL and RabbitMQ: a throwaway database
// (migrated) and a throwaway vhost per test file, the real inventory app as the worker's
// dependency. Tests that crash the broker start their own node (@marquee/kit/testing
// startRabbitNode): the shared one is never stopped.
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { baseConfigSpec, migrate, readConfig } from '@marquee/kit';
import { captureLogs, createTestDatabase, createTestVhost, waitFor, type TestDatabase, type TestVhost } from '@marquee/kit/testing';
import { build as buildInventory, migrationsDir as inventoryMigrations, seedMovies } from '@marquee/inventory';
import { migrationsDir, type BillingApiConfig, type BillingWorkerConfig } from '../src/index.ts';

// One implementation of each in @marquee/kit/testing; re-exported for the billing tests.
export { captureLogs, createTestVhost, type TestVhost };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a truthy value (returned) or the timeout passes (throws, naming `what`). */
export const eventually = <T,>(check: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> =>
  waitFor(what, check, { timeoutMs, intervalMs: 100 });


export interface BillingEnv {
  readonly db: TestDatabase;
  readonly vhost: TestVhost;
  readonly pool: pg.Pool;
  apiConfig(): BillingApiConfig;
  workerConfig(inventoryUrl: string): BillingWorkerConfig;
  close(): Promise<void>;
}

/** A migrated billing database and a vhost, plus a pool for assertions. */
export async function billingEnv(prefix: string): Promise<BillingEnv> {
  const db = await createTestDatabase(prefix);
  const vhost = await createTestVhost(prefix.replace(/_/g, '-'));
  await migrate({ database: db.name, dir: migrationsDir, connectionString: db.url });
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  // DROP DATABASE ... WITH (FORCE) at teardown terminates idle clients; an idle
  // client's error without a listener would be an uncaught exception.
  pool.on('error', () => {});
  const base = { ...readConfig(baseConfigSpec('billing-api'), { LOG_LEVEL: 'warn' }), database: { connectionString: db.url }, amqpUrl: vhost.url };
  return {
    db,
    vhost,
    pool,
    apiConfig: () => base,
    workerConfig: (inventoryUrl) => ({ ...base, inventoryUrl, upstreamTimeoutMs: 10_000, prefetch: 32, inventoryCacheMs: 0 }),
    async close() {
      await pool.end();
      await db.drop();
      await vhost.drop();
    },
  };
}

export interface InventoryServer {
  readonly url: string;
  /** ids of the seeded movies */
  readonly movieIds: number[];
  close(): Promise<void>;
}

/** The real inventory app on a random port, on its own seeded database. */
export async function inventoryServer(prefix: string): Promise<InventoryServer> {
  const db = await createTestDatabase(`${prefix}_inv`);
  await migrate({ database: db.name, dir: inventoryMigrations, connectionString: db.url });
  const { stream } = captureLogs();
  const config = { ...readConfig(baseConfigSpec('inventory'), { LOG_LEVEL: 'warn' }), database: { connectionString: db.url } };
  const app = buildInventory({ config, logStream: stream });
  await seedMovies(app.pool);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { rows } = await app.pool.query<{ id: number }>('SELECT id FROM movies ORDER BY id');
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    movieIds: rows.map((r) => r.id),
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

export interface OrderRow {
  id: string;
  status: string;
  price: string;
}

/**
 * A TCP proxy in front of a real server (PostgreSQL here) that a test can cut — every open
 * connection reset, new ones refused — and restore: a dependency outage without stopping the
 * shared server other engineers' tests use.
 */
export interface TcpProxy {
  readonly port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function tcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const net = await import('node:net');
  const sockets = new Set<import('node:net').Socket>();
  let down = false;
  const server = net.createServer((client) => {
    if (down) return client.destroy();
    const upstream = net.connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      down = true;
      for (const s of sockets) s.resetAndDestroy();
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/**
 * A tiny HTTP front for inventory that forwards to the real app, or answers 503 while
 * `down`, optionally after a delay: inventory outages and slowness on demand.
 */
export interface FlakyHttp {
  readonly url: string;
  down: boolean;
  delayMs: number;
  requests: number;
  close(): Promise<void>;
}

export async function flakyHttp(target: string): Promise<FlakyHttp> {
  const http = await import('node:http');
  const { request } = await import('undici');
  const state = { down: false, delayMs: 0, requests: 0 };
  const server = http.createServer(async (req, res) => {
    state.requests++;
    if (state.delayMs) await sleep(state.delayMs);
    if (state.down) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"statusCode":503}');
      return;
    }
    try {
      const up = await request(`${target}${req.url}`, { method: 'GET' });
      res.writeHead(up.statusCode, { 'content-type': 'application/json' }).end(await up.body.text());
    } catch {
      res.writeHead(502).end();
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}

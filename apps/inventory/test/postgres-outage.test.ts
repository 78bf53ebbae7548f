// PostgreSQL going away: /readyz 503 and clear 503 answers (never a hang, never a 500), and
// recovery without a restart. Once through a TCP proxy we can cut and blackhole, and once by
// really stopping a PostgreSQL server the test starts for itself (the shared one stays up).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { baseConfigSpec, migrate, readConfig } from '@marquee/kit';
import { startPostgresServer, waitFor, type PostgresServer } from '@marquee/kit/testing';
import { build, migrationsDir, seedMovies } from '../src/index.ts';
import { captureLogs, inventoryFixture, type Fixture } from './helpers.ts';

/** A TCP proxy to the real PostgreSQL that can refuse, cut or blackhole connections. */
class FlakyProxy {
  mode: 'pass' | 'blackhole' = 'pass';
  readonly sockets = new Set<Socket>();
  server: Server | undefined;
  port = 0;
  async start(): Promise<void> {
    this.server = createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => {});
      if (this.mode === 'blackhole') return; // accept, never answer
      const upstream = connect(5432, '127.0.0.1');
      this.sockets.add(upstream);
      upstream.on('close', () => {
        this.sockets.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }
  /** PostgreSQL "goes down": every connection is cut and new ones are refused. */
  async down(): Promise<void> {
    const closed = new Promise((r) => this.server!.close(r));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

const until = (what: string, fn: () => Promise<boolean>, timeoutMs: number) => waitFor(what, fn, { timeoutMs, intervalMs: 100 });

describe('through a proxy that cuts PostgreSQL off', () => {
  const proxy = new FlakyProxy();
  let f: Fixture;
  before(async () => {
    await proxy.start();
    f = await inventoryFixture('inv_outage', { viaPort: proxy.port });
    await seedMovies(f.app.pool);
  });
  after(async () => {
    await proxy.down().catch(() => {});
    await f?.close();
  });

  test('cut → 503 everywhere, quickly; back → serves again without a restart', async () => {
    assert.equal((await f.app.inject('/readyz')).statusCode, 200);
    assert.equal((await f.app.inject('/api/movies?limit=2')).statusCode, 200);

    await proxy.down();
    const ready = await f.app.inject('/readyz');
    assert.equal(ready.statusCode, 503);
    assert.equal(ready.json().status, 'unavailable');
    assert.notEqual(ready.json().checks.postgres, 'ok');
    for (const [method, url, payload] of [
      ['GET', '/api/movies'],
      ['GET', '/api/movies/1'],
      ['POST', '/api/movies', { title: 'x', director: 'y' }],
      ['DELETE', '/api/movies/1'],
    ] as const) {
      const t0 = Date.now();
      const r = await f.app.inject({ method, url, ...(payload ? { payload } : {}) });
      assert.equal(r.statusCode, 503, `${method} ${url}: ${r.body}`);
      assert.deepEqual([r.json().code, r.json().message], ['DEPENDENCY_UNAVAILABLE', 'postgres is unavailable, retry later']);
      assert.equal(r.headers['retry-after'], '1');
      assert.ok(Date.now() - t0 < 3000, `${method} ${url} answered in ${Date.now() - t0} ms`);
    }
    assert.match((await f.app.inject('/healthz')).body, /ok/, 'liveness does not depend on the database');

    await proxy.start();
    await until('readiness', async () => (await f.app.inject('/readyz')).statusCode === 200, 10_000);
    assert.equal((await f.app.inject('/api/movies?limit=2')).json().items.length, 2);
  });

  test('blackholed (accepts, never answers) → 503 within the connect timeout, not a hang', async () => {
    // drop pooled connections so the next query needs a new one
    await proxy.down();
    proxy.mode = 'blackhole';
    await proxy.start();
    try {
      const t0 = Date.now();
      const r = await f.app.inject('/api/movies/1');
      const ms = Date.now() - t0;
      assert.equal(r.statusCode, 503, r.body);
      assert.ok(ms < 4000, `answered in ${ms} ms`);
      assert.equal((await f.app.inject('/readyz')).statusCode, 503);
    } finally {
      await proxy.down();
      proxy.mode = 'pass';
      await proxy.start();
    }
    await until('recovery', async () => (await f.app.inject('/api/movies/1')).statusCode === 200, 10_000);
  });

  test('no 500 and no error-level log during all of it', () => {
    assert.deepEqual(f.logs.filter((l) => /"level":"(error|fatal)"/.test(l)).slice(0, 3), []);
    assert.ok(f.logs.some((l) => l.includes('"statusCode":503')), '5xx answers are logged as warnings');
  });
});

describe('really stopping a PostgreSQL server (one of its own, never the shared one)', () => {
  let server: PostgresServer;
  let app: ReturnType<typeof build>;
  let logs: string[];
  before(async () => {
    server = await startPostgresServer('inv_pgstop');
    const admin = new pg.Client({ connectionString: server.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE inventory');
    await admin.end();
    await migrate({ database: 'inventory', dir: migrationsDir, connectionString: server.url('inventory') });
    const captured = captureLogs();
    logs = captured.lines;
    app = build({ config: { ...readConfig(baseConfigSpec('inventory'), {}), database: { connectionString: server.url('inventory') } }, logStream: captured.stream });
    await app.ready();
    await seedMovies(app.pool);
  });
  after(async () => {
    await app?.close();
    await server?.remove();
  });

  test('stopped → 503; started again → ready without restarting the app (outage < 10 s)', async () => {
    assert.equal((await app.inject('/api/movies/1')).statusCode, 200);
    const t0 = Date.now();
    try {
      await server.stopServer();
      const ready = await app.inject('/readyz');
      assert.equal(ready.statusCode, 503, ready.body);
      const r = await app.inject('/api/movies/1');
      assert.equal(r.statusCode, 503, r.body);
      assert.equal(r.json().code, 'DEPENDENCY_UNAVAILABLE');
    } finally {
      await server.startServer();
    }
    const outage = Date.now() - t0;
    console.log(`# PostgreSQL was stopped for ${outage} ms`);
    assert.ok(outage < 10_000, `PostgreSQL was down for ${outage} ms`);
    await until('readiness after restart', async () => (await app.inject('/readyz')).statusCode === 200, 15_000);
    assert.equal((await app.inject('/api/movies/1')).statusCode, 200);
    assert.deepEqual(logs.filter((l) => /"level":"(error|fatal)"/.test(l)).slice(0, 3), []);
  });
});

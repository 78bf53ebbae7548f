// PostgreSQL going away: /readyz 503 and clear 503 answers (never a hang, never a 500), and
// recovery without a restart. Once through a TCP proxy we can cut and blackhole, and once by
// really stopping the local PostgreSQL (restarted in `finally`; other engineers share it).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { waitFor } from '@marquee/kit/testing';
import { seedMovies } from '../src/index.ts';
import { inventoryFixture, type Fixture } from './helpers.ts';

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

describe('really stopping the local PostgreSQL', () => {
  const version = readdirSync('/etc/postgresql')[0];
  const ctl = (action: 'start' | 'stop') =>
    spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version!, 'main', action, ...(action === 'stop' ? ['-m', 'fast'] : [])], {
      encoding: 'utf8',
      timeout: 30_000,
    });
  let f: Fixture;
  before(async () => {
    f = await inventoryFixture('inv_pgstop');
    await seedMovies(f.app.pool);
  });
  after(async () => {
    await f?.close();
  });

  test('stopped → 503; started again → ready without restarting the app (outage < 10 s)', async () => {
    assert.equal((await f.app.inject('/api/movies/1')).statusCode, 200);
    let outage = 0;
    const t0 = Date.now();
    try {
      const stop = ctl('stop');
      assert.equal(stop.status, 0, `pg_ctlcluster stop: ${stop.stderr}`);
      const ready = await f.app.inject('/readyz');
      assert.equal(ready.statusCode, 503, ready.body);
      const r = await f.app.inject('/api/movies/1');
      assert.equal(r.statusCode, 503, r.body);
      assert.equal(r.json().code, 'DEPENDENCY_UNAVAILABLE');
    } finally {
      const start = ctl('start');
      outage = Date.now() - t0;
      assert.equal(start.status, 0, `pg_ctlcluster start FAILED, start it by hand: ${start.stderr}`);
    }
    console.log(`# PostgreSQL was stopped for ${outage} ms`);
    assert.ok(outage < 10_000, `PostgreSQL was down for ${outage} ms`);
    await until('readiness after restart', async () => (await f.app.inject('/readyz')).statusCode === 200, 15_000);
    assert.equal((await f.app.inject('/api/movies/1')).statusCode, 200);
  });
});

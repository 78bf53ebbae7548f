// SIGTERM on a real inventory process: readiness turns 503 at once, the request in flight
// finishes, the pool closes and the process exits 0 — well within shutdown.drainSeconds.
// No sleeps: the request is shown to be waiting inside PostgreSQL before the signal, and the
// signal to have arrived (the process logs it) before readiness is read.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { services, shutdown } from '@marquee/contract';
import { migrate } from '@marquee/kit';
import { createTestDatabase, freePort, startService, waitFor, type TestDatabase } from '@marquee/kit/testing';
import { migrationsDir } from '../src/index.ts';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase('inv_shutdown');
  await migrate({ database: db.name, dir: migrationsDir, connectionString: db.url });
});
after(async () => {
  await db?.drop();
});

test('SIGTERM: readyz 503, the in-flight request completes, exit 0', async () => {
  const inv = startService({ name: 'inventory', entry: services.inventory.entry, port: await freePort(), env: { DATABASE_URL: db.url } });
  const locker = new pg.Client({ connectionString: db.url });
  try {
    await inv.ready();
    // Hold a request in flight: its query waits on a table lock we release later.
    await locker.connect();
    await locker.query('BEGIN; LOCK TABLE movies IN ACCESS EXCLUSIVE MODE');
    let settled = false;
    const inFlight = fetch(`${inv.url}/api/movies?limit=1`)
      .then(async (r) => ({ status: r.status, body: await r.text() }))
      .finally(() => (settled = true));
    // In flight for certain: its query waits inside PostgreSQL for our lock on movies.
    await waitFor(
      "the request's query to wait for the lock on movies",
      async () => (await locker.query(`SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'movies'::regclass AND NOT granted`)).rows[0].n > 0,
      { timeoutMs: 10_000 },
    );
    assert.equal(settled, false, 'the request is still waiting when the signal is sent');

    const t0 = Date.now();
    inv.child.kill('SIGTERM');
    await waitFor('inventory to log that SIGTERM started the shutdown', () => inv.output.some((l) => l.includes('"msg":"shutting down"')), { timeoutMs: 5000 });
    const ready = await fetch(`${inv.url}/readyz`, { headers: { connection: 'close' } });
    assert.equal(ready.status, 503, 'not ready while draining');
    assert.equal(((await ready.json()) as { status: string }).status, 'draining');
    assert.equal(ready.headers.get('connection'), 'close', 'draining responses close their connection');

    assert.equal(settled, false, 'the in-flight request is held through the drain, not cut');
    await locker.query('ROLLBACK');
    const done = await inFlight;
    assert.equal(done.status, 200, `the in-flight request completed: ${done.body}`);

    assert.equal(await inv.exited, 0);
    const ms = Date.now() - t0;
    assert.ok(ms < shutdown.drainSeconds * 1000, `exited after ${ms} ms`);
    const log = inv.output.join('\n');
    assert.match(log, /"signal":"SIGTERM","msg":"shutting down"/);
    assert.match(log, /"msg":"closed"/);
    assert.ok(log.indexOf('"msg":"closed"') > log.indexOf('draining'), 'closed after draining');
  } finally {
    await locker.end().catch(() => {});
    await inv.stop('SIGKILL');
  }
});

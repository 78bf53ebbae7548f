// PgPipeline against the real local PostgreSQL: many queries in flight on one connection, each
// with its own result or error, a killed backend replaced by the next query, end(), the gauge.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pg from 'pg';
import { metrics } from '@marquee/contract';
import { createPgPipeline, createService, isPgUnavailable, type PgPipeline } from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing.ts';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase('kit_pipeline');
});
after(async () => {
  await db?.drop();
});

const quiet = new Writable({ write: (_c, _e, cb) => cb() });
function pipelineApp(connections?: number) {
  const app = createService({ service: 'inventory', version: '0.0.0-test', logStream: quiet });
  const pipeline = createPgPipeline(app, { database: db.name, connectionString: db.url, ...(connections ? { connections } : {}) });
  return { app, pipeline };
}

const backendPid = async (p: PgPipeline) => (await p.query<{ pid: number }>({ text: 'SELECT pg_backend_pid() AS pid' })).rows[0]!.pid;

test('500 concurrent queries on one connection: each gets its own rows; a failing one fails alone', async () => {
  const { app, pipeline } = pipelineApp();
  try {
    const results = await Promise.allSettled(
      Array.from({ length: 500 }, (_, i) =>
        pipeline.query<{ n: number }>({ name: i % 50 === 7 ? 'div' : 'echo', text: i % 50 === 7 ? 'SELECT 1 / ($1::int - $1::int) AS n' : 'SELECT $1::int AS n', values: [i] }),
      ),
    );
    for (const [i, r] of results.entries()) {
      if (i % 50 === 7) {
        assert.equal(r.status, 'rejected', `query ${i} divides by zero`);
        assert.equal((r as PromiseRejectedResult).reason.code, '22012');
      } else {
        assert.equal(r.status, 'fulfilled', `query ${i}: ${(r as PromiseRejectedResult).reason}`);
        assert.deepEqual((r as PromiseFulfilledResult<pg.QueryResult<{ n: number }>>).value.rows, [{ n: i }]);
      }
    }
    const pids = new Set(await Promise.all(Array.from({ length: 20 }, () => backendPid(pipeline))));
    assert.equal(pids.size, 1, 'one connection by default');
  } finally {
    await app.close();
  }
});

test('a killed backend: its queries fail as "unavailable", the next query reconnects', async () => {
  const { app, pipeline } = pipelineApp();
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  try {
    const pid = await backendPid(pipeline);
    const inFlight = pipeline.query({ text: 'SELECT pg_sleep(5)' });
    const caught = inFlight.then(
      () => assert.fail('the sleep outlived its backend'),
      (err: unknown) => err,
    );
    await new Promise((r) => setTimeout(r, 200));
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    const err = await caught;
    assert.ok(isPgUnavailable(err), `answered as 503: ${err}`);
    const next = await backendPid(pipeline);
    assert.notEqual(next, pid, 'a new backend');
  } finally {
    await admin.end();
    await app.close();
  }
});

test('two connections share the load; the in-use gauge counts busy connections; end() refuses more', async () => {
  const { app, pipeline } = pipelineApp(2);
  await app.ready();
  const sleeps = [pipeline.query({ text: 'SELECT pg_sleep(0.3)' }), pipeline.query({ text: 'SELECT pg_sleep(0.3)' })];
  await new Promise((r) => setTimeout(r, 100));
  const text = await app.kit.registry.getSingleMetricAsString(metrics.pgPoolInUse);
  assert.match(text, new RegExp(`${metrics.pgPoolInUse}\\{pool="${db.name}-pipeline"\\} 2`), text);
  await Promise.all(sleeps);
  const pids = new Set(await Promise.all(Array.from({ length: 10 }, () => backendPid(pipeline))));
  assert.equal(pids.size, 2, 'least-in-flight spreads concurrent queries over both');
  await app.close();
  const refused = await pipeline.query({ text: 'SELECT 1' }).catch((e: unknown) => e);
  assert.ok(refused instanceof Error && isPgUnavailable(refused), `after close: ${refused}`);
});

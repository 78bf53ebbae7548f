// `node src/migrate.ts` — the image's migration entry point (run by the Kubernetes Job).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrate } from '@marquee/kit';
import { createTestDatabase } from '@marquee/kit/testing';
import { migrationsDir } from '../src/index.ts';

const entry = fileURLToPath(new URL('../src/migrate.ts', import.meta.url));
const run = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, DATABASE_URL: '', PGHOST: '', ...env }, encoding: 'utf8', timeout: 60_000 });

test('applies the migrations once, then reports the schema up to date', async () => {
  const db = await createTestDatabase('inv_migrate');
  try {
    const first = run({ DATABASE_URL: db.url });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /inventory: up 0001_movies/);
    assert.match(first.stdout, /inventory: 1 migration\(s\) applied/);
    const again = run({ DATABASE_URL: db.url });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /inventory: schema up to date/);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const cols = await c.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'movies' ORDER BY ordinal_position`);
    await c.end();
    assert.deepEqual(cols.rows.map((r) => r.column_name), ['id', 'title', 'director', 'created_at']);
    // and the down migration really reverses it
    assert.deepEqual(await migrate({ database: db.name, dir: migrationsDir, connectionString: db.url, direction: 'down' }), ['0001_movies']);
  } finally {
    await db.drop();
  }
});

test('PG* variables are used when DATABASE_URL is unset (as in the cluster)', async () => {
  const db = await createTestDatabase('inv_migrate_pg');
  try {
    const r = run({ PGHOST: '127.0.0.1', PGPORT: '5432', PGUSER: 'postgres', PGDATABASE: db.name });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /1 migration\(s\) applied/);
  } finally {
    await db.drop();
  }
});

test('bad settings exit 1 naming the variable; an unreachable server exits 1 too', () => {
  const bad = run({ DATABASE_URL: 'http://nope' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^config: DATABASE_URL must be a postgres\/postgresql URL/);
  const down = run({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/inventory' });
  assert.equal(down.status, 1);
  assert.match(down.stderr, /^inventory: migration failed: .*ECONNREFUSED/);
});

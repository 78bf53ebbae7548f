// npm run migrate: create the databases if missing, apply inventory's and billing's SQL
// migrations (apps/<app>/migrations/), seed the movie catalogue when empty (--no-seed skips).
// Server: DATABASE_URL (its database part is replaced per app), else postgres://postgres@127.0.0.1:5432.
import { existsSync } from 'node:fs';
import pg from 'pg';
import { databases } from '@marquee/contract';
import { databaseUrlFor, loadConfigOrExit, migrate } from '@marquee/kit';

const seed = !process.argv.includes('--no-seed');
const urls = loadConfigOrExit(() => Object.fromEntries(['postgres', ...databases].map((d) => [d, databaseUrlFor(d)])));

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

try {
  await withClient(urls.postgres!, async (c) => {
    for (const db of databases) {
      const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
      if (!rowCount) {
        await c.query(`CREATE DATABASE ${pg.escapeIdentifier(db)}`);
        console.log(`migrate: created database ${db}`);
      }
    }
  });
  for (const db of databases) {
    const dir = new URL(`../apps/${db}/migrations/`, import.meta.url);
    if (!existsSync(dir)) {
      console.log(`migrate: ${db}: no apps/${db}/migrations/ yet, skipped`);
      continue;
    }
    const applied = await migrate({ database: db, dir, connectionString: urls[db]!, log: (l) => console.log(`migrate: ${l}`) });
    console.log(`migrate: ${db}: ${applied.length ? `${applied.length} applied` : 'up to date'}`);
  }
  if (seed) {
    const { seedMovies } = await import('@marquee/inventory');
    const pool = new pg.Pool({ connectionString: urls.inventory!, max: 1 });
    const n = await seedMovies(pool).finally(() => pool.end());
    console.log(`migrate: inventory: ${n ? `seeded ${n} movies` : 'catalogue not empty, not seeded'}`);
  }
} catch (err) {
  console.error(`migrate: ${(err as Error).message}`);
  process.exit(1);
}

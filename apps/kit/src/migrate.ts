// Versioned SQL migrations (apps/<app>/migrations/NNNN_name.sql with "-- Up Migration" and
// "-- Down Migration" sections) applied with node-pg-migrate under its advisory lock.
import { fileURLToPath } from 'node:url';
import type { PoolConfig } from 'pg';
import type { DatabaseName } from '@marquee/contract';
import { pgConnectionConfig } from './pg.ts';
import type { Env } from './config.ts';

export interface MigrateOptions {
  readonly database: DatabaseName | string;
  /** The migrations folder, e.g. new URL('../migrations', import.meta.url). */
  readonly dir: URL | string;
  /** Connection settings, e.g. from pgConnectionConfig(); else connectionString; else `env`. */
  readonly connection?: PoolConfig;
  readonly connectionString?: string;
  readonly env?: Env;
  /** @default 'up' */
  readonly direction?: 'up' | 'down';
  /** Number of migrations to run (down: defaults to 1). */
  readonly count?: number;
  /** Receives one line per applied migration. @default silent */
  readonly log?: (line: string) => void;
}

/** Applies pending migrations; returns the names applied (empty when up to date). */
export async function migrate(o: MigrateOptions): Promise<string[]> {
  const conn: PoolConfig = o.connection ?? (o.connectionString ? { connectionString: o.connectionString } : pgConnectionConfig(o.database, o.env));
  const dir = o.dir instanceof URL ? fileURLToPath(o.dir) : o.dir;
  const log = o.log ?? (() => {});
  const quiet = { debug: () => {}, info: () => {}, warn: (m: string) => log(m), error: (m: string) => log(m) };
  // Loaded on use: the runner (and its TypeScript loader) costs memory that servers never need (docs/benchmarks.md).
  const { runner } = await import('node-pg-migrate');
  const done = await runner({
    databaseUrl: conn,
    dir,
    direction: o.direction ?? 'up',
    ...(o.count !== undefined ? { count: o.count } : {}),
    migrationsTable: 'pgmigrations',
    checkOrder: true,
    singleTransaction: true,
    logger: quiet,
    verbose: false,
  });
  for (const m of done) log(`${o.database}: ${o.direction ?? 'up'} ${m.name}`);
  return done.map((m) => m.name);
}

// Test helpers shared by the services' tests: a throwaway database on the local server,
// unique per test file, dropped afterwards (other engineers' tests run at the same time).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { databaseUrlFor } from './pg.ts';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix.replace(/[^a-z0-9_]/g, '_')}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = databaseUrlFor('postgres');
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  return {
    name,
    url: databaseUrlFor(name),
    drop: () => run(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
  };
}

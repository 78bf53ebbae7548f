// Applies billing's SQL migrations to the database from DATABASE_URL / PG* (the image's
// migration entry point: `node src/migrate.ts`, run by the Kubernetes migration Job).
import { fileURLToPath } from 'node:url';
import { loadConfigOrExit, migrate, pgConnectionConfig } from '@marquee/kit';

export const migrationsDir = new URL('../migrations/', import.meta.url);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const connection = loadConfigOrExit(() => pgConnectionConfig('billing'));
  try {
    const applied = await migrate({ database: 'billing', dir: migrationsDir, connection, log: console.log });
    console.log(`billing: ${applied.length ? `${applied.length} migration(s) applied` : 'schema up to date'}`);
  } catch (err) {
    console.error(`billing: migration failed: ${(err as Error).message}`);
    process.exit(1);
  }
}

// Applies inventory's SQL migrations to the database from DATABASE_URL / PG* (the image's
// migration entry point: `node src/migrate.ts`, run by the Kubernetes migration Job).
import { fileURLToPath } from 'node:url';
import { migrateOrExit } from '@marquee/kit';

export const migrationsDir = new URL('../migrations/', import.meta.url);

if (process.argv[1] === fileURLToPath(import.meta.url)) await migrateOrExit('inventory', migrationsDir);

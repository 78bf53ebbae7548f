// Inventory alone: GET /api/movies?limit=20 straight at one instance (goal ≥ 8,000 req/s).
//   npx tsx bench/services-inventory.ts [--connections 32] [--duration 15] [--json]
import { benchDatabase, load, report, start } from './services-lib.ts';

const db = await benchDatabase();
const inventory = await start('inventory', { DATABASE_URL: db.url });
try {
  const results = [
    await load('inventory GET /api/movies?limit=20', `${inventory.url}/api/movies?limit=20`, [inventory]),
    await load('inventory GET /api/movies/:id', `${inventory.url}/api/movies/500`, [inventory]),
  ];
  report(results, { 'inventory GET /api/movies?limit=20': { rps: 8000 } });
} finally {
  await inventory.stop();
  await db.drop();
}

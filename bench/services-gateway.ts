// Through the gateway: GET /api/movies?limit=20 → gateway → inventory → PostgreSQL, one
// instance each (goal ≥ 5,000 req/s, p99 < 25 ms at 32 connections; RSS < 120 MB each).
//   npx tsx bench/services-gateway.ts [--connections 32] [--duration 15] [--json]
import { benchDatabase, load, report, start } from './services-lib.ts';

const db = await benchDatabase();
const inventory = await start('inventory', { DATABASE_URL: db.url });
const gateway = await start('api-gateway', { INVENTORY_URL: inventory.url });
try {
  const results = [
    await load('gateway GET /api/movies?limit=20', `${gateway.url}/api/movies?limit=20`, [gateway, inventory]),
    await load('gateway GET /api/info (no upstream)', `${gateway.url}/api/info`, [gateway]),
  ];
  report(results, { 'gateway GET /api/movies?limit=20': { rps: 5000, p99: 25 } });
} finally {
  await gateway.stop();
  await inventory.stop();
  await db.drop();
}

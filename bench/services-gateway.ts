// Through the gateway: GET /api/movies?limit=20 → gateway → inventory → PostgreSQL, one
// instance each (goal ≥ 5,000 req/s, p99 < 25 ms at 32 connections; RSS < 120 MB each).
// Two reference points isolate the gateway's own cost: /api/info (no upstream) and the same
// proxied route in front of a canned upstream (a plain node:http server returning a 20-movie page).
//   npx tsx bench/services-gateway.ts [--connections 32] [--duration 15] [--json]
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { benchDatabase, load, report, start } from './services-lib.ts';

const db = await benchDatabase();
const inventory = await start('inventory', { DATABASE_URL: db.url });
const gateway = await start('api-gateway', { INVENTORY_URL: inventory.url });

const page = JSON.stringify({
  items: Array.from({ length: 20 }, (_, i) => ({ id: i + 1, title: `Movie ${i + 1}`, director: `Director ${i % 97}`, created_at: '2026-11-22T02:12:36.742Z' })),
  nextCursor: 'MjA',
});
const canned = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(page) });
  res.end(page);
});
await new Promise<void>((r) => canned.listen(0, '127.0.0.1', r));
const cannedGateway = await start('api-gateway', { INVENTORY_URL: `http://127.0.0.1:${(canned.address() as AddressInfo).port}` });
try {
  const results = [
    await load('gateway GET /api/movies?limit=20', `${gateway.url}/api/movies?limit=20`, [gateway, inventory]),
    await load('gateway GET /api/info (no upstream)', `${gateway.url}/api/info`, [gateway]),
    await load('gateway GET /api/movies?limit=20 → canned upstream', `${cannedGateway.url}/api/movies?limit=20`, [cannedGateway]),
  ];
  report(results, { 'gateway GET /api/movies?limit=20': { rps: 5000, p99: 25 } });
} finally {
  await Promise.all([gateway.stop(), cannedGateway.stop()]);
  await inventory.stop();
  canned.close();
  await db.drop();
}

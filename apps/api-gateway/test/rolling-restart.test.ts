// Rolling restart under load loses nothing: two gateways behind a client-side round-robin
// (like an ingress), two inventories behind a round-robin TCP proxy (like kube-proxy), each
// instance in turn taken out of rotation, SIGTERMed after a preStop pause, and replaced.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Pool } from 'undici';
import { migrate } from '@marquee/kit';
import { createTestDatabase, freePort, RoundRobinProxy, startService, type ServiceProcess, type TestDatabase } from '@marquee/kit/testing';
import { migrationsDir } from '@marquee/inventory';
import { services } from '@marquee/contract';
import pg from 'pg';

const preStopMs = 500;
let db: TestDatabase;
const invProxy = new RoundRobinProxy();
let inventoryUrl: string;

const startInventory = async () => {
  const p = startService({ name: 'inventory', entry: services.inventory.entry, port: await freePort(), env: { DATABASE_URL: db.url } });
  await p.ready();
  return p;
};
const startGateway = async () => {
  const p = startService({
    name: 'api-gateway',
    entry: services['api-gateway'].entry,
    port: await freePort(),
    env: { INVENTORY_URL: inventoryUrl, UPSTREAM_TIMEOUT_MS: '5000' },
  });
  await p.ready();
  return p;
};

const running: ServiceProcess[] = [];
before(async () => {
  db = await createTestDatabase('rolling');
  await migrate({ database: db.name, dir: migrationsDir, connectionString: db.url });
  const seed = new pg.Client({ connectionString: db.url });
  await seed.connect();
  await seed.query(`INSERT INTO movies (title, director) SELECT 'Movie ' || i, 'Director ' || i FROM generate_series(1, 50) i`);
  await seed.end();
  inventoryUrl = await invProxy.start();
});
after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  await invProxy.close();
  await db?.drop();
});

test('restarting inventory ×2 then gateway ×2, one at a time under load: zero failed requests', async () => {
  const inv = await Promise.all([startInventory(), startInventory()]);
  running.push(...inv);
  for (const p of inv) invProxy.add(p.port);
  const gws = await Promise.all([startGateway(), startGateway()]);
  running.push(...gws);

  // The load generator's own round-robin over the gateways in rotation.
  const rotation: Array<{ p: ServiceProcess; pool: Pool }> = gws.map((p) => ({ p, pool: new Pool(p.url, { connections: 4 }) }));
  const allPools: Pool[] = rotation.map((r) => r.pool);
  let next = 0;
  let stop = false;
  let ok = 0;
  const failures: string[] = [];
  const worker = async () => {
    while (!stop) {
      const target = rotation[next++ % rotation.length]!;
      try {
        const r = await target.pool.request({ method: 'GET', path: '/api/movies?limit=5' });
        const body = await r.body.text();
        if (r.statusCode === 200 && body.includes('"items"')) ok++;
        else failures.push(`${target.p.port}: ${r.statusCode} ${body.slice(0, 160)}`);
      } catch (err) {
        failures.push(`${target.p.port}: ${(err as Error).message}`);
      }
    }
  };
  const load = Array.from({ length: 12 }, worker);

  const steps: string[] = [];
  const restart = async (kind: 'inventory' | 'api-gateway', old: ServiceProcess) => {
    const before = ok;
    if (kind === 'inventory') invProxy.remove(old.port);
    else rotation.splice(rotation.findIndex((r) => r.p === old), 1);
    await new Promise((r) => setTimeout(r, preStopMs)); // the preStop sleep: endpoints catch up
    const t0 = Date.now();
    const code = await old.stop('SIGTERM');
    assert.equal(code, 0, `${kind} :${old.port} exited ${code}:\n${old.output.slice(-10).join('\n')}`);
    assert.ok(old.output.some((l) => l.includes('"msg":"closed"')), `${kind} drained and closed`);
    const drainMs = Date.now() - t0;
    const fresh = kind === 'inventory' ? await startInventory() : await startGateway();
    running.push(fresh);
    if (kind === 'inventory') invProxy.add(fresh.port);
    else {
      const pool = new Pool(fresh.url, { connections: 4 });
      allPools.push(pool);
      rotation.push({ p: fresh, pool });
    }
    steps.push(`${kind} :${old.port} → :${fresh.port} (drain ${drainMs} ms, ${ok - before} ok meanwhile)`);
    return fresh;
  };

  await new Promise((r) => setTimeout(r, 1000));
  const warm = ok;
  inv[0] = await restart('inventory', inv[0]!);
  inv[1] = await restart('inventory', inv[1]!);
  gws[0] = await restart('api-gateway', gws[0]!);
  gws[1] = await restart('api-gateway', gws[1]!);
  await new Promise((r) => setTimeout(r, 1000));
  stop = true;
  await Promise.all(load);
  await Promise.all(allPools.map((p) => p.close()));

  console.log(`# rolling restart: ${ok} ok, ${failures.length} failed; ${steps.join('; ')}`);
  assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of ${ok + failures.length} requests failed`);
  assert.ok(warm > 0 && ok > warm + 100, `load actually ran through the restarts (${warm} before, ${ok} total)`);
});

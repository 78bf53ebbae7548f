// Orders end to end (POST accepted → completed) through real processes, like production:
// inventory, billing-api and billing-worker each in their own node process, on throwaway
// PostgreSQL databases and a throwaway RabbitMQ vhost. autocannon offers a fixed rate of
// POST /api/orders; the bench samples how many orders are settled each second, the
// accepted→settled latency (processed_at - created_at, measured by PostgreSQL) and each
// process's RSS and CPU time per order.
//   npx tsx bench/orders-e2e.ts [--rate 1000] [--duration 30] [--connections 32] [--prefetch 64] [--runtime bundle|tsx] [--node-options=<flags>]
// The services run with the NODE_ENV and NODE_OPTIONS their Dockerfile sets, unless --node-options says otherwise.
// --runtime bundle (default) runs each service as one plain-JS file (esbuild, npm packages left
// external), as close as Node 20 gets to the image's Node 22 type stripping; --runtime tsx adds
// tsx's loader thread (~30 MiB RSS of its own) to every process.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { build } from 'esbuild';
import pg from 'pg';
import { envVars, type ServiceName } from '@marquee/contract';
import { imageEnv } from './lib/image-env.ts';
import { migrate } from '@marquee/kit';
import { createTestDatabase, freePort } from '@marquee/kit/testing';
import { migrationsDir as inventoryMigrations, seedMovies } from '@marquee/inventory';
import { migrationsDir } from '../apps/billing/src/index.ts';
import { createTestVhost, eventually, sleep } from '../apps/billing/test/helpers.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '30' },
    connections: { type: 'string', default: '32' },
    prefetch: { type: 'string', default: '64' },
    runtime: { type: 'string', default: 'bundle' },
    /** NODE_OPTIONS for the service processes instead of the ones their Dockerfile sets (imageEnv) */
    'node-options': { type: 'string' },
  },
});
if (values.runtime !== 'bundle' && values.runtime !== 'tsx') throw new Error(`--runtime must be bundle or tsx (got ${values.runtime})`);
const rate = Number(values.rate);
const duration = Number(values.duration);
const root = fileURLToPath(new URL('..', import.meta.url));

const outdir = fileURLToPath(new URL('../apps/billing/.cache/bench/', import.meta.url));

/** One ESM file per service; npm packages stay external, workspace sources are inlined. */
async function bundle(name: string, entry: string): Promise<string> {
  const outfile = `${outdir}${name}.mjs`;
  await build({
    entryPoints: [`${root}${entry}`],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    // paths like new URL('../package.json', import.meta.url) keep resolving next to the sources
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(`${root}${entry}`).href) },
    plugins: [
      {
        name: 'npm-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (a) => (a.path.startsWith('@marquee/') ? undefined : { path: a.path, external: true }));
        },
      },
    ],
  });
  return outfile;
}

const children: { name: string; child: ChildProcess; maxRssMiB: number; cpuStart: number }[] = [];
/** user + system CPU seconds of a process so far */
function cpuSeconds(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
async function start(name: ServiceName, entry: string, env: Record<string, string>) {
  const args = values.runtime === 'tsx' ? ['--import', 'tsx', entry] : [await bundle(name, entry)];
  const image = imageEnv(name);
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...image, NODE_OPTIONS: values['node-options'] ?? image.NODE_OPTIONS!, [envVars.logLevel]: 'warn', [envVars.appEnv]: 'bench', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push({ name, child, maxRssMiB: 0, cpuStart: 0 });
}
function sampleRss() {
  for (const c of children) {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${c.child.pid}/status`, 'utf8'))?.[1]);
      c.maxRssMiB = Math.max(c.maxRssMiB, kb / 1024);
    } catch {
      /* exited */
    }
  }
}

const invDb = await createTestDatabase('bench_inventory');
const billDb = await createTestDatabase('bench_billing');
const vhost = await createTestVhost('bench-orders');
const pool = new pg.Pool({ connectionString: billDb.url, max: 2 });
pool.on('error', () => {});
mkdirSync(outdir, { recursive: true });
try {
  await migrate({ database: invDb.name, dir: inventoryMigrations, connectionString: invDb.url });
  await migrate({ database: billDb.name, dir: migrationsDir, connectionString: billDb.url });
  const invPool = new pg.Pool({ connectionString: invDb.url, max: 1 });
  await seedMovies(invPool);
  const movieIds = (await invPool.query<{ id: number }>('SELECT id FROM movies ORDER BY id')).rows.map((r) => r.id);
  await invPool.end();

  const ports = { inventory: await freePort(), api: await freePort(), worker: await freePort() };
  await start('inventory', 'apps/inventory/src/server.ts', { [envVars.port]: String(ports.inventory), [envVars.databaseUrl]: invDb.url });
  const billing = { [envVars.databaseUrl]: billDb.url, [envVars.amqpUrl]: vhost.url };
  await start('billing-api', 'apps/billing/src/api-server.ts', { ...billing, [envVars.port]: String(ports.api) });
  await start('billing-worker', 'apps/billing/src/worker-server.ts', {
    ...billing,
    [envVars.port]: String(ports.worker),
    [envVars.inventoryUrl]: `http://127.0.0.1:${ports.inventory}`,
    BILLING_PREFETCH: values.prefetch!,
  });
  for (const port of Object.values(ports)) {
    await eventually(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, 60_000, `:${port} ready`);
  }

  // settled orders per second, sampled once a second
  const perSecond: number[] = [];
  let lastSettled = 0;
  const sampler = setInterval(async () => {
    sampleRss();
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM orders WHERE status <> 'pending'`);
    const n = Number(rows[0]!.n);
    perSecond.push(n - lastSettled);
    lastSettled = n;
  }, 1000);

  const movie = movieIds[0]!;
  for (const c of children) c.cpuStart = cpuSeconds(c.child.pid);
  const rabbitPid = Number(execFileSync('pgrep', ['-o', 'beam.smp']).toString().trim());
  const rabbitStart = cpuSeconds(rabbitPid);
  const backendCpu = async () => {
    // the PostgreSQL backends serving our services (pool connections stay open during the run)
    const { rows } = await pool.query<{ pid: number; app: string }>(
      `SELECT pid, application_name AS app FROM pg_stat_activity WHERE datname IN ($1, $2) AND application_name <> ''`,
      [billDb.name, invDb.name],
    );
    const out = new Map<number, { app: string; s: number }>();
    for (const r of rows) {
      try {
        out.set(r.pid, { app: r.app, s: cpuSeconds(r.pid) });
      } catch {
        /* gone */
      }
    }
    return out;
  };
  const pgStart = await backendCpu();
  const selfStart = process.cpuUsage();
  const t0 = Date.now();
  const result = await autocannon({
    url: `http://127.0.0.1:${ports.api}/api/orders`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user_id: 'bench', movie_id: movie, price: 9.99 }),
    connections: Number(values.connections),
    overallRate: rate,
    duration,
  });
  const loadMs = Date.now() - t0;
  const accepted = result['2xx'];
  await eventually(
    async () => Number((await pool.query(`SELECT count(*) AS n FROM orders WHERE status = 'pending'`)).rows[0].n) === 0,
    120_000,
    'all orders settled',
  );
  const drainMs = Date.now() - t0 - loadMs;
  clearInterval(sampler);
  sampleRss();
  // where the memory is, from each process's own prom-client default metrics
  const memory: string[] = [];
  for (const [name, port] of Object.entries(ports)) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const v = (m: string) => Number(new RegExp(`^${m} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
    memory.push(`${name} rss ${v('process_resident_memory_bytes').toFixed(0)} heap ${v('nodejs_heap_size_used_bytes').toFixed(0)}/${v('nodejs_heap_size_total_bytes').toFixed(0)} external ${v('nodejs_external_memory_bytes').toFixed(0)}`);
  }
  const cpu = children.map((c) => ({ name: c.name, s: cpuSeconds(c.child.pid) - c.cpuStart }));
  const self = process.cpuUsage(selfStart);
  cpu.push({ name: 'rabbitmq', s: cpuSeconds(rabbitPid) - rabbitStart });
  const pgEnd = await backendCpu();
  const pgByApp = new Map<string, number>();
  for (const [pid, e] of pgEnd) pgByApp.set(`pg:${e.app}`, (pgByApp.get(`pg:${e.app}`) ?? 0) + e.s - (pgStart.get(pid)?.s ?? 0));
  for (const [name, sec] of pgByApp) cpu.push({ name, s: sec });
  cpu.push({ name: 'load generator', s: (self.user + self.system) / 1e6 });

  const { rows } = await pool.query<{ n: string; p50: number; p99: number; max: number; first: Date; last: Date }>(`
    SELECT count(*) AS n,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - created_at)) * 1000 AS p50,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - created_at)) * 1000 AS p99,
           max(extract(epoch FROM processed_at - created_at)) * 1000 AS max,
           min(created_at) AS first, max(processed_at) AS last
    FROM orders WHERE status <> 'pending'`);
  const r = rows[0]!;
  const spanS = (r.last.getTime() - r.first.getTime()) / 1000;
  // steady state: the seconds fully inside the load window, skipping the first two (warm-up)
  const steady = perSecond.slice(2, Math.floor(loadMs / 1000));
  const sortedSteady = [...steady].sort((a, b) => a - b);
  console.log(`offered ${rate}/s for ${duration} s over ${values.connections} connections; prefetch ${values.prefetch}`);
  // autocannon stops with up to one request in flight per connection: the server stores
  // those orders, but their 202 is never counted, so the stored total can exceed `accepted`
  const stored = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM orders')).rows[0]!.n);
  console.log(`accepted (202): ${accepted}  non-2xx: ${result.non2xx}  errors: ${result.errors}  timeouts: ${result.timeouts}`);
  console.log(`orders stored: ${stored}${stored > accepted ? ` (${stored - accepted} were in flight when the load stopped: stored, their 202 not counted)` : ''}`);
  console.log(`POST latency ms: p50 ${result.latency.p50}  p99 ${result.latency.p99}  max ${result.latency.max}`);
  console.log(`settled: ${r.n} in ${spanS.toFixed(1)} s first-accepted → last-settled = ${(Number(r.n) / spanS).toFixed(0)}/s end to end; drain after load ${drainMs} ms`);
  console.log(`settled per second during load (steady, ${steady.length} s): min ${sortedSteady[0]}  median ${sortedSteady[Math.floor(steady.length / 2)]}  mean ${(steady.reduce((a, b) => a + b, 0) / steady.length).toFixed(0)}`);
  console.log(`accepted → settled latency ms: p50 ${Number(r.p50).toFixed(0)}  p99 ${Number(r.p99).toFixed(0)}  max ${Number(r.max).toFixed(0)}`);
  const perOrder = (sec: number) => ((sec * 1000) / Number(r.n)).toFixed(2);
  console.log(`CPU ms per settled order: ${cpu.map((c) => `${c.name} ${perOrder(c.s)}`).join('  ')}  (sum ${perOrder(cpu.reduce((a, c) => a + c.s, 0))}; rabbitmq is the whole broker node, pg:* our backends only; the load generator is this process (autocannon + sampling); WAL writer and checkpointer not included)`);
  console.log(`runtime: ${values.runtime}; NODE_OPTIONS: ${values['node-options'] !== undefined ? `${values['node-options'] || '(none)'} (--node-options)` : `inventory "${imageEnv('inventory').NODE_OPTIONS}", billing "${imageEnv('billing-api').NODE_OPTIONS}" (their Dockerfiles)`}; load average at the end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  console.log(`memory MiB after the load: ${memory.join('; ')}`);
  console.log(`max RSS MiB: ${children.map((c) => `${c.name} ${c.maxRssMiB.toFixed(0)}`).join('  ')}`);
} finally {
  for (const c of children) c.child.kill('SIGTERM');
  await sleep(1500);
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  await pool.end();
  await billDb.drop().catch(() => {});
  await invDb.drop().catch(() => {});
  await vhost.drop();
  rmSync(outdir, { recursive: true, force: true });
}

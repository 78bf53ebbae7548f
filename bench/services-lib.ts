// Shared by bench/services-gateway.ts and bench/services-inventory.ts: a throwaway seeded
// database, services started as real processes (their server.ts), wrk (or autocannon) against
// them, and the services' RSS and CPU sampled from /proc while the load runs.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { services, type ServiceName } from '@marquee/contract';
import { migrate } from '@marquee/kit';
import { createTestDatabase, freePort, startService, type ServiceProcess, type TestDatabase } from '@marquee/kit/testing';
import { migrationsDir } from '@marquee/inventory';
import { imageEnv } from './lib/image-env.ts';
import { wrk, wrkBinary } from './lib/wrk.ts';

export const options = parseArgs({
  options: {
    connections: { type: 'string', default: '32' },
    duration: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    movies: { type: 'string', default: '1000' },
    json: { type: 'boolean', default: false },
    /** bundle: esbuild bundle run by plain node, closest to the image (Node 22 strips types, no loader); tsx: as in dev */
    runner: { type: 'string', default: 'bundle' },
    /** extra node flags for the services, on top of the NODE_OPTIONS their Dockerfile sets (imageEnv) */
    'node-flags': { type: 'string', default: '' },
    /** load generator: wrk (C, one thread; the default when installed) or autocannon (in this process) */
    tool: { type: 'string', default: existsSync(wrkBinary) ? 'wrk' : 'autocannon' },
  },
}).values;

export async function benchDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase('bench_inventory');
  await migrate({ database: db.name, dir: migrationsDir, connectionString: db.url });
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  await c.query(`INSERT INTO movies (title, director) SELECT 'Movie ' || i, 'Director ' || (i % 97) FROM generate_series(1, $1::int) i`, [Number(options.movies)]);
  await c.query('ANALYZE movies');
  await c.end();
  return db;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const bundles = mkdtempSync(join(tmpdir(), 'marquee-bench-'));
process.on('exit', () => rmSync(bundles, { recursive: true, force: true }));

/** esbuild bundle of a service entry; its app's package.json next to it (packageVersion reads ../package.json). */
function bundle(name: ServiceName): string {
  const entry = services[name].entry;
  const app = dirname(dirname(entry));
  const out = join(bundles, app, 'dist', `${name}.mjs`);
  mkdirSync(dirname(out), { recursive: true });
  cpSync(join(root, app, 'package.json'), join(bundles, app, 'package.json'));
  buildSync({
    entryPoints: [join(root, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    external: ['pg-native'],
    banner: { js: "import { createRequire as __marqueeRequire } from 'node:module'; const require = __marqueeRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return out;
}

export async function start(name: ServiceName, env: Record<string, string>): Promise<ServiceProcess> {
  const flags = options['node-flags'] ? options['node-flags'].split(/\s+/) : [];
  const argv = options.runner === 'tsx' ? [...flags, '--import', 'tsx', services[name].entry] : [...flags, bundle(name)];
  const p = startService({
    name,
    entry: services[name].entry,
    port: await freePort(),
    // NODE_PATH: the kit loads pg with require() at first use, which a bundle outside the tree must resolve.
    env: { ...imageEnv(name), LOG_LEVEL: 'info', NODE_PATH: join(root, 'node_modules'), ...env },
    argv,
  });
  await p.ready();
  return p;
}

/** utime + stime of a process, in seconds (clock ticks are 100 Hz on Linux). */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

const rssMb = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

export interface LoadResult {
  target: string;
  url: string;
  /** the load generator: wrk or autocannon */
  tool: string;
  connections: number;
  seconds: number;
  requestsPerSec: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  rssMb: Record<string, number>;
  /** CPU time each service (and the load generator) spent per request: comparable across runs on a shared machine. */
  cpuMicrosPerRequest: Record<string, number>;
  loadAverage: number;
}

type Measured = Pick<LoadResult, 'requestsPerSec' | 'p50' | 'p90' | 'p99' | 'errors' | 'timeouts' | 'non2xx'> & { total: number };

/** One run of the chosen load generator; `pid` is the process whose CPU it costs. */
function generate(url: string, connections: number, duration: number): { pid: number; done: Promise<Measured> } {
  if (options.tool === 'wrk') {
    const run = wrk(url, { connections, duration });
    return { pid: run.pid, done: run.result.then((r) => ({ ...r, total: r.requests })) };
  }
  if (options.tool !== 'autocannon') throw new Error(`--tool ${options.tool}: expected wrk or autocannon`);
  const done = autocannon({ url, connections, duration }).then((r) => ({
    requestsPerSec: Math.round(r.requests.average),
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    total: r.requests.total,
  }));
  return { pid: process.pid, done };
}

/** Warm-up, then the measured run; RSS and CPU sampled every 250 ms during the run (max RSS reported). */
export async function load(target: string, url: string, watch: ServiceProcess[]): Promise<LoadResult> {
  const connections = Number(options.connections);
  const duration = Number(options.duration);
  await generate(url, connections, Number(options.warmup)).done;
  const peak: Record<string, number> = {};
  const cpu0 = watch.map((p) => cpuSeconds(p.child.pid!));
  const run = generate(url, connections, duration);
  // The generator's CPU: its last sample before it exits (wrk), or this process's (autocannon).
  const generatorCpuNow = () => {
    try {
      return cpuSeconds(run.pid);
    } catch {
      return undefined; // wrk has exited (or never started: run.done says why)
    }
  };
  const generatorCpu0 = generatorCpuNow() ?? 0;
  let generatorCpu = 0;
  const sampler = setInterval(() => {
    for (const p of watch) peak[`${p.name}:${p.port}`] = Math.max(peak[`${p.name}:${p.port}`] ?? 0, rssMb(p.child.pid!));
    const now = generatorCpuNow();
    if (now !== undefined) generatorCpu = now - generatorCpu0;
  }, 250);
  const r = await run.done;
  const cpu = watch.map((p, i) => cpuSeconds(p.child.pid!) - cpu0[i]!);
  clearInterval(sampler);
  const perRequest = (seconds: number) => Math.round((seconds * 1e6) / Math.max(1, r.total));
  return {
    target,
    url,
    tool: options.tool!,
    connections,
    seconds: duration,
    requestsPerSec: r.requestsPerSec,
    p50: r.p50,
    p90: r.p90,
    p99: r.p99,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    rssMb: Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, Math.round(v)])),
    cpuMicrosPerRequest: Object.fromEntries([...watch.map((p, i) => [p.name, perRequest(cpu[i]!)] as const), [options.tool!, perRequest(generatorCpu)] as const]),
    loadAverage: Math.round((await import('node:os')).loadavg()[0]! * 10) / 10,
  };
}

export function report(results: LoadResult[], goals: Record<string, { rps: number; p99?: number }>): void {
  if (options.json) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  for (const r of results) {
    const g = goals[r.target];
    const verdict = g ? (r.requestsPerSec >= g.rps && (g.p99 === undefined || r.p99 < g.p99) ? 'meets' : 'MISSES') + ` goal ≥ ${g.rps} req/s${g.p99 ? `, p99 < ${g.p99} ms` : ''}` : '';
    const rss = Object.entries(r.rssMb).map(([k, v]) => `${k} ${v} MB`).join(', ');
    const cpu = Object.entries(r.cpuMicrosPerRequest).map(([k, v]) => `${k} ${v} µs`).join(', ');
    console.log(
      `${r.target}: ${r.requestsPerSec} req/s, p50 ${r.p50} ms, p90 ${r.p90} ms, p99 ${r.p99} ms, errors ${r.errors}/${r.timeouts}/${r.non2xx} ` +
        `(${r.tool}, ${r.connections} connections, ${r.seconds} s; peak RSS ${rss}; CPU per request ${cpu}; load avg ${r.loadAverage}) ${verdict}`,
    );
  }
}

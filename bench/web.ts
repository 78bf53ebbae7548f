// Web tier throughput: the generated nginx config (Debian nginx, 1 worker) serving the
// storefront and proxying /api to the real gateway → inventory → PostgreSQL, compared with
// the gateway called directly and with the local dev server. Load generator: autocannon,
// in this process, on the same 2 cores as everything else.
//   npx tsx bench/web.ts [--duration 10] [--connections 32]
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startNginx } from '../test/e2e/lib/nginx.ts';
import { startStack } from '../test/e2e/lib/stack.ts';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '32' } } });
const duration = Number(values.duration);
const connections = Number(values.connections);

/** Resident memory of a process and its children (nginx master + workers), in MB. */
function rssMb(pid: number): number {
  const kb = (p: number) => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return Math.round((kb(pid) + children.reduce((s, c) => s + kb(c), 0)) / 1024);
}

async function run(name: string, url: string, headers: Record<string, string> = {}) {
  // 2 s warm-up (connection pools, JIT), then the measured run.
  await autocannon({ url, connections, duration: 2, headers });
  const r = await autocannon({ url, connections, duration, headers });
  const errors = `${r.errors}/${r.timeouts}/${r.non2xx}`;
  return { name, rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, errors };
}

const stack = await startStack();
const nginx = await startNginx({ gateway: stack.urls['api-gateway'] });
try {
  const master = Number(readFileSync(join(nginx.prefix, 'nginx.pid'), 'utf8').trim());
  const asset = nginx.assets.get('/assets/app.js')!;
  const results = [
    await run('nginx GET / (index.html)', `${nginx.url}/`),
    await run('nginx GET hashed app.js, gzip', `${nginx.url}${asset}`, { 'accept-encoding': 'gzip' }),
    await run('nginx GET /api/movies?limit=20 (→ gateway → inventory)', `${nginx.url}/api/movies?limit=20`),
    await run('gateway GET /api/movies?limit=20 (direct)', `${stack.urls['api-gateway']}/api/movies?limit=20`),
    await run('dev server GET /api/movies?limit=20 (→ gateway)', `${stack.urls.web}/api/movies?limit=20`),
  ];
  console.log(`node ${process.version}, ${availableParallelism()} cores, ${new Date().toISOString()}, ${connections} connections, ${duration} s`);
  console.log('| target | req/s | p50 ms | p99 ms | errors/timeouts/non-2xx |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of results) console.log(`| ${r.name} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.errors} |`);
  console.log(`nginx RSS (master + worker) after the runs: ${rssMb(master)} MB`);
} finally {
  await nginx.stop();
  await stack.stop();
}

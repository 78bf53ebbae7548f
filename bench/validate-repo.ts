// Wall time of `npm run validate` on this repository, as a pre-commit hook sees
// it: the first run after `npm ci` (node_modules/.cache/marquee removed, then what
// `npm ci` builds: scripts/warm-caches.ts, which validates the checkout once to fill
// the caches; its own time is reported too), --no-cache (every overlay rendered,
// every generator run), after one overlay file changed (the usual pre-commit),
// and warm (nothing changed), with the per-step split. Each figure is a whole
// `node scripts/launch.mjs validate` process (what the pre-commit hook runs;
// `npm run` adds npm's own start-up).
//   npx tsx bench/validate-repo.ts [--runs 5]
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);

function once(args: string[]): { wall: number; timings: Record<string, number>; summary: string } {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['scripts/launch.mjs', 'validate', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, VALIDATE_TIMINGS: '1' } });
  const wall = (performance.now() - t) / 1000;
  if (r.status === 2) throw new Error(r.stderr);
  const timings = JSON.parse(/timings \(ms\): (.*)/.exec(r.stderr)?.[1] ?? '{}') as Record<string, number>;
  const summary = r.stdout.trim().split('\n').at(-1) ?? '';
  return { wall, timings, summary };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`node ${process.version}, ${availableParallelism()} cores, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${new Date().toISOString()}`);
// The pre-commit case: one overlay file changed since the last run (a fresh comment
// each time, so its render is never in the cache); restored afterwards.
const edited = join(root, 'overlays/dev/services/patches/ingress.yaml');
const original = readFileSync(edited, 'utf8');
let n = 0;
const installSeconds: number[] = [];
const afterInstall = () => {
  rmSync(join(root, 'node_modules/.cache/marquee'), { recursive: true, force: true });
  const t = performance.now();
  const r = spawnSync(process.execPath, ['scripts/launch.mjs', 'warm-caches'], { cwd: root, encoding: 'utf8' });
  installSeconds.push((performance.now() - t) / 1000);
  if (r.status !== 0) throw new Error(r.stderr);
};
const touch = () => writeFileSync(edited, `${original}# bench ${Date.now()} ${n++}\n`);

try {
  for (const [label, args, before] of [
    ['first run after npm ci', [], afterInstall],
    ['--no-cache', ['--no-cache'], () => {}],
    ['one overlay edited (dev)', [], touch],
    ['warm (nothing changed)', [], () => {}],
  ] as const) {
    before();
    once([...args]); // warm-up: tsx transpile cache, field tree, render/drift caches for the warm case
    const rs = Array.from({ length: runs }, () => (before(), once([...args])));
  const steps = Object.keys(rs[0]!.timings);
  const split = steps.map((s) => `${s} ${median(rs.map((r) => r.timings[s] ?? 0))}`).join(', ');
    console.log(`${label}: median ${median(rs.map((r) => r.wall)).toFixed(2)} s wall (min ${Math.min(...rs.map((r) => r.wall)).toFixed(2)}, max ${Math.max(...rs.map((r) => r.wall)).toFixed(2)}) — steps ms: ${split}`);
    console.log(`  ${rs[0]!.summary}`);
    if (before === afterInstall) console.log(`  (npm ci's warm-caches step before each: median ${median(installSeconds).toFixed(2)} s)`);
  }
} finally {
  writeFileSync(edited, original);
}

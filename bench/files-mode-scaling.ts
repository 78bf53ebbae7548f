// Files mode's fixed and per-object cost: `validate <dir>` (the whole process, as bench/files-mode.ts runs it) on 1, 2,
// 4, … copies of test/corpus/real-manifests, and a least-squares line through the median CPU of each size:
// CPU seconds = fixed + per-object × objects. The fixed part is what every run pays whatever its size (start-up, each
// worker thread's checker, the compiler warming up on each thread); the per-object part is what each object adds once
// the threads run. The line shows which of the two the objects-per-CPU-second goal is short on.
//   npx tsx bench/files-mode-scaling.ts [--copies 1,2,4,8,16,32,46] [--runs 3] [--checkout <dir>]
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, runValidate } from './lib/validate-process.ts';

const here = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    copies: { type: 'string', default: '1,2,4,8,16,32,46' },
    runs: { type: 'string', default: '3' },
    checkout: { type: 'string', default: here },
  },
});
const corpus = join(here, 'test/corpus/real-manifests');
const checkout = resolve(values.checkout!);
const launcher = join(checkout, 'scripts/launch.mjs');
const sizes = values.copies!.split(',').map(Number).sort((a, b) => a - b);
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

const root = mkdtempSync(join(tmpdir(), 'marquee-files-scaling-'));
try {
  console.log(`checkout ${checkout} (${execFileSync('git', ['-C', checkout, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()})`);
  console.log(`node ${process.version}, ${availableParallelism()} cores, ${new Date().toISOString()}, load average ${load()}`);
  console.log('copies | objects | median wall s | median CPU s | objects per CPU-s | peak RSS MB');
  const points: [number, number][] = [];
  let made = 0;
  for (const copies of sizes) {
    const input = join(root, `input-${copies}`);
    // each size its own folder: the copies made for the smaller sizes, moved on, then the rest
    if (made) cpSync(join(root, `input-${made}`), input, { recursive: true });
    for (let i = made; i < copies; i++) cpSync(corpus, join(input, `copy-${String(i).padStart(3, '0')}`), { recursive: true });
    if (made) rmSync(join(root, `input-${made}`), { recursive: true, force: true });
    made = copies;
    runValidate(launcher, input); // warm-up: the bundle and the page cache
    const runs = Array.from({ length: Number(values.runs) }, () => runValidate(launcher, input));
    const objects = runs[0]!.objects;
    const cpu = median(runs.map((r) => r.cpu));
    points.push([objects, cpu]);
    console.log(`${copies} | ${objects} | ${median(runs.map((r) => r.wall)).toFixed(2)} | ${cpu.toFixed(2)} | ${(objects / cpu).toFixed(0)} | ${median(runs.map((r) => r.rssMb)).toFixed(0)}`);
  }
  // least squares: cpu = fixed + perObject × objects
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const perObject = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const fixed = my - perObject * mx;
  const worst = Math.max(...points.map(([x, y]) => Math.abs(y - (fixed + perObject * x))));
  console.log(`fit: CPU s = ${fixed.toFixed(2)} + ${(perObject * 1000).toFixed(4)} ms × objects (largest residual ${worst.toFixed(2)} s)`);
  console.log(`at 20,000 objects: ${(20_000 / (fixed + perObject * 20_000)).toFixed(0)} objects per CPU-second; with no fixed cost ${(1 / perObject).toFixed(0)}`);
  console.log(`load average after ${load()}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}

// Files mode (kubeconform-style) throughput on real manifests: test/corpus/real-manifests
// (kube-prometheus, argo-cd, ingress-nginx, microservices-demo) copied side by side into a
// temp folder until it holds at least --objects objects, then `validate <folder>` run as a
// whole process (start-up included) with GNU time's accounting: objects/s (wall), objects
// per CPU-second (user + sys), peak RSS. Files mode caches nothing, so every copy is parsed
// and validated in full; the copies are byte-identical, which no cache here exploits. A fixed single-threaded
// workload's time is printed before and after the runs (bench/lib/machine-reference.ts): this machine kind's speed
// moves within minutes, and runs at different times compare through it.
//   npx tsx bench/files-mode.ts [--objects 20000] [--runs 3] [--checkout <dir>] [--keep]
// --checkout runs another checkout's validate on the same input (main, for a before figure);
// --keep leaves the input folder and prints its path (for farm-bench A/B runs).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freshPageMicros, machineReferenceMs, processorName } from './lib/machine-reference.ts';
import { median, runValidate, type ValidateRun } from './lib/validate-process.ts';

const here = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '3' },
    checkout: { type: 'string', default: here },
    keep: { type: 'boolean', default: false },
  },
});
const corpus = join(here, 'test/corpus/real-manifests');
const checkout = resolve(values.checkout!);
const launcher = join(checkout, 'scripts/launch.mjs');

const root = mkdtempSync(join(tmpdir(), 'marquee-files-bench-'));
const input = join(root, 'input');
try {
  cpSync(corpus, join(input, 'copy-000'), { recursive: true });
  const once = runValidate(launcher, input);
  const copies = Math.ceil(Number(values.objects) / once.objects);
  for (let i = 1; i < copies; i++) cpSync(corpus, join(input, `copy-${String(i).padStart(3, '0')}`), { recursive: true });
  const mb = Number(execFileSync('du', ['-sm', input], { encoding: 'utf8' }).split('\t')[0]);
  // the copies written back to disk before any run: the kernel's writeback of them would otherwise share the cores with
  // the first runs
  const synced = performance.now();
  execFileSync('sync');
  const syncMs = performance.now() - synced;
  console.log(`checkout ${checkout} (${execFileSync('git', ['-C', checkout, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()})`);
  console.log(`node ${process.version}, ${availableParallelism()} cores of ${processorName()}, ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`input: ${copies} copies of the corpus (${once.objects} objects each), ${mb} MB on disk, in ${input}; written back in ${syncMs.toFixed(0)} ms before the runs`);
  console.log(`machine reference before: ${machineReferenceMs().toFixed(0)} ms (bench/lib/machine-reference.ts: lower is a faster moment); a fresh page: ${freshPageMicros().toFixed(2)} µs`);
  console.log('run | objects | exit | wall s | CPU s | objects/s | objects per CPU-s | peak RSS MB');
  const runs: ValidateRun[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    const r = runValidate(launcher, input);
    runs.push(r);
    console.log(`${i + 1} | ${r.objects} | ${r.exit} | ${r.wall.toFixed(2)} | ${r.cpu.toFixed(2)} | ${(r.objects / r.wall).toFixed(0)} | ${(r.objects / r.cpu).toFixed(0)} | ${r.rssMb.toFixed(0)}`);
  }
  const med = (f: (r: ValidateRun) => number) => median(runs.map(f));
  console.log(`median: ${med((r) => r.objects / r.wall).toFixed(0)} objects/s, ${med((r) => r.objects / r.cpu).toFixed(0)} objects per CPU-second, peak RSS ${med((r) => r.rssMb).toFixed(0)} MB; load average after ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`machine reference after: ${machineReferenceMs().toFixed(0)} ms; a fresh page: ${freshPageMicros().toFixed(2)} µs`);
} finally {
  if (values.keep) console.log(`kept ${input}`);
  else rmSync(root, { recursive: true, force: true });
}

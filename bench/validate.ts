// Benchmark of the validate pipeline on synthetic repositories of growing size
// (25/50/100/200 services × dev/test/prod): kustomize render time (grouped vs
// one process per environment), strict schema throughput on one core and with
// worker threads, and peak RSS.
//   npx tsx bench/validate.ts [--sizes 25,50,100,200] [--repeat 5]
import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { renderTargets } from '../scripts/lib/render.ts';
import { loadFieldTree } from '../scripts/lib/validate/field-tree.ts';
import { SchemaValidator } from '../scripts/lib/validate/schema.ts';
import { syntheticRepo } from './lib/synthetic.ts';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '25,50,100,200' }, repeat: { type: 'string', default: '5' } } });
const sizes = values.sizes!.split(',').map(Number);
const repeat = Number(values.repeat);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

const tree = await loadFieldTree();
console.log(`node ${process.version}, ${availableParallelism()} cores, ${new Date().toISOString()}`);
console.log('services objects | render grouped s | render per-env s | schema 1 core obj/s | schema 2 workers obj/s | peak RSS MB');
for (const n of sizes) {
  const repo = syntheticRepo(n);
  try {
    const tGrouped: number[] = [];
    const tSplit: number[] = [];
    let objects: Record<string, any>[] = [];
    for (let i = 0; i < Math.max(1, Math.min(repeat, 3)); i++) {
      let t = performance.now();
      const grouped = await renderTargets(repo.root, repo.targets, { group: true });
      tGrouped.push((performance.now() - t) / 1000);
      t = performance.now();
      await renderTargets(repo.root, repo.targets, { group: false });
      tSplit.push((performance.now() - t) / 1000);
      objects = grouped.flatMap((r) => r.objects.map((o) => o.object));
      sampleRss();
    }
    const validator = await SchemaValidator.create(tree, objects.map((o) => `${o.apiVersion}/${o.kind}`));
    const rates: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const t = performance.now();
      let issues = 0;
      for (const o of objects) issues += validator.validate(o).length;
      if (issues) throw new Error(`synthetic repo has ${issues} schema issues`);
      rates.push(objects.length / ((performance.now() - t) / 1000));
      sampleRss();
    }
    const workerRate = await inWorkers(objects, 2);
    console.log(
      `${String(n).padStart(8)} ${String(objects.length).padStart(7)} | ${median(tGrouped).toFixed(2).padStart(16)} | ${median(tSplit).toFixed(2).padStart(16)} | ${median(rates).toFixed(0).padStart(19)} | ${workerRate.toFixed(0).padStart(22)} | ${(peakRss / 2 ** 20).toFixed(0)}`,
    );
  } finally {
    rmSync(repo.root, { recursive: true, force: true });
  }
}

/** Same validation split over worker threads, wall time including worker start-up. */
async function inWorkers(objects: Record<string, any>[], n: number): Promise<number> {
  const t = performance.now();
  const chunks = Array.from({ length: n }, (_, i) => objects.filter((_, j) => j % n === i));
  await Promise.all(
    chunks.map(
      (chunk) =>
        new Promise<void>((done, fail) => {
          const w = new Worker(new URL('./lib/schema-worker.mjs', import.meta.url), { workerData: chunk });
          w.once('message', (issues: number) => (issues ? fail(new Error(`${issues} issues`)) : done()));
          w.once('error', fail);
        }),
    ),
  );
  return objects.length / ((performance.now() - t) / 1000);
}

// Benchmark of the validate pipeline on synthetic repositories of growing size
// (25/50/100 services × dev/test/prod, 10 objects per service and environment):
// strict schema throughput (kubernetes-models schemas + unknown-field tree) on one
// core and over two worker threads, its growth with size, peak RSS, and — for
// scale — how long the pinned kustomize takes to render the same repository.
//   npx tsx bench/validate.ts [--sizes 25,50,100] [--repeat 5]
import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { renderTargets } from '../scripts/lib/kustomize/index.ts';
import { loadFieldTree } from '../scripts/lib/validate/field-tree.ts';
import { SchemaValidator } from '../scripts/lib/validate/schema.ts';
import { syntheticRepo } from './lib/synthetic.ts';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '25,50,100' }, repeat: { type: 'string', default: '5' } } });
const sizes = values.sizes!.split(',').map(Number);
const repeat = Number(values.repeat);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

const tree = await loadFieldTree();
console.log(`node ${process.version}, ${availableParallelism()} cores, ${new Date().toISOString()}`);
console.log('services objects | kustomize s (3 processes, wall) | schema 1 core obj/s | µs/object | schema 2 workers obj/s (start-up incl.) | peak RSS MB');
for (const n of sizes) {
  const repo = syntheticRepo(n);
  try {
    // kustomize is not what this measures (it is the same binary either way), so
    // each environment is rendered once, one process per environment in parallel.
    const t = performance.now();
    const rendered = await renderTargets(repo.root, repo.targets, { group: false });
    const tRender = (performance.now() - t) / 1000;
    const failed = rendered.flatMap((r) => r.findings);
    if (failed.length) throw new Error(`synthetic repo does not render: ${failed[0]!.message}`);
    const objects = rendered.flatMap((r) => r.objects.map((o) => o.object));
    sampleRss();
    const validator = await SchemaValidator.create(tree, objects.map((o) => `${o.apiVersion}/${o.kind}`));
    const rates: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const t0 = performance.now();
      let issues = 0;
      for (const o of objects) issues += validator.validate(o).length;
      if (issues) throw new Error(`synthetic repo has ${issues} schema issues`);
      rates.push(objects.length / ((performance.now() - t0) / 1000));
      sampleRss();
    }
    const workerRate = await inWorkers(objects, 2);
    const rate = median(rates);
    console.log(
      `${String(n).padStart(8)} ${String(objects.length).padStart(7)} | ${tRender.toFixed(2).padStart(30)} | ${rate.toFixed(0).padStart(19)} | ${(1e6 / rate).toFixed(1).padStart(9)} | ${workerRate.toFixed(0).padStart(38)} | ${(peakRss / 2 ** 20).toFixed(0)}`,
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

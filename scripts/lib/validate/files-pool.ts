// Files mode on every core: worker threads each check whole files (parse, schema, the API
// server's checks, lines) and send back findings and counts, never the objects, so memory
// stays that of the files in flight; the calling thread can check files as well, between the workers' answers.
// Files go in batches (a few hundred KB, or BATCH_FILES files), one answer a batch. Every thread takes the next batch
// itself from counters the threads share (Atomics.add): a worker never waits for this thread, which handles the
// workers' answers only between its own batches, to be handed its next files. The batches come in two queues, the
// files likely to hold a CustomResourceDefinition and the rest, and each thread takes from one queue first, then from
// the other: a thread warms up (modules loaded, code compiled) for the checks of the files it meets, and checking one
// kind of file first, each thread warms up for less (docs/benchmarks.md, files mode, the fourteenth session).
// The checking starts before the input's CRD files are known (the main thread's C++ scanner is still finding them):
// they reach the workers in a second message, and a file with a kind a CRD may serve waits for them.
import { fileURLToPath } from 'node:url';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { FileReader } from '../../../kube/file-reader.ts';
import { saveCodeCaches } from '../../../kube/code-cache.mjs';
// the checker is imported when a thread starts checking: the main thread creates the pool before it loads its own
import type { CheckContext, FileResult } from './files-check.ts';
import type { SchemaSpec } from './schema-sources.ts';

export interface Job {
  /** the name findings carry (relative to where validate was run) */
  readonly file: string;
  readonly abs: string;
  /** bytes, when known: batches are cut by them */
  readonly size?: number;
  /** likely to hold a CustomResourceDefinition (files.ts likelyCrd): the files of the second queue */
  readonly likelyCrd?: boolean;
}

/**
 * Each worker's young generation (MB). V8's default gives every thread three 16 MB semi-spaces, about 50 MB of
 * resident memory per worker that parsing does not need: with 16 the 20,000-object benchmark peaks some 30 MB
 * lower, and one thread's throughput measured the same (docs/benchmarks.md, files mode).
 */
const YOUNG_GENERATION_MB = 16;

/**
 * A batch closes at this many bytes or BATCH_FILES files: one message each way per batch instead of per file (a
 * message cost each side tens of microseconds, as much as checking a small file), small enough that the threads
 * still finish together.
 */
const BATCH_BYTES = 256 * 1024;
const BATCH_FILES = 32;

/** Jobs sent as one message: their indexes in the jobs, in order. */
interface Batch {
  readonly jobs: readonly number[];
}

/** The two queues: the files likely to hold no CRD, and the others. */
const QUEUES = 2;

/**
 * The jobs cut into batches by BATCH_BYTES and BATCH_FILES, in two queues (QUEUES: [0] the files not likely to hold a
 * CRD, [1] the others), each in the jobs' order.
 */
export function batchesOf(jobs: readonly Job[]): Batch[][] {
  const out: Batch[][] = [[], []];
  const open: number[][] = [[], []];
  const bytes = [0, 0];
  for (let i = 0; i < jobs.length; i++) {
    const q = jobs[i]!.likelyCrd ? 1 : 0;
    open[q]!.push(i);
    bytes[q]! += jobs[i]!.size ?? 0;
    if (bytes[q]! >= BATCH_BYTES || open[q]!.length >= BATCH_FILES) {
      out[q]!.push({ jobs: open[q]! });
      open[q] = [];
      bytes[q] = 0;
    }
  }
  for (let q = 0; q < QUEUES; q++) if (open[q]!.length) out[q]!.push({ jobs: open[q]! });
  return out;
}

/**
 * The next batch for a thread that prefers queue `first`: from that queue while it has any, then from the other.
 * `next` holds each queue's next batch, shared by the threads.
 */
function take(queues: readonly Batch[][], next: Int32Array, first: number): { q: number; b: number } | undefined {
  for (const q of [first, 1 - first]) {
    if (Atomics.load(next, q) >= queues[q]!.length) continue;
    const b = Atomics.add(next, q, 1);
    if (b < queues[q]!.length) return { q, b };
  }
  return undefined;
}

/** The queue a thread takes from first: this thread the CRD files, worker n the rest, then the CRD files, and so on. */
const firstQueue = (worker: number | 'main') => (worker === 'main' ? 1 : worker % QUEUES);

/** What check() sends a worker, once: the schema spec, every job, the counters of each queue's next batch, and its queue. */
interface Work {
  readonly schema: SchemaSpec;
  readonly jobs: readonly Job[];
  readonly next: Int32Array;
  readonly first: number;
}

type Reply = { done: true } | { q: number; b: number; results: FileResult[] } | { error: string; at: number };

/** The second message to a worker: the input's CRD files, once the main thread has found them. */
interface InputCrds {
  readonly inputCrds: readonly string[];
}

/**
 * How a worker thread starts. From the launcher's bundle of scripts/validate.ts (scripts/launch.mjs sets the checkout
 * root and the URL of the worker part's bundle as globals), that bundle, loaded as the launcher loads a bundle (a
 * CommonJS bundle with its code cache, ES modules by import()) with no second look at its sources' freshness; from
 * another script's bundle, the launcher, which runs validate's worker entry in a worker thread. Under tsx, the entry
 * itself (the worker inherits `--import tsx`).
 */
function entry(): { code: string | URL; eval: boolean; argv: string[] } {
  const { __marqueeCheckoutRoot: root, __marqueeWorkerBundle: worker } = globalThis as Record<string, unknown>;
  if (typeof root === 'string' && typeof worker === 'string' && /\/validate\.worker\.[cm]js$/.test(worker)) {
    const load = worker.endsWith('.cjs') ? `import(${JSON.stringify(new URL('kube/code-cache.mjs', root).href)}).then((c) => c.requireCached(${JSON.stringify(fileURLToPath(worker))}))` : `import(${JSON.stringify(worker)})`;
    return { code: `globalThis.__marqueeCheckoutRoot = ${JSON.stringify(root)}; ${load};`, eval: true, argv: ['validate'] };
  }
  if (typeof root === 'string') return { code: new URL('scripts/launch.mjs', root), eval: false, argv: ['validate'] };
  // Node 20 resolves a worker's modules before `--import tsx` has its hooks in place there: register them first.
  return { code: `import('tsx/esm/api').then((tsx) => tsx.register()).then(() => import(${JSON.stringify(new URL('../../validate.worker.ts', import.meta.url).href)}));`, eval: true, argv: [] };
}

/** The loader flags a worker needs (tsx), and --cpu-prof to profile it too; test-runner flags are not allowed in a worker. */
function loaderArgs(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (/^--(import|require|loader|experimental-loader|cpu-prof-dir)=/.test(a) || a === '--cpu-prof') out.push(a);
    else if (/^(--import|--require|-r|--loader|--experimental-loader)$/.test(a) && argv[i + 1] !== undefined) out.push(a, argv[++i]!);
  }
  return out;
}

/**
 * Worker threads started before the work is known: each loads the checker (modules, field tree, policies) while the
 * caller goes on (finding the input's CRDs), then takes the schema spec and the files from check(). close() always.
 */
export class FilesPool {
  private readonly workers: Worker[] = [];
  /** why a worker failed before check() listened to it */
  private readonly early = new Map<Worker, string>();

  /** per worker, the job it is checking now (-1: none yet): a worker that dies names that file */
  private readonly progress: Int32Array[] = [];

  /** `workers` threads, each loading its checker for `kubernetesVersion` now; check() gives them the schema spec. */
  constructor(workers: number, kubernetesVersion: string) {
    const { code, eval: evaluated, argv } = entry();
    for (let n = 0; n < workers; n++) {
      const progress = new Int32Array(new SharedArrayBuffer(4)).fill(-1);
      const w = new Worker(code, { eval: evaluated, workerData: { kubernetesVersion, progress }, argv, execArgv: loaderArgs(), stdout: false, stderr: false, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
      w.on('error', (err) => this.early.set(w, err.stack ?? err.message));
      w.on('exit', (code) => this.early.set(w, `exited with code ${code}`));
      this.workers.push(w);
      this.progress.push(progress);
    }
  }

  /**
   * Check `jobs` against `schema`; results in the order of `jobs`. A worker that fails names the file it was on.
   * Given `here` (this thread's checker for `schema`, loading while the workers start on the first batches), this
   * thread checks batches as well, so two cores need one worker thread, not two (a thread's start-up, modules and
   * compiled code are paid once less). Given `inputCrds`, the input's CRD files still being found, each worker is sent
   * them once they are. Resolves once every worker has sent its last answer; their threads are ending by then, and
   * close() waits until they have.
   */
  async check(jobs: readonly Job[], schema: SchemaSpec, here?: Promise<CheckContext>, inputCrds?: Promise<readonly string[]>): Promise<FileResult[]> {
    const results: FileResult[] = new Array(jobs.length);
    const queues = batchesOf(jobs);
    /** each queue's next batch, whichever thread is to take it */
    const next = new Int32Array(new SharedArrayBuffer(4 * QUEUES));
    /** no thread takes another batch (the others end with the one they are on) */
    const stop = () => queues.forEach((batches, q) => Atomics.store(next, q, batches.length));
    const run = (w: Worker, progress: Int32Array, first: number) =>
      new Promise<void>((resolve, reject) => {
        let finished = false;
        const fail = (why: string, at?: number) => {
          if (finished) return;
          finished = true;
          stop();
          // a worker that died: the file it had started (-1: none, or between batches)
          const now = Atomics.load(progress, 0);
          if (at === undefined && now >= 0) at = now;
          reject(new Error(`files worker failed${at !== undefined ? ` on ${jobs[at]!.file}` : ' between files'}: ${why}`));
        };
        const early = this.early.get(w);
        if (early !== undefined) return fail(early);
        w.on('message', (m: Reply) => {
          if ('done' in m) {
            finished = true;
            // its thread tears its isolate down on its own core while the caller goes on: close() waits for it
            void w.terminate().catch(() => undefined);
            resolve();
          } else if ('error' in m) fail(m.error, m.at);
          else {
            const batch = queues[m.q]![m.b]!.jobs;
            for (let k = 0; k < m.results.length; k++) results[batch[k]!] = m.results[k]!;
          }
        });
        w.on('error', (err) => fail(err.stack ?? err.message));
        w.on('exit', (code) => fail(`exited with code ${code}`));
        w.postMessage({ schema, jobs, next, first } satisfies Work);
        // a failed search is the caller's to report (files.ts): the worker then waits until it is terminated
        inputCrds?.then((files) => w.postMessage({ inputCrds: files } satisfies InputCrds), () => undefined);
      });
    // this thread's lane: batches from the same counters, between which the workers' answers are handled
    const lane = async (loading: Promise<CheckContext>) => {
      const [ctx, { checkFiles }] = await Promise.all([loading, import('./files-check.ts')]);
      const reader = new FileReader();
      for (let got = take(queues, next, firstQueue('main')); got; got = take(queues, next, firstQueue('main'))) {
        const batch = queues[got.q]![got.b]!.jobs;
        let at = batch[0]!;
        try {
          const done = await checkFiles(batch.map((i) => jobs[i]!), reader, ctx, (k) => (at = batch[k]!));
          for (let k = 0; k < done.length; k++) results[batch[k]!] = done[k]!;
        } catch (err) {
          stop();
          throw new Error(`files check failed on ${jobs[at]!.file}: ${(err as Error).stack ?? String(err)}`);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all([...this.workers.map((w, n) => run(w, this.progress[n]!, firstQueue(n))), ...(here ? [lane(here)] : [])]);
    return results;
  }

  /** The worker threads (this thread, which checks too, not counted). */
  get size(): number {
    return this.workers.length;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** A worker thread's work (its entry point: scripts/validate.worker.ts). */
export async function serve(): Promise<void> {
  const port = parentPort!;
  // the first message is the work: the checker loads everything else while it comes; the input's CRD files come later
  const work = new Promise<Work>((resolve) => port.once('message', resolve));
  const inputCrds = new Promise<readonly string[]>((resolve) => port.on('message', (m: Work | InputCrds) => 'inputCrds' in m && resolve(m.inputCrds)));
  const { checkContext, checkFiles } = await import('./files-check.ts');
  const ctx = await checkContext(workerData.kubernetesVersion as string, false, work.then((w) => w.schema), inputCrds);
  const { jobs, next, first } = await work;
  const queues = batchesOf(jobs);
  const reader = new FileReader();
  const progress = workerData.progress as Int32Array;
  for (let got = take(queues, next, first); got; got = take(queues, next, first)) {
    const batch = queues[got.q]![got.b]!.jobs;
    let at = batch[0]!;
    try {
      const results = await checkFiles(batch.map((i) => jobs[i]!), reader, ctx, (k) => Atomics.store(progress, 0, (at = batch[k]!)));
      // between batches: a worker that dies now had no file started
      Atomics.store(progress, 0, -1);
      port.postMessage({ ...got, results } satisfies Reply);
    } catch (err) {
      port.postMessage({ error: (err as Error).stack ?? String(err), at } satisfies Reply);
      return;
    }
  }
  // the code caches of the compiled schemas this thread loaded without (kube/code-cache.mjs)
  saveCodeCaches();
  port.postMessage({ done: true } satisfies Reply);
}

// Files mode on every core: worker threads each check whole files (parse, schema, the API
// server's checks, lines) and send back findings and counts, never the objects, so memory
// stays that of the files in flight. Each worker holds up to IN_FLIGHT files; the next goes to whichever has room.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { FileReader } from '../plumbing/files.ts';
import { checkContext, checkText, type FileResult } from './files-check.ts';
import type { SchemaSpec } from './schema-sources.ts';

const MARK = 'marqueeFilesWorker';

export interface Job {
  /** the name findings carry (relative to where validate was run) */
  readonly file: string;
  readonly abs: string;
}

/**
 * Each worker's young generation (MB). V8's default gives every thread three 16 MB semi-spaces, about 50 MB of
 * resident memory per worker that parsing does not need: with 16 the 20,000-object benchmark peaks some 30 MB
 * lower, and one thread's throughput measured the same (docs/benchmarks.md, files mode).
 */
const YOUNG_GENERATION_MB = 16;

/** Jobs sent to a worker ahead of its answers: with one, it idled while each answer crossed to this thread and the next job back. */
const IN_FLIGHT = 2;

type Reply = { ready: true } | { i: number; result: FileResult } | { i: number; error: string };

/**
 * The worker's entry point. Under tsx this module itself (the worker inherits `--import tsx`);
 * from the launcher's bundle (scripts/launch.mjs sets the checkout root global) the launcher
 * again, which loads the same bundle, where scripts/validate.ts runs its CLI only on the main thread.
 */
function entry(): { code: string | URL; eval: boolean; argv: string[] } {
  const bundled = (globalThis as Record<string, unknown>).__marqueeCheckoutRoot;
  if (typeof bundled === 'string') return { code: new URL('scripts/launch.mjs', bundled), eval: false, argv: ['validate'] };
  // Node 20 resolves a worker's modules before `--import tsx` has its hooks in place there: register them first.
  return { code: `import('tsx/esm/api').then((tsx) => tsx.register()).then(() => import(${JSON.stringify(import.meta.url)}));`, eval: true, argv: [] };
}

/** The loader flags a worker needs (tsx); test-runner flags are not allowed in a worker. */
function loaderArgs(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (/^--(import|require|loader|experimental-loader)=/.test(a)) out.push(a);
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

  constructor(workers: number, kubernetesVersion: string) {
    const { code, eval: evaluated, argv } = entry();
    for (let n = 0; n < workers; n++) {
      const w = new Worker(code, { eval: evaluated, workerData: { [MARK]: true, kubernetesVersion }, argv, execArgv: loaderArgs(), stdout: false, stderr: false, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
      w.on('error', (err) => this.early.set(w, err.stack ?? err.message));
      w.on('exit', (code) => this.early.set(w, `exited with code ${code}`));
      this.workers.push(w);
    }
  }

  /** Check `jobs` against `schema`; results in the order of `jobs`. A worker that fails names the file it was on. */
  async check(jobs: readonly Job[], schema: SchemaSpec): Promise<FileResult[]> {
    const results: FileResult[] = new Array(jobs.length);
    let next = 0;
    let failed = false;
    const run = (w: Worker) =>
      new Promise<void>((resolve, reject) => {
        /** the jobs sent to this worker and not answered yet, in the order it works through them */
        const inFlight = new Set<number>();
        let finished = false;
        const fail = (why: string, at = inFlight.values().next().value as number | undefined) => {
          if (finished) return;
          finished = failed = true;
          reject(new Error(`files worker failed${at === undefined ? ' while starting' : ` on ${jobs[at]!.file}`}: ${why}`));
        };
        // IN_FLIGHT jobs each, so a worker has its next file while its answer travels back
        const feed = () => {
          while (!failed && next < jobs.length && inFlight.size < IN_FLIGHT) {
            inFlight.add(next);
            w.postMessage({ i: next, ...jobs[next++]! });
          }
          if (inFlight.size === 0) {
            finished = true;
            void w.terminate().then(() => resolve(), reject);
          }
        };
        const early = this.early.get(w);
        if (early !== undefined) return fail(early);
        w.on('message', (m: Reply) => {
          if ('ready' in m) return feed();
          if ('error' in m) return fail(m.error, m.i);
          inFlight.delete(m.i);
          results[m.i] = m.result;
          feed();
        });
        w.on('error', (err) => fail(err.stack ?? err.message));
        w.on('exit', (code) => fail(`exited with code ${code}`));
        w.postMessage({ schema });
      });
    await Promise.all(this.workers.map(run));
    return results;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

async function serve(): Promise<void> {
  const port = parentPort!;
  // the first message is the schema spec: the checker loads everything else while it comes
  const schema = new Promise<SchemaSpec>((resolve) => port.once('message', (m: { schema: SchemaSpec }) => resolve(m.schema)));
  const ctx = await checkContext(workerData.kubernetesVersion as string, false, schema);
  const reader = new FileReader();
  let queue = Promise.resolve();
  port.on('message', (job: Job & { i: number }) => {
    queue = queue.then(async () => {
      try {
        port.postMessage({ i: job.i, result: await checkText(job.file, reader.text(job.abs), ctx) } satisfies Reply);
      } catch (err) {
        port.postMessage({ i: job.i, error: (err as Error).stack ?? String(err) } satisfies Reply);
      }
    });
  });
  port.postMessage({ ready: true } satisfies Reply);
}

if (!isMainThread && workerData?.[MARK]) void serve();

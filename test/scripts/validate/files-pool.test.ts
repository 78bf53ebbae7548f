// Files mode through the CLI, as `npm run validate -- <paths>` runs it (scripts/launch.mjs and its
// bundle): worker threads give the same findings as one thread, and `-` reads standard input.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkContext } from '../../../scripts/lib/validate/files-check.ts';
import { batchesOf, FilesPool } from '../../../scripts/lib/validate/files-pool.ts';
import { validateFiles } from '../../../scripts/lib/validate/index.ts';
import { earlyPool, MAX_FILE_BYTES, POOL_MIN_BYTES } from '../../../scripts/lib/validate/files.ts';
import { repoRoot } from '../../helpers/repo-copy.ts';

const validate = (args: string[], cwd: string, input?: string) =>
  spawnSync(process.execPath, [join(repoRoot, 'scripts/launch.mjs'), 'validate', '--format', 'json', ...args], { cwd, input, encoding: 'utf8', timeout: 240_000 });

const brief = (findings: { rule: string; file?: string; line?: number; path?: string }[]) => findings.map((f) => `${f.rule} ${f.file}:${f.line} ${f.path ?? ''}`).sort();

test('the real-manifest corpus on two worker threads (through the bundle) gives the findings of one thread', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-pool-'));
  try {
    // kube-prometheus makes it larger than the size below which validate stays on one thread
    for (const p of ['kube-prometheus', 'msd']) cpSync(join(repoRoot, 'test/corpus/real-manifests', p), join(dir, p), { recursive: true });
    const one = await validateFiles(dir, ['.'], undefined, { workers: 1 });
    const r = validate(['.'], dir);
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr.slice(-3000)}`);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
    const out = JSON.parse(r.stdout);
    assert.ok(one.summary.resources > 50);
    assert.equal(out.summary.resources, one.summary.resources);
    assert.deepEqual(brief(out.findings), brief(one.findings));
    // in-process, forced onto two threads from source (tsx): the same again
    const two = await validateFiles(dir, ['.'], undefined, { workers: 2 });
    assert.equal(two.summary.resources, one.summary.resources);
    assert.deepEqual(brief(two.findings), brief(one.findings));
    // VALIDATE_TIMINGS names files mode's stages
    const timed = spawnSync(process.execPath, [join(repoRoot, 'scripts/launch.mjs'), 'validate', '.'], { cwd: dir, encoding: 'utf8', timeout: 240_000, env: { ...process.env, VALIDATE_TIMINGS: '1' } });
    assert.ok(timed.status === 0 || timed.status === 1, `exit ${timed.status}: ${timed.stderr.slice(-3000)}`);
    const timings = JSON.parse(/^timings \(ms\): (.*)$/m.exec(timed.stderr)?.[1] ?? 'null') as Record<string, number> | null;
    assert.deepEqual(Object.keys(timings ?? {}), ['startup', 'listed', 'crds', 'ready', 'checked', 'reported'], timed.stderr.slice(-2000));
    assert.ok(Object.values(timings!).every((ms) => Number.isInteger(ms) && ms >= 0), JSON.stringify(timings));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a usage error found while the worker threads load (a --crd that does not exist) is the exit code 2 and its message, and the threads end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-pool-usage-'));
  try {
    // large enough for the worker threads, which start before the flags are read
    cpSync(join(repoRoot, 'test/corpus/real-manifests', 'kube-prometheus'), join(dir, 'kube-prometheus'), { recursive: true });
    const started = performance.now();
    const r = validate(['--crd', 'missing-crds', '.'], dir);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--crd missing-crds: no such file or directory/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    // the process ends once the error is printed: no worker keeps it alive to the spawn's timeout
    assert.ok(performance.now() - started < 60_000, `took ${(performance.now() - started).toFixed(0)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** `body` with a new folder and a pool of `workers` threads, both removed after it whatever happens. */
async function withPool(workers: number, body: (dir: string, pool: FilesPool) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-pool-'));
  const pool = new FilesPool(workers, '1.31');
  try {
    await body(dir, pool);
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a file a worker cannot read fails the check naming that file, in the middle of its batch, with jobs queued behind it', () =>
  withPool(2, async (dir, pool) => {
    const jobs = Array.from({ length: 6 }, (_, i) => ({ file: `f${i}.yaml`, abs: join(dir, `f${i}.yaml`) }));
    for (const [i, j] of jobs.entries()) if (i !== 2) writeFileSync(j.abs, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n`);
    await assert.rejects(pool.check(jobs, { cwd: dir, flags: {}, inputCrds: [] }), /files worker failed on f2\.yaml: .*ENOENT/);
  }));

test('this thread checks batches too: alone it checks every file, beside a worker a file it cannot read fails the check naming that file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-pool-here-'));
  try {
    const jobs = Array.from({ length: 40 }, (_, i) => ({ file: `f${i}.yaml`, abs: join(dir, `f${i}.yaml`) }));
    const spec = { cwd: dir, flags: {}, inputCrds: [] };
    for (const [i, j] of jobs.entries()) writeFileSync(j.abs, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  x: ${i}\n`);
    const alone = new FilesPool(0, '1.31');
    try {
      const results = await alone.check(jobs, spec, checkContext('1.31', false, spec));
      assert.deepEqual(
        results.map((r) => `${r.file} ${r.objects} ${r.findings.map((f) => `${f.rule}:${f.line}`).join(',')}`),
        jobs.map((j) => `${j.file} 1 schema:6`),
      );
    } finally {
      await alone.close();
    }
    rmSync(jobs[35]!.abs);
    const both = new FilesPool(1, '1.31');
    try {
      await assert.rejects(both.check(jobs, spec, checkContext('1.31', false, spec)), /failed on f35\.yaml: .*ENOENT/);
    } finally {
      await both.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker that dies in the middle of the check fails it promptly, naming the file it had started', () =>
  withPool(1, async (dir, pool) => {
    // enough work that the worker is still busy when it is stopped
    const big = Array.from({ length: 400 }, (_, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  x: "${i}"\n`).join('');
    const jobs = Array.from({ length: 200 }, (_, i) => ({ file: `f${i}.yaml`, abs: join(dir, `f${i}.yaml`) }));
    for (const j of jobs) writeFileSync(j.abs, big);
    // (200 files of 400 objects: the worker is far from done when it is stopped)
    const checking = pool.check(jobs, { cwd: dir, flags: {}, inputCrds: [] });
    checking.catch(() => {});
    const inside = pool as unknown as { workers: { terminate(): Promise<number> }[]; progress: Int32Array[] };
    // stopped once it has started a file (it writes the file's number before each)
    const deadline = performance.now() + 60_000;
    while (Atomics.load(inside.progress[0]!, 0) < 0) {
      assert.ok(performance.now() < deadline, 'the worker started no file within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    void inside.workers[0]!.terminate();
    const started = performance.now();
    await assert.rejects(checking, /^Error: files worker failed on f\d+\.yaml: exited with code 1$/);
    assert.ok(performance.now() - started < 10_000, 'the check ended promptly');
  }));

test('earlyPool: worker threads start before the listing for an input of POOL_MIN_BYTES or more (files up to MAX_FILE_BYTES counted), else none', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-early-'));
  const pools: FilesPool[] = [];
  const early = (paths: string[]) => {
    const pool = earlyPool(dir, paths);
    if (pool) pools.push(pool);
    return pool?.size;
  };
  try {
    // sparse files: their sizes, none of their bytes on disk (earlyPool reads only sizes)
    const sized = (file: string, bytes: number) => {
      writeFileSync(join(dir, file), '');
      truncateSync(join(dir, file), bytes);
    };
    sized('a.yaml', POOL_MIN_BYTES / 2);
    sized('b.txt', POOL_MIN_BYTES); // not YAML or JSON: not listed, not counted
    sized('huge.yaml', MAX_FILE_BYTES + 1); // past what files mode reads: not counted
    const workers = availableParallelism() - 1;
    assert.ok(workers >= 1, 'this test needs two cores');
    assert.equal(early(['.']), undefined, 'half the bound');
    assert.equal(early(['-']), undefined, 'standard input alone');
    assert.equal(early(['missing', '.']), undefined, 'a path that is not there: the listing says so');
    sized('c.json', POOL_MIN_BYTES / 2);
    assert.equal(early(['.']), workers, 'the bound reached in one folder');
    assert.equal(early(['a.yaml', 'c.json']), workers, 'and by files named one by one');
    // a pool validateFiles does not want (a small input given with one) is closed, and the findings are one thread's
    const small = mkdtempSync(join(tmpdir(), 'marquee-files-early-small-'));
    try {
      writeFileSync(join(small, 'svc.yaml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  ports:\n    - port: http\n');
      const pool = new FilesPool(1, '1.31');
      pools.push(pool);
      const inside = pool as unknown as { workers: { threadId: number }[] };
      const given = await validateFiles(small, ['.'], undefined, { pool });
      const alone = await validateFiles(small, ['.'], undefined, { workers: 1 });
      assert.deepEqual(brief(given.findings), brief(alone.findings));
      assert.equal(given.summary.resources, 1);
      // a terminated worker's threadId is -1
      const deadline = Date.now() + 20_000;
      while (inside.workers.some((w) => w.threadId !== -1)) {
        assert.ok(Date.now() < deadline, 'the unwanted worker thread did not end within 20 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      rmSync(small, { recursive: true, force: true });
    }
  } finally {
    await Promise.all(pools.map((p) => p.close()));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('validateFiles returns once the worker threads it checked with, or closed unused, have ended (they end while it reports)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-pool-end-'));
  const pool = new FilesPool(1, '1.31');
  try {
    for (let i = 0; i < 8; i++) writeFileSync(join(dir, `c${i}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  x: ${i}\n`);
    const inside = pool as unknown as { workers: { threadId: number }[] };
    // two threads in all: this one and the pool's worker, which is kept (its size is what the count wants)
    const t0 = performance.now();
    const result = await validateFiles(dir, ['.'], undefined, { pool, workers: 2 });
    const took = performance.now() - t0;
    assert.equal(result.summary.resources, 8);
    assert.equal(result.findings.filter((f) => f.rule === 'schema').length, 8, 'data values that are numbers, in every file');
    // a terminated worker's threadId is -1: ended before validateFiles returned, not some time after
    assert.deepEqual(inside.workers.map((w) => w.threadId), [-1]);
    // A pool of a size the count does not want is closed unused, and validateFiles returns only once it has closed:
    // here a pool whose close() ends when the test says (a real one ends too soon to tell the two apart).
    let release!: () => void;
    const unwanted = { size: 5, close: () => new Promise<void>((resolve) => (release = resolve)) } as unknown as FilesPool;
    const started = performance.now();
    let returned = false;
    const other = validateFiles(dir, ['.'], undefined, { pool: unwanted, workers: 2 }).then((r) => ((returned = true), r));
    // three times as long as the whole call above took, and at least a second: the check itself is over by then
    await new Promise((resolve) => setTimeout(resolve, Math.max(1000, 3 * took)));
    assert.equal(returned, false, `validateFiles returned before the unused pool had closed (after ${(performance.now() - started).toFixed(0)} ms)`);
    release();
    assert.equal((await other).summary.resources, 8);
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('batches: two queues (files not likely to hold a CRD, the others), each in order, cut at 256 KiB or 32 files, every file once', () => {
  const KiB = 1024;
  const jobs = (sizes: (number | undefined)[], likelyCrd: boolean[] = []) => sizes.map((size, i) => ({ file: `f${i}`, abs: `/f${i}`, size, likelyCrd: likelyCrd[i] }));
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  // a batch closes on the file that reaches 256 KiB
  assert.deepEqual(batchesOf(jobs([100 * KiB, 100 * KiB, 56 * KiB, 1, 300 * KiB, 5])), [[{ jobs: [0, 1, 2] }, { jobs: [3, 4] }, { jobs: [5] }], []]);
  // small or unsized files: 32 to a batch
  assert.deepEqual(batchesOf(jobs(Array.from({ length: 70 }, () => undefined))), [[{ jobs: range(0, 32) }, { jobs: range(32, 64) }, { jobs: range(64, 70) }], []]);
  // the files with a CRD in their own queue, batched by their own sizes
  assert.deepEqual(batchesOf(jobs([1, 200 * KiB, 2, 100 * KiB, 3], [false, true, false, true, true])), [[{ jobs: [0, 2] }], [{ jobs: [1, 3] }, { jobs: [4] }]]);
  assert.deepEqual(batchesOf([]), [[], []]);
});

test('`-` reads standard input; its findings name <stdin> with the line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-stdin-'));
  try {
    const r = validate(['-'], dir, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: piped\ndata:\n  x: 1\n');
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(brief(out.findings), ['schema <stdin>:6 data.x']);
    assert.equal(out.summary.resources, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('all of a large JSON report reaches a pipe: 2,000 findings, more than a pipe holds, parse as one JSON document', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-pipe-'));
  try {
    const n = 2000;
    writeFileSync(join(dir, 'many.yaml'), Array.from({ length: n }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  x: ${i}\n`).join('---\n'));
    const r = validate(['many.yaml'], dir);
    assert.equal(r.status, 1, r.stderr);
    assert.ok(r.stdout.length > 256 * 1024, `only ${r.stdout.length} bytes: not more than a pipe's buffer`);
    const out = JSON.parse(r.stdout);
    assert.equal(out.findings.length, n);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

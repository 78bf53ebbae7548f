// scripts/launch.mjs runs a script from a cached esbuild bundle: it must behave
// like `node --import tsx scripts/<name>.ts`, rebuild when a source changes, and
// report a source that does not compile as file:line with exit code 2.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/repo-copy.ts';

const launch = (root: string, args: string[]) => spawnSync(process.execPath, [join(root, 'scripts/launch.mjs'), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

/** A throw-away checkout: the TypeScript the bundle reads, packages linked. */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-launch-'));
  for (const d of ['scripts', 'generators', 'policies', 'kube', 'apps', 'package.json', 'tsconfig.json'])
    cpSync(join(repoRoot, d), join(dir, d), { recursive: true, filter: (src) => !src.includes('node_modules') });
  // Packages linked one by one: the copy gets its own node_modules/.cache.
  mkdirSync(join(dir, 'node_modules'));
  for (const name of readdirSync(join(repoRoot, 'node_modules')))
    if (name !== '.cache') symlinkSync(join(repoRoot, 'node_modules', name), join(dir, 'node_modules', name));
  return dir;
}

const manifest = (root: string, name = 'validate') => JSON.parse(readFileSync(join(root, `node_modules/.cache/marquee/bin/${name}/manifest.json`), 'utf8')) as { signature: string; inputs: string[]; main: string };

test('launch: same output and exit codes as tsx, usage errors exit 2', () => {
  const viaTsx = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts/validate.ts'), '--help'], { cwd: repoRoot, encoding: 'utf8' });
  const viaLaunch = launch(repoRoot, ['validate', '--help']);
  assert.equal(viaLaunch.status, 0, viaLaunch.stderr);
  assert.equal(viaLaunch.stdout, viaTsx.stdout);
  assert.equal(launch(repoRoot, ['validate', '--format', 'yaml']).status, 2);
  const missing = launch(repoRoot, ['no-such-script']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /scripts\/no-such-script\.ts does not exist/);
});

test('launch: the bundle is rebuilt when a bundled source changes, and a compile error names file and line', () => {
  const dir = checkout();
  try {
    assert.equal(launch(dir, ['validate', '--help']).status, 0);
    const first = manifest(dir);
    assert.ok(first.inputs.includes('scripts/lib/validate/output.ts'), 'the bundle records its inputs');
    // packages Node 20 can require stay external; the ES-module-only ones (kubernetes-models) are in the CommonJS bundle
    assert.ok(!first.inputs.some((f) => /node_modules\/(yaml|js-yaml|esbuild)\//.test(f)), 'packages Node can require stay external');
    assert.ok(first.inputs.some((f) => /node_modules\/kubernetes-models\//.test(f)), 'kubernetes-models, an ES module, is bundled');
    assert.equal(launch(dir, ['validate', '--help']).status, 0);
    assert.equal(manifest(dir).signature, first.signature, 'nothing changed: the bundle is reused');

    const report = join(dir, 'scripts/lib/validate/output.ts');
    utimesSync(report, new Date(), new Date(Date.now() + 5000));
    assert.equal(launch(dir, ['validate', '--help']).status, 0);
    const second = manifest(dir);
    assert.notEqual(second.signature, first.signature, 'a touched source rebuilds the bundle');

    // The launcher is part of the key: a change to how bundles are built rebuilds them.
    utimesSync(join(dir, 'scripts/launch.mjs'), new Date(), new Date(Date.now() + 10000));
    assert.equal(launch(dir, ['validate', '--help']).status, 0);
    assert.notEqual(manifest(dir).signature, second.signature, 'a touched launcher rebuilds the bundle');

    writeFileSync(report, `${readFileSync(report, 'utf8')}\nexport const broken = ;\n`);
    const r = launch(dir, ['validate', '--help']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /scripts\/lib\/validate\/output\.ts:\d+:\d+: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('launch: a bundle another launch may still be running from is kept; one unused for an hour is removed', () => {
  const dir = checkout();
  const bin = join(dir, 'node_modules/.cache/marquee/bin/validate');
  try {
    assert.equal(launch(dir, ['validate', '--help']).status, 0);
    const first = manifest(dir).signature;
    // The same sources built again (as by a second launch started at the same moment): the first bundle stays as it is.
    writeFileSync(join(bin, first, 'in-use'), '');
    rmSync(join(bin, 'manifest.json'));
    assert.equal(launch(dir, ['validate', '--help']).status, 0);
    assert.equal(manifest(dir).signature, first);
    assert.ok(existsSync(join(bin, first, 'in-use')), 'a rebuild of the same sources replaced a bundle that may be running');

    // A source changes: the old bundle was started from just now, so it stays.
    const source = join(dir, 'scripts/lib/validate/output.ts');
    utimesSync(source, new Date(), new Date(Date.now() + 5000));
    assert.equal(launch(dir, ['validate', '--help']).status, 0);
    const second = manifest(dir).signature;
    assert.notEqual(second, first);
    assert.ok(existsSync(join(bin, first)), 'a bundle started from a moment ago was removed');

    // Nothing started from it for two hours: the next build removes it, and keeps the one in use.
    const hoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(join(bin, first), hoursAgo, hoursAgo);
    utimesSync(source, new Date(), new Date(Date.now() + 10000));
    assert.equal(launch(dir, ['validate', '--help']).status, 0);
    assert.ok(!existsSync(join(bin, first)), 'a bundle unused for two hours was kept');
    assert.ok(existsSync(join(bin, second)), 'the bundle used a moment ago was removed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('launch: a copied checkout with its caches checks itself, not the tree that built the bundle', () => {
  // The original's bundle (and every other cache) exists before the copy, as after npm ci.
  assert.equal(launch(repoRoot, ['validate', '--help']).status, 0);
  const dir = mkdtempSync(join(tmpdir(), 'marquee-copied-'));
  try {
    // cp -a of the checkout, .git included (nanosecond mtimes kept: the bundle's freshness key is size
    // and mtime, so the copy reuses the original's bundle), node_modules/.cache copied
    // whole, the workspace links (../../apps/<name>) as links; other packages linked.
    const cpA = (from: string, to: string) => assert.equal(spawnSync('cp', ['-a', from, to]).status, 0, `cp -a ${from}`);
    for (const name of readdirSync(repoRoot)) if (name !== 'node_modules') cpA(join(repoRoot, name), join(dir, name));
    mkdirSync(join(dir, 'node_modules'));
    for (const name of readdirSync(join(repoRoot, 'node_modules')))
      if (name === '.cache' || name === '@marquee') cpA(join(repoRoot, 'node_modules', name), join(dir, 'node_modules', name));
      else symlinkSync(join(repoRoot, 'node_modules', name), join(dir, 'node_modules', name));
    const before = manifest(repoRoot).signature;
    // Break the copy: a memory quantity the API server refuses.
    const patch = 'overlays/dev/services/patches/resources.yaml';
    const text = readFileSync(join(dir, patch), 'utf8');
    assert.match(text, /memory: \S+/);
    writeFileSync(join(dir, patch), text.replace(/memory: \S+/, 'memory: 512mb'));
    const r = spawnSync(process.execPath, [join(dir, 'scripts/launch.mjs'), 'validate', '--format', 'json'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
    assert.equal(manifest(dir).signature, before, 'the copy reused the bundle it was copied with');
    assert.equal(r.status, 1, `the broken copy must fail validate: ${r.stderr}`);
    const findings = (JSON.parse(r.stdout) as { findings: { file?: string; message: string }[] }).findings;
    assert.ok(
      findings.some((f) => f.file === patch && /512mb/.test(f.message)),
      `no finding for the copy's ${patch}: ${JSON.stringify(findings.slice(0, 5))}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('launch: a script bundles into one CommonJS file whose V8 code cache the first run under its flags writes and the next takes; one with a top-level await, into ES modules', () => {
  const dir = checkout();
  try {
    const flags = ['--interrupt-budget=400000'];
    const run = (args: string[]) => spawnSync(process.execPath, [...flags, join(dir, 'scripts/launch.mjs'), ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    const files = () => {
      const m = manifest(dir);
      const home = join(dir, 'node_modules/.cache/marquee/bin/validate', m.signature);
      return { home, main: m.main, caches: readdirSync(home).filter((f) => f.endsWith('.v8cache')).sort() };
    };
    const yaml = join(dir, 'cm.yaml');
    writeFileSync(yaml, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n');
    const first = run(['validate', '--format', 'json', 'cm.yaml']);
    assert.equal(first.status, 0, first.stderr);
    const built = files();
    assert.equal(built.main, 'validate.cjs');
    // the bundles this run loaded, validate's and its files-mode part's (not repository mode's, nor the worker's: the
    // input is too small for worker threads)
    assert.deepEqual(built.caches.map((c) => c.replace(/\.\d+\.v8cache$/, '')), ['validate.cjs', 'validate.files.cjs']);
    const cache = join(built.home, built.caches[0]!);
    const source = readFileSync(join(built.home, 'validate.cjs'));
    // headed by the SHA-1 of the bundle's text (kube/code-cache.mjs)
    assert.deepEqual(readFileSync(cache).subarray(0, 20), createHash('sha1').update(source.toString('utf8')).digest());
    const written = statSync(cache).mtimeMs;
    const second = run(['validate', '--format', 'json', 'cm.yaml']);
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual(JSON.parse(second.stdout).findings, JSON.parse(first.stdout).findings);
    assert.equal(statSync(cache).mtimeMs, written, 'the second run took the cache and wrote none');
    // without validate's flags on the command line (validate sets them itself after the bundle loaded): no cache of other flags is written
    assert.equal(launch(dir, ['validate', '--format', 'json', 'cm.yaml']).status, 0);
    assert.deepEqual(files().caches, built.caches);

    // a script that awaits at its top level (as warm-caches does), which CommonJS cannot hold, and imports a module
    writeFileSync(join(dir, 'scripts/top-level-await.ts'), "const { basename } = await import('node:path');\nconsole.log(basename(await Promise.resolve('/a/b.txt')));\n");
    const tla = launch(dir, ['top-level-await']);
    assert.equal(tla.status, 0, tla.stderr);
    assert.equal(tla.stdout, 'b.txt\n');
    assert.equal(manifest(dir, 'top-level-await').main, 'top-level-await.mjs');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('launch: a script\'s parts (scripts/<name>.<part>.ts) are bundles of their own beside it, each loaded when it runs; the worker part runs in a worker thread started through the launcher', () => {
  const dir = checkout();
  try {
    const flags = ['--interrupt-budget=400000'];
    writeFileSync(join(dir, 'scripts/lib/main-only.ts'), "export const mainOnly = 'MAIN-ONLY-MARK';\n");
    writeFileSync(join(dir, 'scripts/lib/worker-only.ts'), "export const workerOnly = 'WORKER-ONLY-MARK';\n");
    // the main thread starts the launcher in a worker thread and ends it once it has answered (as files-pool.ts does)
    writeFileSync(
      join(dir, 'scripts/two-threads.ts'),
      `import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { mainOnly } from './lib/main-only.ts';
if (isMainThread) {
  const w = new Worker(new URL('launch.mjs', import.meta.url), { argv: ['two-threads'] });
  w.once('message', (m) => { console.log(mainOnly, m); void w.terminate(); });
  if (process.argv[2] === 'extra') void import('./two-threads.extra.ts').then((p) => console.log(p.extra()));
} else parentPort!.postMessage('the main script, in the worker thread');
`,
    );
    writeFileSync(join(dir, 'scripts/two-threads.extra.ts'), "export const extra = () => 'EXTRA-PART-MARK';\n");
    writeFileSync(
      join(dir, 'scripts/two-threads.worker.ts'),
      `import { parentPort } from 'node:worker_threads';
import { saveCodeCaches } from '../kube/code-cache.mjs';
import { workerOnly } from './lib/worker-only.ts';
// the copy of code-cache.mjs bundled here writes the cache of the bundle the launcher's copy loaded
saveCodeCaches();
parentPort!.postMessage(workerOnly);
`,
    );
    const run = (...args: string[]) => spawnSync(process.execPath, [...flags, join(dir, 'scripts/launch.mjs'), 'two-threads', ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    const r = run();
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'MAIN-ONLY-MARK WORKER-ONLY-MARK\n');
    const m = manifest(dir, 'two-threads');
    const home = join(dir, 'node_modules/.cache/marquee/bin/two-threads', m.signature);
    assert.ok(m.inputs.includes('scripts/two-threads.worker.ts') && m.inputs.includes('scripts/lib/worker-only.ts'), 'the worker entry\'s sources are part of the key');
    const worker = readFileSync(join(home, 'two-threads.worker.cjs'), 'utf8');
    assert.ok(worker.includes('WORKER-ONLY-MARK') && !worker.includes('MAIN-ONLY-MARK'), 'the worker bundle holds the worker\'s code alone');
    const main = readFileSync(join(home, 'two-threads.cjs'), 'utf8');
    assert.ok(!main.includes('WORKER-ONLY-MARK') && !main.includes('EXTRA-PART-MARK'), 'the main bundle holds the main thread\'s code alone');
    assert.ok(readFileSync(join(home, 'two-threads.extra.cjs'), 'utf8').includes('EXTRA-PART-MARK'));
    const cached = () => readdirSync(home).filter((f) => f.endsWith('.v8cache')).map((f) => f.replace(/\.\d+\.v8cache$/, '')).sort();
    // the part no run has imported yet was not loaded: no cache of it
    assert.deepEqual(cached(), ['two-threads.cjs', 'two-threads.worker.cjs']);
    const withExtra = run('extra');
    assert.equal(withExtra.status, 0, withExtra.stderr);
    assert.deepEqual(withExtra.stdout.split('\n').sort(), ['', 'EXTRA-PART-MARK', 'MAIN-ONLY-MARK WORKER-ONLY-MARK']);
    assert.deepEqual(cached(), ['two-threads.cjs', 'two-threads.extra.cjs', 'two-threads.worker.cjs']);
    // a part added later, which no source changed for, is bundled by the next run
    writeFileSync(join(dir, 'scripts/two-threads.late.ts'), "export const late = 'LATE-PART-MARK';\n");
    assert.equal(run().status, 0);
    assert.ok(existsSync(join(dir, 'node_modules/.cache/marquee/bin/two-threads', manifest(dir, 'two-threads').signature, 'two-threads.late.cjs')), 'the new part is bundled');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no source names a path of one machine (a folder under /tmp, /work, /root or /home): a checkout runs wherever it lies', () => {
  const files = execFileSync('git', ['ls-files', '-z', 'scripts', 'kube', 'policies', 'generators', 'apps'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\0')
    .filter((f) => /\.(ts|mjs|cjs|js)$/.test(f) && !f.includes('/test/'));
  assert.ok(files.length > 100, `${files.length} sources`);
  const named = files.flatMap((f) => {
    const m = /['"`](\/(?:tmp|work|root|home)\/[^'"`\s]*)/.exec(readFileSync(join(repoRoot, f), 'utf8'));
    return m ? [`${f}: ${m[1]}`] : [];
  });
  assert.deepEqual(named, []);
});

// npm test: set up what the selected tests need (scripts/test-setup.mjs), then type-check and
// run every node:test file in test/ and apps/*/test/, each in its own process with a time limit.
//   npm test -- generators        files whose path contains "generators"
//   npm run test:unit             only files that need no server, browser or Debian tool (no tsc)
//   --jobs=N                      exactly N files at once (default: as many as keep CPUs + 1 cores'
//                                 worth busy, a file that needs a server or tool counting as half a
//                                 core, at most CPUs + 3 files); the longest files start first
//   --verbose                     print every file's output, not only failing ones'
//   --test-*                      passed to node:test in each file's process (e.g. --test-name-pattern=…)
// Files in the plan's `exclusive` list run alone. A file past its limit is killed with its
// process group and fails naming the test it was in. Under CI a skipped test fails the run.
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { allTestFiles, coresOf, cpuStep, exclusive, isUnit, longestFirst, needsOf, readDurations, runTestFile, saveDurations, schedule, timeoutOf, type Result } from './test-plan.ts';
import { buildNative, setup } from './test-setup.mjs';
import { cacheFile } from './lib/plumbing/cache.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const unit = argv.includes('--unit');
const verbose = argv.includes('--verbose');
const jobsArg = argv.find((a) => a.startsWith('--jobs='));
const jobs = jobsArg ? Number(jobsArg.slice('--jobs='.length)) : availableParallelism() + 1;
// --jobs=N: N files at once whatever they do; by default the recorded CPU shares decide
const byLoad = !jobsArg;
if (!Number.isInteger(jobs) || jobs < 1) {
  console.error(`test: --jobs must be a positive integer (got ${jobsArg})`);
  process.exit(2);
}
const filters = argv.filter((a) => !a.startsWith('--'));
const passThrough = argv.filter((a) => a.startsWith('--test-'));

let files: string[];
try {
  files = allTestFiles(root)
    .filter((f) => !unit || isUnit(f))
    .filter((f) => !filters.length || filters.some((x) => f.includes(x)));
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
if (!files.length) {
  console.error(`test: no test files match ${filters.join(', ') || '(all)'}${unit ? ' among the unit tests' : ''}`);
  process.exit(2);
}

const t0 = Date.now();
const needed = [...new Set(files.flatMap(needsOf))].sort();
if (needed.length) {
  const code = await setup(needed);
  if (code !== 0) process.exit(code);
  if (needed.includes('g++') && buildNative(root) !== 0) process.exit(3);
}
// The type-check runs beside the tests, reported at the end; a filtered run and the unit inner
// loop skip it (tsx runs the tests without type-checking, so npm test is where types are checked).
cpuStep(); // the set-up's children are not the tests'
const typeCheck: Promise<{ ok: boolean; output: string; cpuMs: number }> = filters.length || unit
  ? Promise.resolve({ ok: true, output: '', cpuMs: 0 })
  : new Promise((resolve) => {
      // --incremental: tsc keeps what it checked (by file content) in the cache folder and
      // re-checks only files whose content, or whose dependencies' declarations, changed.
      execFile(join(root, 'node_modules/.bin/tsc'), ['--noEmit', '--incremental', '--tsBuildInfoFile', cacheFile('tsc.tsbuildinfo'), '-p', root], { timeout: 300_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
        resolve({ ok: !err, output: `${stdout}${stderr}${err && !stdout && !stderr ? err.message : ''}`, cpuMs: cpuStep() }),
      );
    });

// Unit tests get a PostgreSQL that is not there: one that quietly needs it fails.
const unitEnv: Record<string, string> = unit ? { PGHOST: '127.0.0.1', PGPORT: '9', DATABASE_URL: '' } : {};
const runFile = (file: string) =>
  runTestFile(root, file, { timeoutMs: timeoutOf(file), args: passThrough, env: { ...unitEnv, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' } });

const results: Result[] = [];
function report(r: Result) {
  results.push(r);
  const secs = (r.ms / 1000).toFixed(1);
  const skipped = r.counts.skipped ? `, ${r.counts.skipped} skipped` : '';
  if (!r.ok || verbose || r.counts.skipped) process.stdout.write(`\n── ${r.file}\n${r.output.trimEnd()}\n`);
  console.log(`${r.ok ? '✔' : '✖'} ${r.file}  ${r.counts.pass}/${r.counts.tests} passed${skipped} in ${secs} s (CPU ${(r.cpuMs / 1000).toFixed(1)} s)${r.timedOut ? ' (TIMED OUT)' : ''}`);
}

// Exclusive files alone, first; then the longest files first (by the durations earlier runs
// recorded, else by their time limits), so the last to finish is a short one.
const durations = readDurations();
const alone = files.filter((f) => exclusive.includes(f));
const pooled = longestFirst(files.filter((f) => !exclusive.includes(f)), durations);
for (const f of alone) report(await runFile(f));
await schedule(pooled, async (f) => report(await runFile(f)), {
  budget: jobs,
  maxAtOnce: byLoad ? jobs + 2 : jobs,
  cores: (f) => (byLoad ? coresOf(f) : 1),
});
saveDurations(results);

const tsc = await typeCheck;
if (!tsc.ok) console.log(`\n── tsc --noEmit\n${tsc.output.trimEnd()}\n✖ type-check failed`);
else if (!filters.length && !unit) console.log(`✔ tsc --noEmit (CPU ${(tsc.cpuMs / 1000).toFixed(1)} s)`);
const sum = (k: keyof Result['counts']) => results.reduce((n, r) => n + r.counts[k], 0);
const failed = results.filter((r) => !r.ok);
const skippedFiles = results.filter((r) => r.counts.skipped);
console.log(
  `\ntest: ${results.length} files, ${sum('tests')} tests: ${sum('pass')} passed, ${sum('fail')} failed, ${sum('cancelled')} cancelled, ${sum('skipped')} skipped, ${sum('todo')} todo; ${((Date.now() - t0) / 1000).toFixed(1)} s wall, ${((results.reduce((n, r) => n + r.cpuMs, 0) + tsc.cpuMs) / 1000).toFixed(1)} s CPU, ${byLoad ? `up to ${jobs + 2} at once within ${jobs} cores' worth` : `${jobs} at once`}`,
);
console.log(`most CPU: ${[...results].sort((a, b) => b.cpuMs - a.cpuMs).slice(0, 5).map((r) => `${r.file} ${(r.cpuMs / 1000).toFixed(1)} s`).join(', ')}`);
console.log(`slowest: ${[...results].sort((a, b) => b.ms - a.ms).slice(0, 5).map((r) => `${r.file} ${(r.ms / 1000).toFixed(1)} s`).join(', ')}`);
if (failed.length) console.log(`failed: ${failed.map((r) => r.file + (r.timedOut ? ' (timed out)' : '')).join(', ')}`);
if (skippedFiles.length) console.log(`skipped tests in: ${skippedFiles.map((r) => r.file).join(', ')}${process.env.CI ? ' (a skip fails under CI)' : ''}`);
process.exit(failed.length || !tsc.ok || (process.env.CI && skippedFiles.length) ? 1 : 0);

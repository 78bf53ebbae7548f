// Which test files exist, what each needs outside npm, how long it may run, and which must
// run alone: the plan scripts/test.ts executes. A unit test needs nothing outside npm (no
// PostgreSQL, RabbitMQ, browser, nginx or other Debian tool) and is not in `integration`:
// `npm run test:unit` runs only those, with PostgreSQL pointed at a closed port so a misfiled
// one fails instead of passing.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cacheFile, writeAtomic } from './lib/plumbing/cache.ts';

/** Things scripts/test-setup.mjs can check for (its `tools` and `servers`). */
export type Need =
  | 'postgresql'
  | 'rabbitmq'
  | 'nginx'
  | 'wrk'
  | 'promtool'
  | 'prometheus'
  | 'amtool'
  | 'alertmanager'
  | 'chromium'
  | 'pg_dump'
  | 'psql'
  | 'rabbitmqctl'
  | 'rabbitmq-server'
  | 'unshare'
  | 'g++'
  | 'make';

const services: Need[] = ['postgresql', 'rabbitmq', 'rabbitmqctl'];

/** Path prefix → what the files under it need. Every match applies. */
export const needs: readonly (readonly [prefix: string, needs: readonly Need[]])[] = [
  ['apps/api-gateway/test/', services],
  ['apps/billing/test/', services],
  ['apps/billing/test/no-lost-orders.test.ts', ['rabbitmq-server']],
  ['apps/billing/test/outbox-relay.test.ts', ['rabbitmq-server']],
  ['apps/inventory/test/', services],
  ['apps/kit/test/pg-pipeline.test.ts', ['postgresql']],
  ['test/bench/', [...services, 'wrk']],
  ['test/data/', [...services, 'pg_dump', 'psql']],
  ['test/e2e/', [...services, 'nginx', 'chromium']],
  ['test/generators/nginx.test.ts', ['nginx', 'unshare']],
  // asks the local PostgreSQL how it reads memory and time settings
  ['test/policies/lib/postgres-guc-server.test.ts', ['postgresql']],
  ['test/generators/monitoring/', ['promtool']],
  ['test/monitoring/rules.test.ts', ['promtool']],
  ['test/monitoring/alertmanager.test.ts', ['amtool', 'alertmanager']],
  ['test/monitoring/config-parity.test.ts', ['promtool', 'amtool', 'prometheus']],
  ['test/monitoring/e2e.test.ts', ['prometheus', 'alertmanager']],
  ['test/scripts/report/report.test.ts', ['chromium']],
  // the DR drill starts PostgreSQL servers of its own from the Debian binaries (initdb, pg_ctl, pg_basebackup)
  ['test/scripts/dr/', ['postgresql', 'psql']],
  ['test/scripts/rollouts/decisions.test.ts', ['prometheus', 'promtool']],
  ['test/scripts/rollouts/drill.test.ts', ['prometheus', 'promtool']],
  // the C++ addons (native/yaml-block, native/files-scan), built by npm ci, or by npm test when npm ci had no compiler
  ['test/kube/yaml-block.test.ts', ['g++', 'make']],
  ['test/scripts/validate/files-scan.test.ts', ['g++', 'make']],
  ['test/kube/yaml-native-sanitizers.test.ts', ['g++', 'make']],
];

/**
 * Files that need nothing outside npm but drive a CLI end to end (git worktrees, every target
 * rendered, tsc, generate): in `npm test`, not in the `test:unit` inner loop.
 */
export const integration: readonly string[] = [
  'apps/kit/test/type-stripping.test.ts',
  'apps/web/test/dockerfile.test.ts',
  'test/generators/cloudnative-pg-install.test.ts',
  'test/generators/data.test.ts',
  // regenerates a copy of the repository with scripts/generate.ts (a git archive of HEAD)
  'test/generators/environment-chain.test.ts',
  // render the platform and environment overlays with kustomize
  'test/generators/rollouts/canary.test.ts',
  'test/generators/rollouts/install.test.ts',
  'test/images.test.ts',
  'test/policies/clock.test.ts',
  // every target rendered with kustomize
  'test/policies/repository.test.ts',
  'test/scripts/argocd/check.test.ts',
  'test/scripts/argocd/preview-cache.test.ts',
  'test/scripts/argocd/preview-findings.test.ts',
  'test/scripts/argocd/preview-generators.test.ts',
  'test/scripts/argocd/preview.test.ts',
  'test/scripts/gitflow/branches.test.ts',
  // three merge styles × three rounds of promotion in temporary repositories (git worktrees)
  'test/scripts/gitflow/promote-cycle.test.ts',
  'test/scripts/review/diff.test.ts',
  'test/scripts/generated.test.ts',
  'test/scripts/launch.test.ts',
  // runs validate's code from copies of the checkout in processes of their own
  'test/scripts/plumbing/cache.test.ts',
  'test/scripts/validate/schema-findings.test.ts',
  'test/scripts/gitflow/promote.test.ts',
  'test/scripts/kustomize/no-ops.test.ts',
  'test/scripts/kustomize/render.test.ts',
  'test/scripts/report/branches.test.ts',
  'test/scripts/report/cli.test.ts',
  'test/scripts/report/recovery.test.ts',
  'test/scripts/gitflow/set-image.test.ts',
  'test/scripts/gitflow/verify.test.ts',
  'test/scripts/test-runner.test.ts',
  'test/scripts/validate/cli.test.ts',
  // the bad-input corpus (corpus.ts), one validate run on a copy of the repository per case
  'test/scripts/validate/corpus-1-of-4.test.ts',
  'test/scripts/validate/corpus-2-of-4.test.ts',
  'test/scripts/validate/corpus-3-of-4.test.ts',
  'test/scripts/validate/corpus-4-of-4.test.ts',
  'test/scripts/validate/crds.test.ts',
  'test/scripts/validate/field-tree.test.ts',
  'test/scripts/validate/pipeline.test.ts',
  'test/scripts/validate/files-pool.test.ts',
  'test/scripts/validate/fuzz.test.ts',
  'test/scripts/validate/immutable.test.ts',
  // renders a broken patch with the pinned kustomize
  'test/scripts/validate/kustomize-errors.test.ts',
  'test/scripts/validate/sarif.test.ts',
  'test/workflows-commands.test.ts',
  'test/workflows.test.ts',
  'test/vendor/operators.test.ts',
];

/**
 * Files that must not overlap any other: the benchmark measures throughput. (Tests that take a
 * server away start their own: postgres-outage, outbox-relay, no-lost-orders.)
 */
export const exclusive: readonly string[] = ['test/bench/wrk.test.ts'];

/** Per-file wall-clock limit; the runner kills the file's process group past it. */
// Generous: files run side by side on a shared 2-core machine; the limit is there to end a
// hang, not to measure speed.
export const defaultTimeoutMs = 180_000;
export const timeouts: Readonly<Record<string, number>> = {
  'apps/billing/test/no-lost-orders.test.ts': 300_000,
  // four instances each restarted in turn under load, with their pre-stop pauses: in full suite runs it takes
  // over half the default limit
  'apps/api-gateway/test/rolling-restart.test.ts': 300_000,
  'apps/inventory/test/fuzz.test.ts': 240_000,
  'test/e2e/storefront.test.ts': 240_000,
  'test/bench/wrk.test.ts': 240_000,
  'test/scripts/gitflow/promote.test.ts': 300_000,
  // three merge styles × three rounds of promotion, each promotion validating and rendering
  'test/scripts/gitflow/promote-cycle.test.ts': 600_000,
  'test/scripts/gitflow/verify.test.ts': 480_000,
  // a quarter of the bad-input corpus each, one validate run per case: in one file, with cold render
  // caches (a fresh checkout, as in CI) and other files sharing the cores, it overran its limit
  'test/scripts/validate/corpus-1-of-4.test.ts': 300_000,
  'test/scripts/validate/corpus-2-of-4.test.ts': 300_000,
  'test/scripts/validate/corpus-3-of-4.test.ts': 300_000,
  'test/scripts/validate/corpus-4-of-4.test.ts': 300_000,
  'test/scripts/kustomize/render.test.ts': 300_000,
  // each case is killed past its own bound (20 s files mode, two at a time; 30 s repository mode):
  // the cases that hang in an older checkout cost their bound, not the file's limit
  'test/scripts/validate/fuzz.test.ts': 300_000,
};

export const needsOf = (file: string): Need[] => [...new Set(needs.filter(([p]) => file.startsWith(p)).flatMap(([, n]) => n))];
export const isUnit = (file: string): boolean => needsOf(file).length === 0 && !integration.includes(file);
export const timeoutOf = (file: string): number => timeouts[file] ?? defaultTimeoutMs;

/** `*.test.ts` under `dir` (relative to root). A directory that exists but cannot be read throws. */
export function testFilesIn(root: string, dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  let entries: string[];
  try {
    if (!statSync(abs).isDirectory()) throw new Error('not a directory');
    entries = readdirSync(abs, { recursive: true }) as string[];
  } catch (err) {
    throw new Error(`test: cannot read ${dir}: ${(err as Error).message}`);
  }
  return entries
    .filter((f) => f.endsWith('.test.ts') && !f.split('/').includes('node_modules') && !f.split('/').includes('fixtures'))
    .map((f) => join(dir, f));
}

/** Every test file of the repository: test/ and apps/<app>/test/. */
export function allTestFiles(root: string): string[] {
  let apps: string[];
  try {
    apps = readdirSync(join(root, 'apps'));
  } catch (err) {
    throw new Error(`test: cannot read apps/: ${(err as Error).message}`);
  }
  return [...testFilesIn(root, 'test'), ...apps.flatMap((a) => testFilesIn(root, `apps/${a}/test`))].sort();
}

/** What a file took when it last ran: wall and CPU milliseconds (scripts/test.ts records them). */
export interface Duration {
  readonly ms: number;
  readonly cpuMs: number;
}

/**
 * The durations recorded by earlier runs (node_modules/.cache/marquee/test-durations.json), by
 * file. They only order the files and share the cores out (`schedule`): a file that changed, or
 * one never run here, is still run; a wrong figure costs time, never a result.
 */
export function readDurations(file = cacheFile('test-durations.json')): Record<string, Duration> {
  try {
    const d = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Duration>;
    return Object.fromEntries(Object.entries(d).filter(([, v]) => v && Number.isFinite(v.ms) && v.ms > 0 && Number.isFinite(v.cpuMs) && v.cpuMs >= 0));
  } catch {
    return {};
  }
}

/** Record this run's durations, keeping those of files it did not run. */
export function saveDurations(results: readonly Pick<Result, 'file' | 'ms' | 'cpuMs'>[], file = cacheFile('test-durations.json')): void {
  const all: Record<string, Duration> = { ...readDurations(file) };
  for (const r of results) all[r.file] = { ms: r.ms, cpuMs: r.cpuMs };
  try {
    writeAtomic(file, JSON.stringify(all, null, 1));
  } catch {
    /* a read-only cache: the next run orders by the time limits */
  }
}

/** A file's expected wall time: its recorded one, else a third of its limit (longer limits for longer files). */
export const expectedMs = (file: string, d: Record<string, Duration>): number => d[file]?.ms ?? timeoutOf(file) / 3;

/**
 * How much of a core a file keeps busy while it runs: half for a file that needs a server,
 * browser or Debian tool (it waits for them much of the time), a whole one for the rest. By
 * what a file needs rather than by its recorded CPU over wall time: on a shared machine that
 * ratio says how much a file got, not how much it wanted.
 */
export const coresOf = (file: string): number => (needsOf(file).length ? 0.5 : 1);

/** The pooled files, longest expected first (so the longest one does not start last and end the run alone). */
export const longestFirst = (files: readonly string[], d: Record<string, Duration>): string[] =>
  [...files].sort((a, b) => expectedMs(b, d) - expectedMs(a, d) || a.localeCompare(b));

/**
 * Run `files` in order, starting the next one whenever the cores the running ones keep busy
 * (coresOf), with the next one's, stay within `budget`, and at most `maxAtOnce` files run.
 * The first file of the queue always starts when nothing runs (no file waits for ever).
 */
export async function schedule<T>(files: readonly string[], run: (file: string) => Promise<T>, o: { budget: number; maxAtOnce: number; cores: (file: string) => number }): Promise<void> {
  const queue = [...files];
  const running = new Map<string, number>();
  await new Promise<void>((resolve, reject) => {
    const used = () => [...running.values()].reduce((a, b) => a + b, 0);
    const fill = () => {
      while (queue.length && running.size < o.maxAtOnce && (running.size === 0 || used() + o.cores(queue[0]!) <= o.budget + 1e-9)) {
        const f = queue.shift()!;
        running.set(f, o.cores(f));
        run(f).then(
          () => {
            running.delete(f);
            fill();
          },
          reject,
        );
      }
      if (!queue.length && !running.size) resolve();
    };
    fill();
  });
}

export interface Result {
  file: string;
  ms: number;
  /** CPU seconds of the file's process and the children it waited for (see reapedCpuMs) */
  cpuMs: number;
  ok: boolean;
  timedOut: boolean;
  counts: Record<'tests' | 'pass' | 'fail' | 'cancelled' | 'skipped' | 'todo', number>;
  output: string;
}

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

/**
 * CPU milliseconds of every child this process has reaped so far, with what they reaped in turn
 * (cutime + cstime in /proc/self/stat, proc(5)). Read at each child's exit, the step since the
 * last read is that child's CPU; two children reaped in the same event-loop turn share one step.
 */
let lastReaped = 0;
function reapedCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is the state (stat field 3): cutime and cstime are fields 16 and 17
    const ticks = Number(fields[13]) + Number(fields[14]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return 0;
  }
}
export function cpuStep(): number {
  const now = reapedCpuMs();
  const step = now - lastReaped;
  lastReaped = now;
  return step;
}

/**
 * Run one test file in its own process group (`node --import tsx <file>`, spec reporter) and
 * kill the group past `timeoutMs`, which also ends whatever the file left running (servers,
 * brokers, browsers). The file runs as node's entry point, not under `node --test`: that
 * would start a second Node with tsx's loader per file only to spawn this one and relay its
 * report (node 20 ignores --test-timeout outside --test, so the group kill is the limit).
 */
export function runTestFile(root: string, file: string, o: { timeoutMs: number; args?: readonly string[]; env?: Record<string, string> }): Promise<Result> {
  const start = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test-reporter=spec', ...(o.args ?? []), file], {
      cwd: root,
      // NODE_TEST_CONTEXT (set when this runs inside a test) would make the file report to us.
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so a kill also ends what the file started
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d));
    child.stderr!.on('data', (d: Buffer) => (output += d));
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is already gone
      }
    };
    let timedOut = false;
    let cpuMs = 0;
    child.on('exit', () => (cpuMs = cpuStep()));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, o.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Whatever the file left running in its group (a server it forgot to close) goes too.
      killGroup();
      const text = plain(output);
      const count = (k: string) => Number(new RegExp(`^\\S* ?${k} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
      const counts = { tests: count('tests'), pass: count('pass'), fail: count('fail'), cancelled: count('cancelled'), skipped: count('skipped'), todo: count('todo') };
      if (timedOut) {
        const running = [...text.matchAll(/^\s*▶ (.+)$/gm)].at(-1)?.[1];
        output += `\ntest: ${file} killed after ${o.timeoutMs / 1000} s (its time limit in scripts/test-plan.ts)${running ? `; it was in: ${running}` : ''}\n`;
      }
      const ok = !timedOut && code === 0 && counts.fail === 0 && counts.cancelled === 0 && counts.tests > 0;
      if (!ok && !timedOut && counts.fail === 0) output += `\ntest: ${file} exited with ${code ?? signal} after ${counts.tests} test(s)\n`;
      resolve({ file, ms: Date.now() - start, cpuMs, ok, timedOut, counts, output });
    });
  });
}

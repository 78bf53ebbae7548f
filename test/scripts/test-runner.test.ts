// The test runner itself (scripts/test.ts, test-plan.ts, test-setup.mjs): it stops on a test
// directory it cannot read, kills a hung file with everything it started and names the test,
// knows what every file needs, and a missing Debian tool stops it within seconds naming the
// apt-get command instead of failing (or hanging) inside the tests.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { allTestFiles, coresOf, exclusive, integration, longestFirst, needs, needsOf, readDurations, runTestFile, saveDurations, schedule, testFilesIn, timeouts } from '../../scripts/test-plan.ts';
import { check, tools } from '../../scripts/test-setup.mjs';
import { waitFor } from '@marquee/kit/testing';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'marquee-runner-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('test runner', () => {
  it('fails on a test directory it cannot read instead of finding no files', () => {
    writeFileSync(join(tmp, 'test'), 'a file where a directory should be');
    assert.throws(() => testFilesIn(tmp, 'test'), /test: cannot read test: not a directory/);
    assert.deepEqual(testFilesIn(tmp, 'absent'), [], 'an app without a test/ directory has no tests');
    if (process.getuid?.() === 0) {
      // Permissions do not stop root: read it as nobody, as a normal user would.
      const dir = join(tmp, 'locked');
      mkdirSync(join(dir, 'test'), { recursive: true });
      chmodSync(tmp, 0o755);
      chmodSync(join(dir, 'test'), 0o000);
      const plan = new URL('../../scripts/test-plan.ts', import.meta.url).href;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', `import(${JSON.stringify(plan)}).then((m) => m.testFilesIn(${JSON.stringify(dir)}, 'test'))`], {
        cwd: root,
        uid: 65534,
        gid: 65534,
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.notEqual(r.status, 0, r.stdout);
      assert.match(r.stderr, /test: cannot read test: EACCES/);
    }
  });

  it('counts the CPU a file spent, with the children it waited for', { timeout: 60_000 }, async () => {
    const dir = join(tmp, 'cpu');
    mkdirSync(dir, { recursive: true });
    // 600 ms of CPU in a child the test waits for: the file's own process costs less than that alone
    writeFileSync(
      join(dir, 'burn.test.ts'),
      `import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
test('burns CPU in a child', () => {
  execFileSync(process.execPath, ['-e', 'const t = process.cpuUsage(); while ((process.cpuUsage(t).user) < 600_000);']);
});
`,
    );
    const r = await runTestFile(root, join(dir, 'burn.test.ts'), { timeoutMs: 50_000 });
    assert.equal(r.ok, true, r.output);
    assert.ok(r.cpuMs >= 600, `counted ${r.cpuMs} ms of CPU for a file whose child alone spent 600 ms`);
    assert.ok(r.cpuMs < 60_000, `counted ${r.cpuMs} ms of CPU`);
  });

  it('fails a file that hangs at its time limit, and ends the servers it left running', { timeout: 60_000 }, async () => {
    const dir = join(tmp, 'hang');
    mkdirSync(dir, { recursive: true });
    const portFile = join(dir, 'port');
    const server = join(dir, 'server.cjs');
    writeFileSync(server, `const s = require('net').createServer().listen(0, '127.0.0.1', () => require('fs').writeFileSync(${JSON.stringify(portFile)}, String(s.address().port)));\n`);
    writeFileSync(
      join(dir, 'hang.test.ts'),
      `import { test } from 'node:test';
import { createServer } from 'node:net';
import { spawn } from 'node:child_process';
test('waits for a message that never comes', async () => {
  // a server in the test process and one in a grandchild, never closed: what a forgotten server looks like
  createServer().listen(0, '127.0.0.1');
  spawn(process.execPath, [${JSON.stringify(server)}], { stdio: 'ignore' });
  await new Promise(() => {});
});
`,
    );
    const r = await runTestFile(root, join(dir, 'hang.test.ts'), { timeoutMs: 8000 });
    assert.equal(r.ok, false, r.output);
    assert.ok(r.ms < 20_000, `took ${r.ms} ms`);
    // the file runs as node's entry point (no node --test around it): the group kill is its limit
    assert.match(r.output, /killed after 8 s/);
    const port = Number(readFileSync(portFile, 'utf8'));
    const { connect } = await import('node:net');
    const refused = () =>
      new Promise<boolean>((resolve) => {
        const s = connect(port, '127.0.0.1');
        s.once('connect', () => (s.destroy(), resolve(false)));
        s.once('error', () => resolve(true));
      });
    // SIGKILL is delivered at once, but a loaded machine may take a moment to reap the
    // process and close its socket: allow 3 s; a server left running listens throughout.
    const gone = await waitFor('the hung file\'s grandchild server to be gone', async () => (await refused()) || undefined, { timeoutMs: 3000, intervalMs: 100 }).catch(() => false);
    assert.ok(gone, `the server the hung file started still listens on ${port}`);
  });

  it('the plan names only files that exist, and every needs entry matches a file', () => {
    const files = allTestFiles(root);
    assert.ok(files.length > 50, `${files.length} test files`);
    for (const f of [...exclusive, ...integration, ...Object.keys(timeouts)]) assert.ok(files.includes(f), `scripts/test-plan.ts names ${f}, which is not a test file`);
    for (const [prefix] of needs) assert.ok(files.some((f) => f.startsWith(prefix)), `scripts/test-plan.ts: needs entry ${prefix} matches no test file`);
    for (const f of files) for (const n of needsOf(f)) assert.ok(n in tools || n === 'postgresql' || n === 'rabbitmq', `${f} needs ${n}, which test-setup.mjs does not know`);
    // The unit set is what the inner loop runs: no service, browser or nginx test in it.
    for (const f of files.filter((x) => /^apps\/(billing|inventory|api-gateway)\/|^test\/(e2e|bench|data)\/|nginx/.test(x))) assert.ok(needsOf(f).length, `${f} is classed as a unit test`);
  });

  it('a missing tool is named with the exact install command', async () => {
    const s = await check(['nginx', 'wrk', 'promtool', 'postgresql'], { which: (bin) => (bin === '/usr/sbin/nginx' || bin === 'promtool' ? undefined : bin), listening: async () => true });
    assert.deepEqual(s.missingTools, ['nginx', 'promtool']);
    assert.equal(s.install, 'sudo apt-get update && sudo apt-get install -y --no-install-recommends nginx-light prometheus');
    assert.deepEqual(s.downServers, []);
    const down = await check(['rabbitmq'], { which: (b) => b, listening: async () => false });
    assert.deepEqual(down.downServers, ['rabbitmq']);
  });

  it('with nginx hidden, npm test stops within seconds naming the command (never hangs in the nginx test)', { timeout: 60_000 }, () => {
    // A private mount namespace hides /usr/sbin/nginx for this child only (root, as CI runs).
    if (process.getuid?.() !== 0) return; // the check() case above covers the message without root
    const empty = join(tmp, 'not-nginx');
    writeFileSync(empty, '', { mode: 0o644 });
    const t0 = Date.now();
    const r = spawnSync('unshare', ['--mount', 'sh', '-c', `mount --bind ${empty} /usr/sbin/nginx && exec "$0" --import tsx scripts/test.ts test/generators/nginx.test.ts`, process.execPath], {
      cwd: root,
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, TEST_SETUP: 'check' },
      encoding: 'utf8',
      timeout: 45_000,
    });
    const secs = (Date.now() - t0) / 1000;
    assert.equal(r.status, 3, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /missing nginx .*\n {2}install them with: {2}sudo apt-get update && sudo apt-get install -y --no-install-recommends nginx-light/);
    assert.ok(secs < 20, `took ${secs} s`);
  });

  it('the nginx test file itself fails and exits when nginx is missing (it used to hang for good)', { timeout: 120_000 }, () => {
    if (process.getuid?.() !== 0) return; // needs a mount namespace to hide /usr/sbin/nginx
    const empty = join(tmp, 'not-nginx-2');
    writeFileSync(empty, '', { mode: 0o644 });
    const r = spawnSync('unshare', ['--mount', 'sh', '-c', `mount --bind ${empty} /usr/sbin/nginx && exec "$0" --import tsx --test --test-reporter=dot test/generators/nginx.test.ts`, process.execPath], {
      cwd: root,
      env: { ...process.env, NODE_TEST_CONTEXT: undefined },
      encoding: 'utf8',
      timeout: 90_000,
    });
    assert.equal(r.error, undefined, `still running after 90 s: something the file started kept it alive (${r.error?.message})`);
    assert.notEqual(r.status, 0, 'the nginx tests cannot pass without nginx');
    assert.match(r.stdout, /\/usr\/sbin\/nginx: Permission denied/, 'failed for the hidden nginx, not something else');
  });
});

describe('scheduling by recorded durations', () => {
  it('starts the longest files first: recorded wall time, else a third of the time limit', () => {
    const d = { 'a.test.ts': { ms: 5_000, cpuMs: 5_000 }, 'b.test.ts': { ms: 90_000, cpuMs: 10_000 } };
    // c has no record and the default limit (180 s): expected 60 s, between b and a
    assert.deepEqual(longestFirst(['a.test.ts', 'c.test.ts', 'b.test.ts'], d), ['b.test.ts', 'c.test.ts', 'a.test.ts']);
    assert.equal(coresOf('apps/billing/test/worker.test.ts'), 0.5, 'a file that waits for its servers counts as half a core');
    assert.equal(coresOf('test/scripts/kustomize/render.test.ts'), 1);
  });

  it('records durations across runs and reads a missing or damaged record as none', () => {
    const file = join(tmp, 'durations.json');
    assert.deepEqual(readDurations(file), {});
    saveDurations([{ file: 'x.test.ts', ms: 1_000, cpuMs: 400 }], file);
    saveDurations([{ file: 'y.test.ts', ms: 2_000, cpuMs: 2_000 }], file);
    assert.deepEqual(readDurations(file), { 'x.test.ts': { ms: 1_000, cpuMs: 400 }, 'y.test.ts': { ms: 2_000, cpuMs: 2_000 } });
    writeFileSync(file, '{"x.test.ts": {"ms": -1, "cpuMs": 3}, "y.test.ts": 7');
    assert.deepEqual(readDurations(file), {});
    writeFileSync(file, '{"x.test.ts": {"ms": -1, "cpuMs": 3}, "y.test.ts": {"ms": 10, "cpuMs": 1}}');
    assert.deepEqual(readDurations(file), { 'y.test.ts': { ms: 10, cpuMs: 1 } }, 'a nonsensical entry is dropped');
  });

  it('keeps the running files within the core budget and the file cap, and runs every file once', async () => {
    const cores: Record<string, number> = { a: 1, b: 1, c: 0.25, d: 0.25, e: 0.25, f: 1, g: 0.25 };
    const running = new Set<string>();
    const ran: string[] = [];
    let peakFiles = 0;
    let peakCores = 0;
    await schedule(
      Object.keys(cores),
      async (f) => {
        running.add(f);
        peakFiles = Math.max(peakFiles, running.size);
        peakCores = Math.max(peakCores, [...running].reduce((n, x) => n + cores[x]!, 0));
        await new Promise((r) => setTimeout(r, 5));
        running.delete(f);
        ran.push(f);
      },
      { budget: 2.5, maxAtOnce: 4, cores: (f) => cores[f]! },
    );
    assert.deepEqual([...ran].sort(), Object.keys(cores));
    assert.ok(peakCores <= 2.5, `ran ${peakCores} cores' worth at once`);
    assert.equal(peakFiles, 4, 'the waiting files fill the budget up to the cap');
    // a file heavier than the whole budget still runs (alone)
    const alone: string[] = [];
    await schedule(['big'], async (f) => void alone.push(f), { budget: 0.5, maxAtOnce: 1, cores: () => 1 });
    assert.deepEqual(alone, ['big']);
  });
});

describe('Node version', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { engines?: { node?: string } | string[] }> };
  /** The lowest Node major a range admits: "^20.19.0 || ^22.12.0 || >=23" → 20, ">=22" → 22. */
  const major = (range: string) => Math.min(...range.split('||').map((alt) => Number(/^\s*[>=^~v ]*(\d+)/.exec(alt)?.[1] ?? 0)));

  it('engines names at least the Node every installed dependency declares', () => {
    let need = 0;
    const who: string[] = [];
    for (const [path, p] of Object.entries(lock.packages)) {
      const range = !Array.isArray(p.engines) ? p.engines?.node : undefined;
      if (!path || !range) continue;
      const m = major(range);
      if (m > need) (need = m), (who.length = 0);
      if (m === need) who.push(path.replace(/^.*node_modules\//, ''));
    }
    assert.ok(major(pkg.engines.node) >= need, `package.json engines.node is "${pkg.engines.node}" but ${who.join(', ')} declare node >= ${need}`);
  });

  it('the README and the images name the same Node', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const m = major(pkg.engines.node);
    assert.match(readme, new RegExp(`Node ≥ ${m}\\b`), `README.md should say Node ≥ ${m}`);
    assert.match(readFileSync(join(root, 'apps/node.Dockerfile'), 'utf8'), new RegExp(`FROM node:${m}\\.`), 'apps/node.Dockerfile');
  });
});

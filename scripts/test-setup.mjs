// node scripts/test-setup.mjs [need…] — make this machine able to run the tests: the Debian
// tools they drive (nginx, wrk, promtool/amtool, prometheus/alertmanager, chromium, pg_dump,
// rabbitmqctl) and the local PostgreSQL and RabbitMQ. The one set-up both `npm test` (through
// scripts/test.ts, with only what the selected test files need) and `.ci/run` use, so they
// cannot drift. As root it installs what is missing with apt-get and starts a stopped server;
// otherwise (or with TEST_SETUP=check) it stops within seconds naming the exact command.
// JavaScript with no dependencies: `.ci/run` runs it before `npm ci`.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Tools the tests run, at the path they run them from (Debian's), and the package providing each.
 * `bin` without a slash is looked up on PATH.
 */
export const tools = {
  nginx: { bin: '/usr/sbin/nginx', pkg: 'nginx-light', why: 'the generated nginx.conf tests and the end-to-end test' },
  wrk: { bin: '/usr/bin/wrk', pkg: 'wrk', why: 'the load benchmark test' },
  promtool: { bin: 'promtool', pkg: 'prometheus', why: 'rule and config checks, promtool test rules' },
  prometheus: { bin: '/usr/bin/prometheus', pkg: 'prometheus', why: 'the monitoring end-to-end test' },
  amtool: { bin: 'amtool', pkg: 'prometheus-alertmanager', why: 'Alertmanager routing tests' },
  alertmanager: { bin: '/usr/bin/prometheus-alertmanager', pkg: 'prometheus-alertmanager', why: 'Alertmanager tests' },
  chromium: { bin: '/usr/bin/chromium', pkg: 'chromium', why: 'the storefront end-to-end test and the report test' },
  pg_dump: { bin: 'pg_dump', pkg: 'postgresql-client', why: 'backup/restore and bootstrap tests' },
  psql: { bin: 'psql', pkg: 'postgresql-client', why: 'backup/restore and bootstrap tests' },
  rabbitmqctl: { bin: 'rabbitmqctl', pkg: 'rabbitmq-server', why: 'per-test vhosts and the broker definitions test' },
  'rabbitmq-server': { bin: 'rabbitmq-server', pkg: 'rabbitmq-server', why: 'the broker-crash test starts its own RabbitMQ node' },
  unshare: { bin: 'unshare', pkg: 'util-linux', why: 'the nginx test resolves upstream names in its own mount namespace' },
  'g++': { bin: 'g++', pkg: 'g++', why: "npm ci builds native/ (files mode's YAML reader and first-pass scanner) with it; the reader's sanitizer test builds it again" },
  make: { bin: 'make', pkg: 'make', why: 'node-gyp builds native/ with it' },
};

/** The C++ addons npm ci builds (native/*): the tests of them, and of files mode, need them built. */
export const nativeAddons = {
  'native/yaml-block': 'native/yaml-block/build/Release/yaml_block.node',
  'native/files-scan': 'native/files-scan/build/Release/files_scan.node',
};

/**
 * Build the C++ addons when `npm ci` could not (no compiler then: their install scripts warn and go on), once setup()
 * has installed the compiler (npm test does, for the tests that need them). Returns an exit code (0 built, 3 not).
 */
export function buildNative(repo) {
  for (const [workspace, addon] of Object.entries(nativeAddons)) {
    if (existsSync(join(repo, addon))) continue;
    try {
      run(['npm', 'rebuild', '--workspace', workspace], `building ${workspace}`, repo);
    } catch (err) {
      console.error(err.message);
    }
    if (existsSync(join(repo, addon))) continue;
    console.error(`test-setup: ${addon} is not built: install g++ and make, then run npm ci`);
    return 3;
  }
  return 0;
}

/** Local servers the tests use (shared: never stopped by a test), and how to start each. */
export const servers = {
  postgresql: { port: 5432, start: () => ['pg_ctlcluster', '--skip-systemctl-redirect', pgVersion(), 'main', 'start'] },
  rabbitmq: { port: 5672, start: () => ['rabbitmq-server', '-detached'] },
};

function pgVersion() {
  const dir = '/etc/postgresql';
  const v = existsSync(dir) ? readdirSync(dir).sort().at(-1) : undefined;
  return v ?? '15';
}

/** The executable `bin` (an absolute path, or a name looked up on PATH), else undefined. */
export function which(bin, path = process.env.PATH ?? '') {
  for (const dir of bin.includes('/') ? [''] : path.split(delimiter).filter(Boolean)) {
    const f = dir ? join(dir, bin) : bin;
    try {
      accessSync(f, constants.X_OK);
      return f;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Whether something accepts TCP connections on 127.0.0.1:port within `ms`. */
export function listening(port, ms = 1000) {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    const done = (ok) => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), ms);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * What is missing for `needs` (tool and server names) and the command that provides it.
 * Pure apart from `which`/`up`, which callers and tests may replace.
 */
export async function check(needs, o = {}) {
  const find = o.which ?? which;
  const up = o.listening ?? listening;
  const unknown = needs.filter((n) => !(n in tools) && !(n in servers));
  if (unknown.length) throw new Error(`test-setup: unknown need(s) ${unknown.join(', ')}; known: ${[...Object.keys(tools), ...Object.keys(servers)].join(', ')}`);
  const missingTools = needs.filter((n) => n in tools && !find(tools[n].bin));
  const packages = [...new Set(missingTools.map((t) => tools[t].pkg))].sort();
  const downServers = [];
  for (const n of needs) if (n in servers && !(await up(servers[n].port))) downServers.push(n);
  return {
    missingTools,
    packages,
    downServers,
    install: packages.length ? `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages.join(' ')}` : undefined,
  };
}

function run(argv, what, cwd = undefined) {
  console.error(`test-setup: ${argv.join(' ')}`);
  const r = spawnSync(argv[0], argv.slice(1), { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 15 * 60_000 });
  if (r.status !== 0) throw new Error(`test-setup: ${what} failed (${r.error?.message ?? `exit ${r.status}`}): ${argv.join(' ')}`);
}

async function waitListening(name, port, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await listening(port)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`test-setup: timed out after ${ms / 1000} s waiting for ${name} to listen on 127.0.0.1:${port}`);
}

/** Ensure `needs`; returns an exit code (0 ready, 3 not ready: the message names the fix). */
export async function setup(needs, o = {}) {
  const mode = o.mode ?? process.env.TEST_SETUP ?? 'auto';
  const root = o.root ?? process.getuid?.() === 0;
  const state = await check(needs);
  const canInstall = mode !== 'check' && root && which('apt-get');
  if (state.packages.length && canInstall) {
    console.error(`test-setup: installing ${state.packages.join(' ')} (for ${state.missingTools.join(', ')})`);
    run(['apt-get', 'update', '-qq'], 'apt-get update');
    run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...state.packages], 'apt-get install');
  }
  if (state.downServers.length && mode !== 'check' && root) {
    for (const s of state.downServers) {
      console.error(`test-setup: starting ${s}`);
      run(servers[s].start(), `starting ${s}`);
      await waitListening(s, servers[s].port, 90_000);
    }
  }
  const after = await check(needs);
  const problems = [];
  if (after.missingTools.length)
    problems.push(
      `missing ${after.missingTools.map((t) => `${t} (${tools[t].why})`).join(', ')}\n  install them with:  ${after.install}`,
    );
  for (const s of after.downServers)
    problems.push(`${s} is not listening on 127.0.0.1:${servers[s].port}\n  start it with:  sudo ${servers[s].start().join(' ')}`);
  if (!problems.length) return 0;
  console.error(`test-setup: the tests cannot run yet:\n- ${problems.join('\n- ')}\n(as root, npm test and .ci/run do this themselves; TEST_SETUP=check only reports)`);
  return 3;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const needs = args.length ? args : [...Object.keys(tools), ...Object.keys(servers)];
  try {
    process.exit(await setup(needs));
  } catch (err) {
    console.error(err.message);
    process.exit(3);
  }
}

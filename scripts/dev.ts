// npm run dev: migrate, then run every service that exists on localhost against the local
// PostgreSQL (DATABASE_URL) and RabbitMQ (AMQP_URL), print the URLs, stop all on Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { $ } from 'zx';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { envVars, probes, services, shutdown, type ServiceName } from '@marquee/contract';
import { databaseUrlFor, loadConfigOrExit } from '@marquee/kit';

const root = fileURLToPath(new URL('..', import.meta.url));
const amqpUrl = process.env[envVars.amqpUrl] || 'amqp://guest:guest@127.0.0.1:5672';
const local = (s: ServiceName) => `http://127.0.0.1:${services[s].port}`;
const colors = [36, 33, 35, 32, 34];

const migrated = await $({ cwd: root, stdio: 'inherit', nothrow: true })`${process.execPath} --import tsx scripts/migrate.ts`;
if (migrated.exitCode !== 0) process.exit(migrated.exitCode ?? 1);

const dbUrls = loadConfigOrExit(() => ({ inventory: databaseUrlFor('inventory'), billing: databaseUrlFor('billing') }));
const running = new Map<ServiceName, ChildProcess>();
let stopping = false;

function envFor(name: ServiceName): NodeJS.ProcessEnv {
  const facts = services[name];
  return {
    ...process.env,
    [envVars.port]: String(facts.port),
    [envVars.appEnv]: 'local',
    [envVars.logLevel]: process.env[envVars.logLevel] || 'info',
    [envVars.amqpUrl]: amqpUrl,
    [envVars.inventoryUrl]: local('inventory'),
    [envVars.billingUrl]: local('billing-api'),
    [envVars.gatewayUrl]: local('api-gateway'),
    ...(facts.database ? { [envVars.databaseUrl]: dbUrls[facts.database] } : {}),
  };
}

function start(name: ServiceName, color: number): void {
  const child = spawn(process.execPath, ['--import', 'tsx', services[name].entry], {
    cwd: root,
    env: envFor(name),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: Ctrl-C reaches only this script, which then sends each child one SIGTERM
    // (a second signal would make close-with-grace exit at once).
    detached: true,
  });
  const tag = `\x1b[${color}m${name.padEnd(14)}\x1b[0m| `;
  const prefix = (chunk: Buffer) =>
    process.stdout.write(
      String(chunk)
        .split('\n')
        .filter(Boolean)
        .map((l) => tag + l + '\n')
        .join(''),
    );
  child.stdout!.on('data', prefix);
  child.stderr!.on('data', prefix);
  child.on('exit', (code, signal) => {
    running.delete(name);
    if (!stopping) {
      console.error(`dev: ${name} exited (${signal ?? code}); stopping everything`);
      void stopAll(1);
    }
  });
  running.set(name, child);
}

async function ready(name: ServiceName, timeoutMs = 30_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && running.has(name)) {
    try {
      const r = await fetch(`${local(name)}${probes.readiness}`);
      if (r.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\ndev: stopping ${[...running.keys()].join(', ') || 'nothing'}`);
  const exits = [...running.values()].map((c) => new Promise((r) => c.once('exit', r)));
  for (const c of running.values()) c.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const c of running.values()) c.kill('SIGKILL');
  }, (shutdown.drainSeconds + 2) * 1000);
  await Promise.all(exits);
  clearTimeout(timer);
  console.log('dev: all stopped');
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
process.on('SIGHUP', () => void stopAll(0));
// Last resort if this script dies some other way: no orphaned services holding the ports.
process.on('exit', () => {
  for (const c of running.values()) c.kill('SIGKILL');
});

const order: ServiceName[] = ['inventory', 'billing-api', 'billing-worker', 'api-gateway', 'web'];
const present = order.filter((s) => existsSync(`${root}/${services[s].entry}`));
const missing = order.filter((s) => !present.includes(s));
present.forEach((s, i) => start(s, colors[i % colors.length]!));

const results = await Promise.all(present.map(async (s) => [s, await ready(s)] as const));
if (stopping) await new Promise(() => {});
console.log('\ndev: services');
for (const [s, ok] of results) console.log(`  ${s.padEnd(15)} ${local(s).padEnd(24)} ${ok ? 'ready' : 'NOT READY (see its log above)'}`);
for (const s of missing) console.log(`  ${s.padEnd(15)} (not started: ${services[s].entry} does not exist yet)`);
console.log(`\n  storefront  ${local('web')}\n  API         ${local('api-gateway')}/api/movies\n\ndev: Ctrl-C stops everything`);

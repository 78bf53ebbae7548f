// The real marquee stack on this machine for end-to-end tests: inventory, billing API and
// worker, gateway and the web dev server as child processes running their own server.ts
// (the contract's `entry`), on free ports, against throwaway PostgreSQL databases
// (migrated, seeded) and a throwaway RabbitMQ vhost, all removed by stop().
// Nothing here is mocked; a service that fails to start fails the test with its log.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { envVars, probes, services, type ServiceName } from '@marquee/contract';
import { migrate, type LogLevel } from '@marquee/kit';
import { createTestDatabase, freePort, type TestDatabase } from '@marquee/kit/testing';

const root = fileURLToPath(new URL('../../../', import.meta.url));
/** Start order: dependencies first. */
export const stackOrder: ServiceName[] = ['inventory', 'billing-api', 'billing-worker', 'api-gateway', 'web'];

/** Entries (server.ts files) the contract names that do not exist yet; empty when the stack is complete. */
export function missingEntries(): string[] {
  return stackOrder.map((s) => services[s].entry).filter((e, i, all) => all.indexOf(e) === i && !existsSync(`${root}/${e}`));
}

export interface Stack {
  /** Base URL of each service, e.g. urls['api-gateway'] = http://127.0.0.1:41234 */
  readonly urls: Readonly<Record<ServiceName, string>>;
  /** Everything a service printed (stdout + stderr), for failure messages. */
  log(name: ServiceName): string;
  stop(): Promise<void>;
}

/** rabbitmqctl, asynchronously: each call boots an Erlang VM (seconds), so it overlaps the database work. */
function rabbitmqctl(...args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn('rabbitmqctl', ['-q', ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    let out = '';
    c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    c.on('error', reject);
    c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`rabbitmqctl ${args.join(' ')} failed (${code}): ${out.trim()}`))));
  });
}

export interface StackOptions {
  /** @default 60000 */
  readonly readyTimeoutMs?: number;
  /** LOG_LEVEL per service (kit services log each request at debug). @default info */
  readonly logLevels?: Partial<Record<ServiceName, LogLevel>>;
}

export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const id = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const vhost = `marquee_e2e_${id}`;
  const children = new Map<ServiceName, ChildProcess>();
  const logs = new Map<ServiceName, string>();
  const dbs: TestDatabase[] = [];
  let vhostCreated = false;

  const stop = async () => {
    // Reverse order, one SIGTERM each (close-with-grace drains), SIGKILL after 15 s.
    for (const name of [...stackOrder].reverse()) {
      const c = children.get(name);
      if (!c || c.exitCode !== null || c.signalCode !== null) continue;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      const killer = setTimeout(() => c.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
    for (const db of dbs) await db.drop().catch(() => {});
    // Best effort: the vhost name is unique, and its consumers are gone.
    if (vhostCreated) await rabbitmqctl('delete_vhost', vhost).catch(() => {});
  };

  try {
    const broker = (async () => {
      await rabbitmqctl('add_vhost', vhost);
      vhostCreated = true;
      await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
    })();
    const inventoryDb = await createTestDatabase('e2e_inventory');
    dbs.push(inventoryDb);
    const billingDb = await createTestDatabase('e2e_billing');
    dbs.push(billingDb);
    const { migrationsDir: inventoryMigrations, seedMovies } = await import('@marquee/inventory');
    const { migrationsDir: billingMigrations } = await import('@marquee/billing');
    await Promise.all([
      migrate({ database: 'inventory', dir: inventoryMigrations, connectionString: inventoryDb.url }).then(async () => {
        const pool = new pg.Pool({ connectionString: inventoryDb.url, max: 1 });
        await seedMovies(pool).finally(() => pool.end());
      }),
      migrate({ database: 'billing', dir: billingMigrations, connectionString: billingDb.url }),
    ]);
    await broker;
    const amqpUrl = `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`;

    const ports = Object.fromEntries(await Promise.all(stackOrder.map(async (s) => [s, await freePort()] as const))) as Record<ServiceName, number>;
    const urls = Object.fromEntries(stackOrder.map((s) => [s, `http://127.0.0.1:${ports[s]}`])) as Record<ServiceName, string>;

    const envFor = (name: ServiceName): NodeJS.ProcessEnv => {
      const facts = services[name];
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test' };
      Object.assign(env, {
        [envVars.port]: String(ports[name]),
        [envVars.appEnv]: 'e2e',
        [envVars.logLevel]: o.logLevels?.[name] ?? 'info',
        [envVars.amqpUrl]: amqpUrl,
        [envVars.inventoryUrl]: urls.inventory,
        [envVars.billingUrl]: urls['billing-api'],
        [envVars.gatewayUrl]: urls['api-gateway'],
      });
      if (facts.database) env[envVars.databaseUrl] = facts.database === 'inventory' ? inventoryDb.url : billingDb.url;
      return env;
    };

    const missing = missingEntries();
    if (missing.length) throw new Error(`stack: not built yet: ${missing.join(', ')}`);
    for (const name of stackOrder) {
      const child = spawn(process.execPath, ['--import', 'tsx', services[name].entry], {
        cwd: root,
        env: envFor(name),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      logs.set(name, '');
      const append = (d: Buffer) => logs.set(name, (logs.get(name)! + d.toString()).slice(-500_000));
      child.stdout!.on('data', append);
      child.stderr!.on('data', append);
      children.set(name, child);
    }

    const deadline = Date.now() + (o.readyTimeoutMs ?? 60_000);
    const waitReady = async (name: ServiceName) => {
      const child = children.get(name)!;
      let last = 'no answer';
      while (Date.now() < deadline) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`stack: ${name} exited (${child.signalCode ?? child.exitCode}) before it was ready:\n${logs.get(name)}`);
        }
        try {
          const res = await fetch(`${urls[name]}${probes.readiness}`);
          if (res.ok) return;
          last = `${res.status} ${await res.text()}`;
        } catch (err) {
          last = (err as Error).message;
        }
        await sleep(200);
      }
      throw new Error(`stack: ${name} not ready after ${o.readyTimeoutMs ?? 60_000} ms (last /readyz: ${last}):\n${logs.get(name)}`);
    };
    await Promise.all(stackOrder.map(waitReady));
    return { urls, log: (n) => logs.get(n) ?? '', stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

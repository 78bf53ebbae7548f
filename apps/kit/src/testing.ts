// Test and bench helpers shared by the services: a throwaway database on the local server
// (unique per test file, dropped afterwards: other engineers' tests run at the same time),
// services started as real processes, a kube-proxy-like round-robin TCP balancer, waits that
// name what they waited for, and replayable fuzz seeds.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { databaseUrlFor } from './pg.ts';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix.replace(/[^a-z0-9_]/g, '_')}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = databaseUrlFor('postgres');
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  return {
    name,
    url: databaseUrlFor(name),
    drop: () => run(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
  };
}

/** A pino-compatible log stream that keeps every line, for assertions and failure messages. */
export function captureLogs(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return { stream, lines };
}

export interface TestVhost {
  readonly name: string;
  /** AMQP URL of the vhost on the shared broker, as guest. */
  readonly url: string;
  drop(): Promise<void>;
}

/** A unique vhost on the shared RabbitMQ with full permissions for guest; `drop` deletes it and everything in it. */
export async function createTestVhost(prefix: string): Promise<TestVhost> {
  const { execFile } = await import('node:child_process');
  const rabbitmqctl = (...args: string[]) =>
    new Promise<void>((resolve, reject) =>
      execFile('rabbitmqctl', ['-q', ...args], { timeout: 90_000 }, (err, _out, stderr) =>
        err ? reject(new Error(`rabbitmqctl ${args.join(' ')} failed${err.killed ? ' (timed out after 90 s)' : ''}: ${stderr || err.message}`)) : resolve(),
      ),
    );
  const name = `${prefix}-${process.pid}-${randomBytes(3).toString('hex')}`;
  await rabbitmqctl('add_vhost', name);
  await rabbitmqctl('set_permissions', '-p', name, 'guest', '.*', '.*', '.*');
  return {
    name,
    url: `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(name)}`,
    drop: async () => {
      await rabbitmqctl('delete_vhost', name).catch(() => {});
    },
  };
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

export interface ServiceProcess {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
  /** Everything the process printed (JSON log lines). */
  readonly output: string[];
  /** Polls GET /readyz until 200. */
  ready(timeoutMs?: number): Promise<void>;
  /** Sends the signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Starts a service entry file (e.g. apps/inventory/src/server.ts) as a real process, the way
 * the container does (plus tsx), on its own port. Children are killed if the test process exits.
 */
export function startService(o: {
  name: string;
  entry: string;
  port: number;
  env?: Record<string, string>;
  /** Node arguments instead of `--import tsx <entry>` (e.g. a prebuilt bundle). */
  argv?: string[];
}): ServiceProcess {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const child = spawn(process.execPath, o.argv ?? ['--import', 'tsx', o.entry], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...o.env, PORT: String(o.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const collect = (d: Buffer) => output.push(...String(d).split('\n').filter(Boolean));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  void exited.then(() => process.removeListener('exit', kill));
  const url = `http://127.0.0.1:${o.port}`;
  let done = false;
  void exited.then(() => (done = true));
  return {
    name: o.name,
    port: o.port,
    url,
    child,
    exited,
    output,
    async ready(timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (done) throw new Error(`${o.name} exited before ready:\n${output.slice(-20).join('\n')}`);
        try {
          const r = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
          await r.body?.cancel();
          if (r.status === 200) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${o.name} not ready within ${timeoutMs} ms:\n${output.slice(-20).join('\n')}`);
    },
    async stop(signal = 'SIGTERM') {
      if (!done) child.kill(signal);
      return exited;
    },
  };
}

/**
 * A round-robin TCP load balancer, like kube-proxy in front of a Service: each new connection
 * goes to the next backend in rotation; taking a backend out of rotation leaves its open
 * connections alone (as conntrack does) until either side closes them.
 */
export class RoundRobinProxy {
  readonly backends: number[] = [];
  #next = 0;
  #server: NetServer | undefined;
  readonly #sockets = new Set<Socket>();
  port = 0;

  async start(port = 0): Promise<string> {
    this.#server = createNetServer((client) => {
      client.on('error', () => {});
      if (!this.backends.length) return client.destroy();
      const backend = this.backends[this.#next++ % this.backends.length]!;
      const upstream = connect(backend, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
      }
      upstream.on('error', () => client.destroy());
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.#server!.listen(port, '127.0.0.1', r));
    this.port = (this.#server.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }
  add(port: number): void {
    if (!this.backends.includes(port)) this.backends.push(port);
  }
  remove(port: number): void {
    const i = this.backends.indexOf(port);
    if (i >= 0) this.backends.splice(i, 1);
  }
  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise((r) => this.#server?.close(r));
  }
}

/**
 * Polls `check` until it returns something other than undefined/false, and returns that.
 * Times out with an error naming `what` (and the last error `check` threw): never a bare
 * "timed out", never a fixed sleep in its place.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  o: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= until) {
      const why = last instanceof Error ? ` (last error: ${last.message.split('\n')[0]})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 50));
  }
}

/** Rejects with `timed out after N ms waiting for <what>` unless `p` settles first. */
export async function within<T>(what: string, timeoutMs: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The seed for a fuzz test: FUZZ_SEED when set (to replay a failure), else a fresh one.
 * Put it in the test's name and failure messages so a failing run says how to replay it.
 */
export function fuzzSeed(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FUZZ_SEED;
  if (raw === undefined || raw === '') return randomBytes(4).readUInt32BE() % 1_000_000_000;
  if (!/^\d{1,10}$/.test(raw)) throw new Error(`FUZZ_SEED=${JSON.stringify(raw)}: expected a non-negative integer (the seed a failing run printed)`);
  return Number(raw);
}

/** mulberry32: a small deterministic PRNG in [0, 1), so a fuzz run replays from its seed. */
export function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RabbitNode {
  /** AMQP URL of the node's default vhost "/" as guest. */
  readonly url: string;
  readonly port: number;
  readonly nodename: string;
  /** Everything the node printed, for failure messages. */
  readonly output: string[];
  /** Waits until the node accepts AMQP connections. */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGKILL to the Erlang VM: a crash, no clean shutdown of anything. */
  kill(): Promise<void>;
  /** Starts the node again on the same port and data directory (after kill()). */
  restart(): Promise<void>;
  /** Stops the node and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * A RabbitMQ node of its own (the Debian package's server), for tests that crash the broker:
 * own node name, AMQP and distribution ports, data directory and no plugins (so no management
 * or Prometheus ports), never the shared node on 5672. As root it runs as the `rabbitmq` user,
 * whose Erlang cookie it shares with the CLI tools.
 */
export async function startRabbitNode(prefix: string): Promise<RabbitNode> {
  const { mkdtempSync, chmodSync, chownSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { execFileSync } = await import('node:child_process');
  const id = `${prefix.replace(/[^a-z0-9]/gi, '')}${process.pid}${randomBytes(2).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), `marquee-rabbit-${id}-`));
  const root = process.getuid?.() === 0;
  const user = root ? { uid: Number(execFileSync('id', ['-u', 'rabbitmq'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'rabbitmq'], { encoding: 'utf8' })) } : undefined;
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  if (user) {
    chmodSync(dir, 0o755);
    chownSync(dir, user.uid, user.gid);
    chownSync(join(dir, 'enabled_plugins'), user.uid, user.gid);
  }
  const port = await freePort();
  let distPort = await freePort();
  while (distPort === port) distPort = await freePort();
  const nodename = `${id}@localhost`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: user ? '/var/lib/rabbitmq' : process.env.HOME,
    RABBITMQ_NODENAME: nodename,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_BASE: dir,
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_PID_FILE: join(dir, 'pid'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_LOGS: '-',
  };
  const output: string[] = [];
  let child: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();
  const server = '/usr/lib/rabbitmq/bin/rabbitmq-server';
  const start = () => {
    child = spawn(server, [], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}) });
    const c = child;
    const collect = (d: Buffer) => output.push(...String(d).split('\n').filter(Boolean));
    c.stdout!.on('data', collect);
    c.stderr!.on('data', collect);
    exited = new Promise((r) => c.once('exit', r));
  };
  const kill = () => child?.kill('SIGKILL');
  process.once('exit', kill);
  const url = `amqp://guest:guest@127.0.0.1:${port}/`;
  const vmPid = () => Number(readFileSync(join(dir, 'pid'), 'utf8').trim());
  const node: RabbitNode = {
    url,
    port,
    nodename,
    output,
    async ready(timeoutMs = 120_000) {
      await waitFor(
        `RabbitMQ node ${nodename} to accept AMQP on 127.0.0.1:${port}`,
        () =>
          new Promise<boolean>((resolve, reject) => {
            if (child?.exitCode !== null && child?.exitCode !== undefined) return reject(new Error(`node exited ${child.exitCode}: ${output.slice(-10).join('\n')}`));
            const s = connect(port, '127.0.0.1');
            s.once('connect', () => (s.destroy(), resolve(true)));
            s.once('error', () => resolve(false));
          }),
        { timeoutMs, intervalMs: 250 },
      );
    },
    async kill() {
      // The VM (beam.smp), not the wrapper script: a real crash of the broker.
      let pid: number | undefined;
      try {
        pid = vmPid();
      } catch {
        pid = child?.pid;
      }
      if (pid) process.kill(pid, 'SIGKILL');
      if (child && child.pid !== pid) child.kill('SIGKILL');
      await within(`RabbitMQ node ${nodename} to die after SIGKILL`, 30_000, exited);
      await waitFor(
        `127.0.0.1:${port} to refuse connections after RabbitMQ node ${nodename} was killed`,
        () =>
          new Promise<boolean>((resolve) => {
            const s = connect(port, '127.0.0.1');
            s.once('connect', () => (s.destroy(), resolve(false)));
            s.once('error', () => resolve(true));
          }),
        { timeoutMs: 30_000, intervalMs: 100 },
      );
    },
    async restart() {
      start();
      await node.ready();
    },
    async stop() {
      process.removeListener('exit', kill);
      if (child && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(vmPid(), 'SIGKILL');
        } catch {
          // no pid file yet
        }
        child.kill('SIGKILL');
        await within(`RabbitMQ node ${nodename} to stop`, 30_000, exited).catch(() => {});
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  start();
  return node;
}

export interface PostgresServer {
  readonly port: number;
  /** Connection URL for `database` as the superuser postgres (trust auth, loopback only). */
  url(database: string): string;
  /** pg_ctl stop -m fast: the server goes away as in an outage. */
  stopServer(): Promise<void>;
  /** pg_ctl start on the same port and data directory. */
  startServer(): Promise<void>;
  /** Stops the server and removes its data directory. */
  remove(): Promise<void>;
}

/**
 * A PostgreSQL server of its own (the Debian package's binaries, initdb in a temporary
 * directory, its own port), for tests that take the database away: the shared server on 5432
 * is never stopped. As root it runs as the `postgres` user (PostgreSQL refuses root).
 */
export async function startPostgresServer(prefix: string): Promise<PostgresServer> {
  const { mkdtempSync, chmodSync, chownSync, readdirSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { execFile, execFileSync } = await import('node:child_process');
  const version = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b)).at(-1);
  if (!version) throw new Error('startPostgresServer: no /usr/lib/postgresql/<version>: install postgresql');
  const bin = (name: string) => `/usr/lib/postgresql/${version}/bin/${name}`;
  const dir = mkdtempSync(join(tmpdir(), `marquee-pg-${prefix.replace(/[^a-z0-9]/gi, '')}-`));
  const user =
    process.getuid?.() === 0
      ? { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) }
      : undefined;
  if (user) {
    chmodSync(dir, 0o755);
    chownSync(dir, user.uid, user.gid);
  }
  const data = join(dir, 'data');
  const run = (what: string, file: string, args: string[], timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      execFile(file, args, { cwd: dir, timeout: timeoutMs, ...(user ?? {}) }, (err, stdout, stderr) => {
        if (!err) return resolve();
        let log = '';
        try {
          log = readFileSync(join(dir, 'log'), 'utf8').split('\n').slice(-10).join('\n');
        } catch {
          // no log yet
        }
        reject(new Error(`${what} failed (${err.killed ? `timed out after ${timeoutMs} ms` : err.message.split('\n')[0]}): ${stdout}${stderr}${log}`));
      });
    });
  const port = await freePort();
  await run('initdb', bin('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], 120_000);
  const startServer = () =>
    run(
      `pg_ctl start (port ${port})`,
      bin('pg_ctl'),
      ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '90', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start'],
      100_000,
    );
  const stopServer = () => run(`pg_ctl stop (port ${port})`, bin('pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop'], 70_000);
  let running = false;
  await startServer();
  running = true;
  const kill = () => {
    if (running) execFileSync(bin('pg_ctl'), ['-D', data, '-m', 'immediate', 'stop'], { stdio: 'ignore', ...(user ?? {}) });
  };
  process.once('exit', kill);
  return {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    async stopServer() {
      await stopServer();
      running = false;
    },
    async startServer() {
      await startServer();
      running = true;
    },
    async remove() {
      process.removeListener('exit', kill);
      if (running) await stopServer().catch(() => {});
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

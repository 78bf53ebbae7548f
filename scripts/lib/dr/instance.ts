// One throwaway PostgreSQL server of the machine's Debian PostgreSQL 15 binaries, on its own
// port and data directory: what the drills start, replicate, crash (SIGKILL), promote and restore.
// Every process it starts is recorded by pid so `destroy()` can kill exactly those.
import { execFile } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { freePort } from '@marquee/kit/testing';
import { join } from 'node:path';
import pg from 'pg';

/** Debian's layout; override with PG_BINDIR. */
export const pgBinDir = process.env['PG_BINDIR'] ?? '/usr/lib/postgresql/15/bin';

/** Every wait of the drills, named so a timeout says what it waited for. */
export const drTimeouts = {
  /** initdb, pg_basebackup of a small cluster, pg_ctl promote. */
  commandMs: 120_000,
  /** pg_ctl start -w: the server accepts connections (recovery to the latest point included). */
  startMs: 600_000,
  /** the standby shows up as synchronous in pg_stat_replication. */
  syncStandbyMs: 30_000,
  /** a failed health check is noticed and the standby promoted and reachable. */
  failoverMs: 60_000,
  /** one order request (a commit waiting for a vanished standby must not hang the drill). */
  requestMs: 10_000,
} as const;

export class DrillError extends Error {}

const root = process.getuid?.() === 0;
/** PostgreSQL refuses to run as root: as root, run its binaries as the `postgres` system user. */
function command(bin: string, args: readonly string[]): [string, string[]] {
  const path = join(pgBinDir, bin);
  return root ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, [...args]];
}

export function run(bin: string, args: readonly string[], what: string, timeoutMs: number = drTimeouts.commandMs): Promise<string> {
  const [cmd, argv] = command(bin, args);
  return new Promise((resolve, reject) =>
    execFile(cmd, argv, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const why = (err as { killed?: boolean }).killed ? `timed out after ${timeoutMs} ms` : String(stderr || err.message).trim().split('\n').slice(-3).join(' | ');
      reject(new DrillError(`${what}: ${bin} ${why}`));
    }),
  );
}

/** A directory PostgreSQL (running as `postgres` when we are root) may own. */
export function pgDir(path: string): string {
  mkdirSync(path, { recursive: true });
  chmodSync(path, 0o700);
  if (root) {
    const { uid, gid } = postgresIds();
    chownSync(path, uid, gid);
  }
  return path;
}

let ids: { uid: number; gid: number } | undefined;
function postgresIds(): { uid: number; gid: number } {
  if (ids) return ids;
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new DrillError('running as root needs a `postgres` system user to run PostgreSQL as (Debian creates one)');
  const [, , uid, gid] = line.split(':');
  return (ids = { uid: Number(uid), gid: Number(gid) });
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class PgInstance {
  /** pids this instance ever ran (postmaster and children), for destroy(). */
  private readonly pids = new Set<number>();

  constructor(
    readonly name: string,
    readonly dataDir: string,
    readonly port: number,
    /** Unix socket directory (kept out of /var/run/postgresql, which the shared server uses). */
    readonly socketDir: string,
  ) {}

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }
  urlFor(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  static async init(name: string, dataDir: string, socketDir: string): Promise<PgInstance> {
    pgDir(dataDir);
    await run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-instructions'], `initdb ${name}`);
    return new PgInstance(name, dataDir, await freePort(), socketDir);
  }

  /** Append settings to postgresql.auto.conf-like tail of postgresql.conf (later lines win). */
  configure(settings: Readonly<Record<string, string | number>>): void {
    const lines = Object.entries(settings).map(([k, v]) => `${k} = ${typeof v === 'number' ? v : `'${v.replace(/'/g, "''")}'`}`);
    appendFileSync(join(this.dataDir, 'postgresql.conf'), `\n# dr:drill\n${lines.join('\n')}\n`);
  }

  allowReplication(): void {
    appendFileSync(join(this.dataDir, 'pg_hba.conf'), '\nhost replication all 127.0.0.1/32 trust\n');
  }

  async start(): Promise<void> {
    this.configure({ port: this.port, listen_addresses: '127.0.0.1', unix_socket_directories: this.socketDir });
    await run('pg_ctl', ['-D', this.dataDir, '-l', join(this.dataDir, 'server.log'), '-w', '-t', String(drTimeouts.startMs / 1000), 'start'], `start ${this.name}`, drTimeouts.startMs + 5000);
    this.recordPids();
  }

  /** The postmaster's pid (first line of postmaster.pid) and its children. */
  private recordPids(): number[] {
    const file = join(this.dataDir, 'postmaster.pid');
    if (!existsSync(file)) return [];
    const postmaster = Number(readFileSync(file, 'utf8').split('\n')[0]);
    if (!postmaster) return [];
    const found = [postmaster, ...childrenOf(postmaster)];
    for (const p of found) this.pids.add(p);
    return found;
  }

  /** Node loss: SIGKILL the postmaster and every backend at once (no shutdown checkpoint, no goodbye to clients). */
  crash(): void {
    for (const pid of this.recordPids().reverse()) kill(pid);
  }

  async promote(): Promise<void> {
    await run('pg_ctl', ['-D', this.dataDir, '-w', '-t', String(drTimeouts.commandMs / 1000), 'promote'], `promote ${this.name}`);
  }

  async query<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, values: unknown[] = [], database = 'postgres'): Promise<T[]> {
    const c = new pg.Client({ connectionString: this.urlFor(database), connectionTimeoutMillis: 5000, statement_timeout: 60_000 });
    await c.connect();
    try {
      return (await c.query<T>(sql, values)).rows;
    } finally {
      await c.end().catch(() => {});
    }
  }

  /** Kill whatever of this instance still runs. Safe to call twice; never touches other processes. */
  destroy(): void {
    this.recordPids();
    for (const pid of this.pids) kill(pid);
  }

  /** Poll `check` until it holds; a server that stops meanwhile ends the wait at once, with the last error of its log. */
  async waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
    const until = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      try {
        if (await check()) return;
      } catch (err) {
        last = `: ${(err as Error).message}`;
      }
      if (!this.running()) throw new DrillError(`${this.name}: the server stopped while waiting for ${what}${this.logError()}`);
      if (Date.now() > until) throw new DrillError(`${this.name}: timed out after ${timeoutMs} ms waiting for ${what}${last}`);
      await sleep(100);
    }
  }

  /** Is the postmaster of postmaster.pid alive? (The file goes on a clean shutdown; after a crash its pid is dead.) */
  private running(): boolean {
    const file = join(this.dataDir, 'postmaster.pid');
    if (!existsSync(file)) return false;
    return alive(Number(readFileSync(file, 'utf8').split('\n')[0]));
  }

  /** The last FATAL or PANIC line of server.log, for a message. */
  private logError(): string {
    try {
      const line = readFileSync(join(this.dataDir, 'server.log'), 'utf8').split('\n').filter((l) => /\b(FATAL|PANIC):/.test(l)).at(-1);
      return line ? `: ${line.replace(/^.*?\b(FATAL|PANIC):\s*/, '$1: ')}` : '';
    } catch {
      return '';
    }
  }
}

/** Does process `pid` exist (ours or another user's)? */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Direct children of a pid, from /proc/<pid>/stat (Linux; field 4 after the command is the parent). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** A free loopback port: the test helpers' one, @marquee/kit/testing. */
export { freePort };

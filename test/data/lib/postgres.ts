// Helpers for the data-tier tests that run against the local PostgreSQL (127.0.0.1:5432,
// trust auth). Every test uses its own role and database names and drops them afterwards.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const pgEnv = { PGHOST: '127.0.0.1', PGPORT: '5432' } as const;

/** A name prefix no other test (or engineer) uses: lowercase, starts with a letter. */
export const uniquePrefix = (tag: string): string => `t_${tag}_${randomBytes(4).toString('hex')}`;

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(cmd: string, args: readonly string[], env: Record<string, string> = {}, input?: string): Run {
  const r: SpawnSyncReturns<string> = spawnSync(cmd, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...pgEnv, ...env },
    encoding: 'utf8',
    input,
    timeout: 60_000,
  });
  // A child may exit before it reads all of `input` (a script rejecting its arguments first):
  // spawnSync reports that as EPIPE, but the child did run and its status is the result.
  const epipe = (r.error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE' && r.status !== null;
  if (r.error && !epipe) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** psql as `user` (default: the postgres superuser); returns the raw result. */
export function psql(sql: string, opts: { user?: string; db?: string; env?: Record<string, string> } = {}): Run {
  return run('psql', ['--no-psqlrc', '-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-U', opts.user ?? 'postgres', '-d', opts.db ?? 'postgres', '-c', sql], opts.env);
}

/** psql that must succeed; returns trimmed stdout. */
export function query(sql: string, opts: { user?: string; db?: string } = {}): string {
  const r = psql(sql, opts);
  if (r.status !== 0) throw new Error(`psql (${opts.user ?? 'postgres'}@${opts.db ?? 'postgres'}) failed: ${r.stderr}\n${sql}`);
  return r.stdout.trim();
}

export const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/** Drop databases (terminating their sessions) and roles; ignores ones that do not exist. */
export function dropAll(databases: readonly string[], roles: readonly string[]): void {
  for (const db of databases) psql(`DROP DATABASE IF EXISTS ${ident(db)} WITH (FORCE)`);
  for (const role of roles) {
    psql(`DROP OWNED BY ${ident(role)}`);
    psql(`DROP ROLE IF EXISTS ${ident(role)}`);
  }
}

/** Databases whose name starts with `prefix` (restore leaves `<db>_replaced_*` behind). */
export const databasesLike = (prefix: string): string[] =>
  query(`SELECT datname FROM pg_database WHERE starts_with(datname, '${prefix}')`).split('\n').filter(Boolean);

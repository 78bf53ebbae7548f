// The disaster-recovery drills behind `npm run dr:drill` (docs/data.md, "Drills"): the same
// PostgreSQL mechanisms the CloudNativePG Clusters are configured with (generators/cloudnative-pg.ts),
// exercised on the machine's own PostgreSQL binaries — CloudNativePG itself needs a cluster.
//  1. failover: a primary and two streaming standbys with synchronous_standby_names = ANY 1 and
//     synchronous_commit = on (prod's `synchronous: {method: any, number: 1}`), the billing API
//     taking orders through a stand-in `-rw` Service; SIGKILL the primary, a health check notices,
//     the most advanced standby is promoted, the other follows it, the Service moves.
//  2. region loss: WAL archived by archive_command to a directory standing in for the other
//     region's bucket, with the archive_timeout the recovery budget derives; a base backup; orders
//     under load; the whole instance destroyed; restored to the latest point from the archive.
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildApi, migrationsDir, type BillingApi } from '@marquee/billing';
import { baseConfigSpec, migrate, readConfig } from '@marquee/kit';
import { alive, DrillError, drTimeouts, freePort, PgInstance, pgDir, run } from './instance.ts';
import { rwService, type RwService } from './service.ts';

export { DrillError, drTimeouts } from './instance.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** Everything a drill started, torn down by `cleanup()` whatever happened (tests call it in `after`). */
export class DrillResources {
  readonly instances: PgInstance[] = [];
  readonly apps: BillingApi[] = [];
  readonly services: RwService[] = [];
  readonly loads: OrderLoad[] = [];
  readonly dir: string;
  readonly socketDir: string;
  constructor(readonly keep = false) {
    sweepStaleDrills();
    this.dir = mkdtempSync(join(tmpdir(), DRILL_PREFIX));
    // PostgreSQL may run as another user (instance.ts): let it traverse, not list.
    chmodSync(this.dir, 0o711);
    this.socketDir = pgDir(join(this.dir, 'sockets'));
    // who owns the servers under this folder: a later drill stops them if this process dies first (see sweepStaleDrills)
    if (!keep) writeFileSync(join(this.dir, OWNER_FILE), String(process.pid));
  }
  async cleanup(): Promise<void> {
    for (const l of this.loads) l.halt();
    for (const i of this.instances) i.destroy();
    await Promise.all(this.apps.map((a) => a.close().catch(() => {})));
    await Promise.all(this.services.map((s) => s.close().catch(() => {})));
    for (const i of this.instances) i.destroy();
    if (!this.keep) rmSync(this.dir, { recursive: true, force: true });
  }
}

const DRILL_PREFIX = 'dr-drill-';
const OWNER_FILE = 'owner.pid';

/**
 * Stop the servers of drills whose process died without cleaning up, and remove their folders. pg_ctl starts each
 * server in a session of its own, so killing a drill (a test past its time limit, a SIGKILL) leaves them running.
 * Only folders with an owner file whose process is gone are touched, and only postmasters whose command line names
 * a data directory inside that folder are killed.
 */
export function sweepStaleDrills(base = tmpdir()): string[] {
  const swept: string[] = [];
  for (const name of readdirSync(base)) {
    if (!name.startsWith(DRILL_PREFIX)) continue;
    const dir = join(base, name);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
    } catch {
      continue;
    }
    if (!owner || alive(owner)) continue;
    for (const pid of postmastersUnder(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    rmSync(dir, { recursive: true, force: true });
    swept.push(dir);
  }
  return swept;
}

/** Live processes whose command line is a postgres server with its data directory under `dir` (from /proc). */
function postmastersUnder(dir: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const d = args.indexOf('-D');
      if (/(^|\/)postgres$/.test(args[0] ?? '') && d >= 0 && (args[d + 1] ?? '').startsWith(`${dir}/`)) out.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The billing API under load
// ---------------------------------------------------------------------------------------------

/** The orders the API acknowledged (202) and when, by wall clock (ms). */
export interface Ack {
  readonly id: string;
  readonly at: number;
}

/** Concurrent clients posting orders to the billing API in-process (app.inject), as fast as it answers. */
export class OrderLoad {
  readonly acked: Ack[] = [];
  failed = 0;
  private running = true;
  private readonly workers: Promise<void>[];

  constructor(app: BillingApi, concurrency: number) {
    this.workers = Array.from({ length: concurrency }, (_, w) => this.worker(app, w));
  }

  private async worker(app: BillingApi, w: number): Promise<void> {
    let n = 0;
    while (this.running) {
      n++;
      const res = await Promise.race([
        app.inject({ method: 'POST', url: '/api/orders', payload: { user_id: `drill-${w}`, movie_id: 1 + (n % 50), price: 9.99 } }),
        sleep(drTimeouts.requestMs).then(() => undefined),
      ]).catch(() => undefined);
      if (res?.statusCode === 202) this.acked.push({ id: (res.json() as { id: string }).id, at: Date.now() });
      else {
        this.failed++;
        await sleep(50); // a client backing off a little, as the storefront does
      }
    }
  }

  /** Stop issuing requests (in-flight ones may still be acknowledged and are counted). */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }
  halt(): void {
    this.running = false;
  }

  /**
   * The longest stretch without an acknowledgement after `from`, in ms: what a client saw of the
   * outage. (Orders in flight at the crash may still be acknowledged just after it, so the gap is
   * not simply the one straddling the crash.)
   */
  longestGapAfter(from: number): number {
    const times = this.acked.map((a) => a.at).filter((t) => t >= from).sort((a, b) => a - b);
    if (times.length < 2) throw new DrillError('fewer than two acknowledged orders around the crash: the service never came back');
    let gap = 0;
    for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i]! - times[i - 1]!);
    return gap;
  }
}

const quiet = new Writable({ write: (_c, _e, cb) => cb() });

/** The billing API (apps/billing buildApi) against `connectionString`. Its broker is unreachable on purpose: orders stay in the outbox, which is all the drill counts. */
async function billingApi(r: DrillResources, connectionString: string): Promise<BillingApi> {
  const config = {
    ...readConfig(baseConfigSpec('billing-api'), { LOG_LEVEL: 'fatal' }),
    database: { connectionString },
    amqpUrl: `amqp://guest:guest@127.0.0.1:${await freePort()}/dr-drill`,
  };
  const app = buildApi({ config, logStream: quiet, poolMax: 8 });
  r.apps.push(app);
  await app.ready();
  return app;
}

async function missingOrders(db: PgInstance, acked: readonly Ack[]): Promise<Ack[]> {
  const present = new Set(
    (await db.query<{ id: string }>('SELECT id::text FROM orders WHERE id = ANY($1::uuid[])', [acked.map((a) => a.id)], 'billing')).map((r) => r.id),
  );
  return acked.filter((a) => !present.has(a.id));
}

// ---------------------------------------------------------------------------------------------
// Drill 1: failover
// ---------------------------------------------------------------------------------------------

export interface FailoverOptions {
  /** Seconds of load before the crash and after the service is back. */
  readonly beforeSeconds: number;
  readonly afterSeconds: number;
  readonly concurrency: number;
  /** How often the stand-in operator checks the primary (CloudNativePG's probes play this part). */
  readonly probeIntervalMs: number;
  readonly log: (line: string) => void;
}

export interface FailoverResult {
  readonly acked: number;
  readonly lost: number;
  readonly unavailableSeconds: number;
  /** From the SIGKILL to the Service pointing at the promoted standby. */
  readonly failoverSeconds: number;
}

const standbyNames = ['standby_a', 'standby_b'] as const;

export async function failoverDrill(r: DrillResources, o: FailoverOptions): Promise<FailoverResult> {
  const primary = await PgInstance.init('primary', join(r.dir, 'failover-primary'), r.socketDir);
  r.instances.push(primary);
  primary.allowReplication();
  primary.configure({
    wal_level: 'replica',
    max_wal_senders: 10,
    synchronous_commit: 'on',
    wal_keep_size: '256MB',
  });
  await primary.start();
  // Before synchronous replication is on: with no standby yet, a synchronous commit would wait for ever.
  await primary.query('CREATE DATABASE billing');

  const standbys: PgInstance[] = [];
  for (const name of standbyNames) {
    const dir = pgDir(join(r.dir, `failover-${name}`));
    await run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', dir, '-X', 'stream', '-R', '--checkpoint=fast'], `pg_basebackup ${name}`);
    const s = new PgInstance(name, dir, await freePort(), r.socketDir);
    r.instances.push(s);
    followPrimary(s, primary);
    await s.start();
    standbys.push(s);
  }
  await makeSynchronous(primary);
  await primary.waitFor('both standbys as quorum standbys in pg_stat_replication', drTimeouts.syncStandbyMs, async () =>
    (await primary.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_replication WHERE sync_state = 'quorum'"))[0]!.n === standbyNames.length,
  );

  const service = await rwService(primary.port);
  r.services.push(service);
  const url = `postgresql://postgres@127.0.0.1:${service.port}/billing`;
  await migrate({ database: 'billing', dir: migrationsDir, connectionString: url });
  const app = await billingApi(r, url);
  const load = new OrderLoad(app, o.concurrency);
  r.loads.push(load);
  o.log(`failover: primary :${primary.port}, standbys :${standbys.map((s) => s.port).join(', :')}, ${o.concurrency} clients ordering`);
  await sleep(o.beforeSeconds * 1000);

  const crashedAt = Date.now();
  primary.crash();
  o.log(`failover: SIGKILL primary after ${load.acked.length} acknowledged orders`);

  // The stand-in operator: probe, and on failure promote the most advanced standby.
  await waitUntil('the health check to notice the dead primary', drTimeouts.failoverMs, async () => !(await healthy(primary, o.probeIntervalMs)));
  service.setEndpoint(undefined);
  const lsns = await Promise.all(standbys.map(async (s) => (await s.query<{ lsn: string }>("SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0')::text AS lsn"))[0]!.lsn));
  const best = lsns.indexOf(lsns.reduce((a, b) => (BigInt(a) >= BigInt(b) ? a : b)));
  const promoted = standbys[best]!;
  const follower = standbys[1 - best]!;
  await promoted.promote();
  await makeSynchronous(promoted);
  // The other standby follows the new primary's timeline (a reload suffices since PostgreSQL 13).
  await follower.query(`ALTER SYSTEM SET primary_conninfo = '${conninfo(promoted, follower.name)}'`);
  await follower.query('SELECT pg_reload_conf()');
  service.setEndpoint(promoted.port);
  const failoverSeconds = seconds(Date.now() - crashedAt);
  o.log(`failover: promoted ${promoted.name} (most advanced), ${follower.name} follows it; Service moved after ${failoverSeconds} s`);

  await promoted.waitFor(`${follower.name} to attach to the new primary as its synchronous standby`, drTimeouts.syncStandbyMs, async () =>
    (await promoted.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_replication WHERE sync_state = 'quorum'"))[0]!.n === 1,
  );
  await waitUntil('an order acknowledged after the failover', drTimeouts.failoverMs, async () => load.acked.some((a) => a.at > crashedAt));
  await sleep(o.afterSeconds * 1000);
  await load.stop();
  const lost = await missingOrders(promoted, load.acked);
  const result = { acked: load.acked.length, lost: lost.length, unavailableSeconds: seconds(load.longestGapAfter(crashedAt - 1000)), failoverSeconds };
  o.log(`failover: ${result.acked} orders acknowledged, ${result.lost} missing on the promoted standby, ${load.failed} requests failed`);
  return result;
}

/** prod's Cluster: synchronous {method: any, number: 1} over its standbys (CloudNativePG lists every instance). */
async function makeSynchronous(primary: PgInstance): Promise<void> {
  await primary.query(`ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 (${standbyNames.join(', ')})'`);
  await primary.query('SELECT pg_reload_conf()');
}

function conninfo(primary: PgInstance, applicationName: string): string {
  return `host=127.0.0.1 port=${primary.port} user=postgres application_name=${applicationName}`;
}

function followPrimary(standby: PgInstance, primary: PgInstance): void {
  // postgresql.auto.conf (written by pg_basebackup -R) is read last: override its primary_conninfo there.
  writeAppend(join(standby.dataDir, 'postgresql.auto.conf'), `primary_conninfo = '${conninfo(primary, standby.name)}'\n`);
}

function writeAppend(file: string, text: string): void {
  const st = statSync(file);
  writeFileSync(file, text, { flag: 'a' });
  chownSync(file, st.uid, st.gid);
}

async function healthy(i: PgInstance, timeoutMs: number): Promise<boolean> {
  const started = Date.now();
  try {
    await Promise.race([i.query('SELECT 1'), sleep(timeoutMs).then(() => Promise.reject(new Error('probe timeout')))]);
    await sleep(Math.max(0, timeoutMs - (Date.now() - started)));
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new DrillError(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

// ---------------------------------------------------------------------------------------------
// Drill 2: region loss
// ---------------------------------------------------------------------------------------------

export interface RegionLossOptions {
  /** archive_timeout in seconds: the recovery budget's (generators/recovery-budget.ts). */
  readonly archiveTimeoutSeconds: number;
  /** Database size to restore, MiB (filler table plus the orders). */
  readonly sizeMiB: number;
  /** Seconds of orders after the base backup, before the region is lost. */
  readonly loadSeconds: number;
  readonly concurrency: number;
  readonly log: (line: string) => void;
}

export interface RegionLossResult {
  readonly acked: number;
  readonly lost: number;
  /** History lost: from the first acknowledged order missing after the restore to the moment of loss. */
  readonly rpoSeconds: number;
  /** From the start of the restore to the restored primary accepting writes. */
  readonly rtoSeconds: number;
  readonly databaseMiB: number;
  /** databaseMiB / rtoSeconds: the restore rate to compare with environments.<env>.recovery.restoreRateMiBPerSec. */
  readonly restoreRateMiBPerSec: number;
}

export async function regionLossDrill(r: DrillResources, o: RegionLossOptions): Promise<RegionLossResult> {
  const bucket = pgDir(join(r.dir, 'bucket'));
  const wal = pgDir(join(bucket, 'wal'));
  const primary = await PgInstance.init('region-a', join(r.dir, 'region-a'), r.socketDir);
  r.instances.push(primary);
  primary.allowReplication();
  primary.configure({
    wal_level: 'replica',
    archive_mode: 'on',
    archive_command: archiveCommand(wal),
    archive_timeout: o.archiveTimeoutSeconds,
  });
  await primary.start();
  await primary.query('CREATE DATABASE billing');
  const url = primary.urlFor('billing');
  await migrate({ database: 'billing', dir: migrationsDir, connectionString: url });
  // Filler so the restore copies a database of the asked size (about 1 KiB a row).
  await primary.query(
    'CREATE TABLE drill_filler AS SELECT g AS id, repeat(md5(g::text), 28) AS pad FROM generate_series(1, $1::int) g',
    [Math.max(1, Math.round((o.sizeMiB * 1024 * 1024) / 1100))],
    'billing',
  );
  const databaseMiB = Math.round(Number((await primary.query<{ b: string }>("SELECT pg_database_size('billing')::text AS b"))[0]!.b) / 1024 / 1024);

  const base = join(bucket, 'base');
  pgDir(base);
  await run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', base, '-X', 'none', '--checkpoint=fast'], 'base backup');
  o.log(`region loss: ${databaseMiB} MiB database, base backup taken, archive_timeout ${o.archiveTimeoutSeconds} s, ${o.concurrency} clients ordering for ${o.loadSeconds} s`);

  const app = await billingApi(r, url);
  const load = new OrderLoad(app, o.concurrency);
  r.loads.push(load);
  await sleep(o.loadSeconds * 1000);
  const lostAt = Date.now();
  primary.crash();
  load.halt();
  await load.stop();
  rmSync(primary.dataDir, { recursive: true, force: true });
  o.log(`region loss: instance killed and its data directory deleted after ${load.acked.length} acknowledged orders`);

  const started = Date.now();
  const restoredDir = join(r.dir, 'region-b');
  await copyPreserving(base, restoredDir);
  const restored = new PgInstance('region-b', restoredDir, await freePort(), r.socketDir);
  r.instances.push(restored);
  restored.configure({ archive_mode: 'off', restore_command: `cp ${wal}/%f %p`, recovery_target_timeline: 'latest' });
  writeFileSync(join(restoredDir, 'recovery.signal'), '');
  chownSync(join(restoredDir, 'recovery.signal'), statSync(restoredDir).uid, statSync(restoredDir).gid);
  await restored.start();
  await restored.waitFor('the end of archive recovery (pg_is_in_recovery() = false)', drTimeouts.startMs, async () =>
    (await restored.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r'))[0]!.r === false,
  );
  const rtoMs = Date.now() - started;
  const lost = await missingOrders(restored, load.acked);
  const firstLost = lost.reduce((m, a) => Math.min(m, a.at), Infinity);
  const result: RegionLossResult = {
    acked: load.acked.length,
    lost: lost.length,
    rpoSeconds: lost.length ? seconds(lostAt - firstLost) : 0,
    rtoSeconds: seconds(rtoMs),
    databaseMiB,
    restoreRateMiBPerSec: Math.round((databaseMiB / (rtoMs / 1000)) * 10) / 10,
  };
  o.log(`region loss: restored in ${result.rtoSeconds} s; ${result.lost} of ${result.acked} acknowledged orders missing, the last ${result.rpoSeconds} s of history`);
  return result;
}

/**
 * The plugin's barman-cloud-wal-archive reduced to its contract: refuse to overwrite, and store a segment whole or
 * not at all (an object store's upload is all or nothing). The copy goes to a temporary name and is renamed: a plain
 * `cp` into the archive, cut short by the crash the drill makes, left a truncated segment there that the restore
 * then refused ("archive file ... has wrong size").
 */
export function archiveCommand(walDir: string): string {
  return `test ! -f ${walDir}/%f && cp %p ${walDir}/%f.partial && mv ${walDir}/%f.partial ${walDir}/%f`;
}

function copyPreserving(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('cp', ['-a', from, to], { timeout: drTimeouts.startMs }, (err) => (err ? reject(new DrillError(`copy of the base backup: ${err.message}`)) : resolve())),
  );
}

/** The line `npm run dr:drill` ends with (docs/data.md quotes it). */
export function summaryLine(f: FailoverResult, g: RegionLossResult): string {
  return `dr:drill: failover lost ${f.lost} orders, ${f.unavailableSeconds} s unavailable · restore RPO ${g.rpoSeconds} s, RTO ${g.rtoSeconds} s for ${g.databaseMiB} MiB`;
}

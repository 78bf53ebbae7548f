// What the drills leave behind when they are cut short: a WAL segment half copied into the archive when the
// primary is crashed mid-archive, and PostgreSQL servers still running when the drill's own process is killed.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { archiveCommand, DrillResources, sweepStaleDrills } from '../../../scripts/lib/dr/drill.ts';
import { PgInstance } from '../../../scripts/lib/dr/instance.ts';

const base = mkdtempSync(join(tmpdir(), 'marquee-dr-hygiene-'));
const started: ChildProcess[] = [];
const resources = new DrillResources();
after(async () => {
  for (const c of started) c.kill('SIGKILL');
  await resources.cleanup();
  rmSync(base, { recursive: true, force: true });
});

/** Poll until `check` holds, or fail naming what was awaited. */
async function waitUntil(what: string, ms: number, check: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));

test('a segment whose archiving is killed half way is not in the archive under its name; a whole one is, and is never overwritten', async () => {
  const wal = join(base, 'wal');
  mkdirSync(wal);
  const segment = '000000010000000000000006';
  // the source is a pipe: the copy blocks after what was written, and is killed there, as the drill's crash kills it
  const source = join(base, 'segment.fifo');
  execFileSync('mkfifo', [source]);
  const command = archiveCommand(wal).replaceAll('%p', source).replaceAll('%f', segment);
  const archiving = spawn('sh', ['-c', command], { detached: true, stdio: 'ignore' });
  started.push(archiving);
  const writer = openSync(source, 'w');
  writeSync(writer, Buffer.alloc(64 * 1024, 1));
  await waitUntil('the copy into the archive to begin', 10_000, () => readdirSync(wal).length > 0);
  process.kill(-archiving.pid!, 'SIGKILL');
  await exited(archiving);
  closeSync(writer);
  assert.equal(existsSync(join(wal, segment)), false, `the archive holds ${readdirSync(wal).join(', ')}`);

  const whole = join(base, 'segment');
  writeFileSync(whole, Buffer.alloc(1024 * 1024, 2));
  const archive = () => execFileSync('sh', ['-c', archiveCommand(wal).replaceAll('%p', whole).replaceAll('%f', segment)]);
  archive();
  assert.equal(readFileSync(join(wal, segment)).length, 1024 * 1024);
  writeFileSync(whole, Buffer.alloc(10, 3));
  assert.throws(archive, 'a second archiving of the same name fails (PostgreSQL keeps the segment and retries)');
  assert.equal(readFileSync(join(wal, segment)).length, 1024 * 1024);
});

test('the servers of a drill whose process died are stopped and its folder removed; a live drill’s and other folders are left', async () => {
  const drills = join(base, 'tmp');
  mkdirSync(drills);
  const dead = spawn(process.execPath, ['-e', '']);
  await exited(dead);
  /** A process that looks like a postmaster of `dataDir` in /proc (argv[0] postgres, -D dataDir). */
  const postmaster = (dataDir: string) => {
    const c = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)', '--', '-D', dataDir], { argv0: '/usr/lib/postgresql/15/bin/postgres', stdio: 'ignore' });
    started.push(c);
    return c;
  };
  const stale = join(drills, 'dr-drill-stale');
  mkdirSync(join(stale, 'region-a'), { recursive: true });
  writeFileSync(join(stale, 'owner.pid'), String(dead.pid));
  const orphan = postmaster(join(stale, 'region-a'));
  const live = join(drills, 'dr-drill-live');
  mkdirSync(join(live, 'region-a'), { recursive: true });
  writeFileSync(join(live, 'owner.pid'), String(process.pid));
  const running = postmaster(join(live, 'region-a'));
  const unowned = join(drills, 'dr-drill-kept');
  mkdirSync(unowned);
  await waitUntil('the stand-in postmasters to start', 10_000, () => [orphan, running].every((c) => c.pid && existsSync(`/proc/${c.pid}/cmdline`) && readFileSync(`/proc/${c.pid}/cmdline`, 'utf8').includes('-D')));

  assert.deepEqual(sweepStaleDrills(drills), [stale]);
  await waitUntil('the stale drill’s server to be killed', 10_000, () => orphan.signalCode === 'SIGKILL');
  assert.equal(existsSync(stale), false);
  assert.equal(running.exitCode === null && running.signalCode === null, true, 'the live drill’s server runs on');
  assert.equal(existsSync(live) && existsSync(unowned), true);
});

test('a wait on a server that has stopped ends at once, naming the wait, not at its time limit', async () => {
  const server = await PgInstance.init('waits', join(resources.dir, 'waits'), resources.socketDir);
  resources.instances.push(server);
  await server.start();
  server.crash();
  const began = Date.now();
  await assert.rejects(
    server.waitFor('something that never holds', 60_000, async () => false),
    /waits: the server stopped while waiting for something that never holds/,
  );
  assert.ok(Date.now() - began < 10_000, `ended after ${Date.now() - began} ms`);
});

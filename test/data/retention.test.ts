// The upload half of the postgres-backup CronJob (generators/postgres-backup/s3-upload.sh, retention.sh),
// run with the real sh/awk/sort/date. No S3 endpoint is reachable here, so the aws calls
// themselves are not exercised: DRY_RUN=1 prints them, and the tests check exactly what
// would be uploaded and deleted, and that nothing is attempted after a failed check.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run } from './lib/postgres.ts';

const repo = new URL('../../', import.meta.url).pathname;
const retention = join(repo, 'generators/postgres-backup/retention.sh');
const upload = join(repo, 'generators/postgres-backup/s3-upload.sh');

/** `aws s3 ls s3://bucket/prefix/` output for these timestamps. */
const listing = (stamps: string[], extra: string[] = []): string =>
  [...stamps.map((s) => `                           PRE ${s}/`), ...extra].join('\n') + '\n';

const expired = (input: string, cutoff: string, keep: string) =>
  run('sh', ['-c', `. "${retention}"; expired_backups "$1" "$2"`, 'sh', cutoff, keep], {}, input);

describe('retention.sh expired_backups', () => {
  const stamps = ['2026-11-01T021500Z', '2026-11-10T021500Z', '2026-11-15T021500Z', '2026-11-20T021500Z', '2026-11-21T021500Z'];

  it('selects the backups older than the cutoff, newest first', () => {
    const r = expired(listing(stamps), '2026-11-12T000000Z', '2');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['2026-11-10T021500Z', '2026-11-01T021500Z']);
  });

  it('never selects the KEEP_MIN newest, however old (a stalled schedule must not empty the bucket)', () => {
    const r = expired(listing(stamps), '2027-01-01T000000Z', '3');
    assert.deepEqual(r.stdout.trim().split('\n'), ['2026-11-10T021500Z', '2026-11-01T021500Z']);
  });

  it('ignores objects and prefixes that are not backup timestamps', () => {
    const r = expired(listing(stamps, ['2026-11-01 02:15:00       1234 notes.txt', '                           PRE manual-2020/']), '2026-11-12T000000Z', '0');
    assert.deepEqual(r.stdout.trim().split('\n'), ['2026-11-10T021500Z', '2026-11-01T021500Z']);
  });

  it('rejects a KEEP_MIN that is not a whole number', () => {
    const r = expired(listing(stamps), '2026-11-12T000000Z', 'seven');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /KEEP_MIN "seven" is not a whole number/);
  });

  it('cutoff_for computes the timestamp N days before now', () => {
    const now = Date.UTC(2026, 10, 22, 2, 15, 0) / 1000;
    const r = run('sh', ['-c', `. "${retention}"; cutoff_for 14 ${now}`]);
    assert.equal(r.stdout.trim(), '2026-11-08T021500Z');
  });
});

describe('s3-upload.sh (DRY_RUN: the aws commands it would run)', () => {
  let dir = '';
  const stamp = '2026-11-22T021500Z';
  const env = (over: Record<string, string> = {}) => ({
    S3_BUCKET: 'marquee-backups-test',
    S3_PREFIX: 'postgres',
    NAMESPACE: 'marquee-test',
    RETENTION_DAYS: '7',
    KEEP_MIN: '2',
    DRY_RUN: '1',
    NOW_EPOCH: String(Date.UTC(2026, 10, 22, 2, 20, 0) / 1000),
    DRY_RUN_LISTING: join(dir, 'listing.txt'),
    ...over,
  });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'marquee-upload-'));
    mkdirSync(join(dir, 'out', stamp), { recursive: true });
    writeFileSync(join(dir, 'out', stamp, 'inventory.dump'), 'PGDMP inventory');
    writeFileSync(join(dir, 'out', stamp, 'billing.dump'), 'PGDMP billing');
    run('sh', ['-c', `cd "${join(dir, 'out', stamp)}" && sha256sum -- *.dump > SHA256SUMS`]);
    writeFileSync(join(dir, 'out', 'LATEST'), `${stamp}\n`);
    writeFileSync(
      join(dir, 'listing.txt'),
      listing(['2026-11-01T021500Z', '2026-11-14T021500Z', '2026-11-16T021500Z', '2026-11-21T021500Z', stamp]),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('uploads the newest backup under <prefix>/<namespace>/<timestamp>/ and deletes only expired ones', () => {
    const r = run('sh', [upload, join(dir, 'out')], env());
    assert.equal(r.status, 0, r.stderr);
    const aws = r.stdout.split('\n').filter((l) => l.startsWith('aws '));
    assert.deepEqual(aws, [
      `aws s3 cp --recursive --only-show-errors ${join(dir, 'out', stamp)}/ s3://marquee-backups-test/postgres/marquee-test/${stamp}/`,
      'aws s3 rm --recursive --only-show-errors s3://marquee-backups-test/postgres/marquee-test/2026-11-14T021500Z/',
      'aws s3 rm --recursive --only-show-errors s3://marquee-backups-test/postgres/marquee-test/2026-11-01T021500Z/',
    ]);
  });

  it('passes --endpoint-url for S3-compatible storage', () => {
    const r = run('sh', [upload, join(dir, 'out')], env({ S3_ENDPOINT: 'https://minio.storage.svc:9000' }));
    assert.equal(r.status, 0, r.stderr);
    for (const line of r.stdout.split('\n').filter((l) => l.startsWith('aws ')))
      assert.match(line, /^aws --endpoint-url https:\/\/minio\.storage\.svc:9000 s3 /);
  });

  it('uploads nothing when the dump did not finish (no LATEST)', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const r = run('sh', [upload, empty], env());
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /LATEST is missing/);
    assert.doesNotMatch(r.stdout, /^aws /m);
  });

  it('uploads nothing when an archive does not match its checksum', () => {
    const bad = join(dir, 'bad');
    mkdirSync(join(bad, stamp), { recursive: true });
    writeFileSync(join(bad, stamp, 'inventory.dump'), 'PGDMP original');
    run('sh', ['-c', `cd "${join(bad, stamp)}" && sha256sum -- *.dump > SHA256SUMS`]);
    writeFileSync(join(bad, stamp, 'inventory.dump'), 'PGDMP changed!');
    writeFileSync(join(bad, 'LATEST'), stamp);
    const r = run('sh', [upload, bad], env());
    assert.notEqual(r.status, 0);
    assert.doesNotMatch(r.stdout, /^aws /m);
  });

  it('names the missing setting', () => {
    const r = run('sh', [upload, join(dir, 'out')], env({ S3_BUCKET: '' }));
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /S3_BUCKET is not set/);
  });
});

// PostgreSQL's reading of memory and time settings (policies/lib/postgres-guc.ts). Expected values are written from
// postgres/postgres guc.c's tables (memory units are powers of 1024, kB not KB; time units us … d) and from the
// refusals PostgreSQL users meet ("8M", "1G", "6553KB", "64mb" are in its own HINT's words refused); the server test
// beside this one asks a real server the same questions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gucUnitProblem, gucValue, parameterUnits } from '../../../policies/lib/postgres-guc.ts';
import { pgSeconds } from '../../../policies/contract/data-tier.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

describe('memory settings', () => {
  it('reads B, kB, MB, GB, TB as powers of 1024, a bare number in the base unit (shared_buffers: 8kB pages, work_mem: kB, max_wal_size: MB)', () => {
    const table: [string, string, number][] = [
      ['shared_buffers', '2GB', 2 * GiB],
      ['shared_buffers', '256MB', 256 * MiB],
      ['shared_buffers', '16384', 16384 * 8 * KiB],
      ['work_mem', '64MB', 64 * MiB],
      ['work_mem', '65536kB', 64 * MiB],
      ['work_mem', '4096', 4 * MiB],
      ['work_mem', '64 MB', 64 * MiB],
      ['work_mem', '64MB  ', 64 * MiB],
      ['work_mem', '0.5GB', 512 * MiB],
      ['maintenance_work_mem', '1TB', 1024 * GiB],
      ['max_wal_size', '2', 2 * MiB],
      ['effective_cache_size', '1048576B', MiB],
    ];
    for (const [name, value, bytes] of table) {
      assert.equal(gucValue(name, value), bytes, `${name} = ${value}`);
      assert.equal(gucUnitProblem(name, value), undefined, `${name} = ${value}`);
    }
  });

  it('refuses Kubernetes spellings and other cases, naming the value to write', () => {
    const table: [string, string, string][] = [
      ['shared_buffers', '2GiB', 'write 2GB'],
      ['shared_buffers', '2Gi', 'write 2GB'],
      ['shared_buffers', '1G', 'write 1GB'],
      ['work_mem', '8M', 'write 8MB'],
      ['work_mem', '6553KB', 'write 6553kB'],
      ['work_mem', '64mb', 'write 64MB'],
      ['temp_buffers', '64mB', 'write 64MB'],
      ['work_mem', '64KiB', 'write 64kB'],
    ];
    for (const [name, value, hint] of table) {
      const p = gucUnitProblem(name, value);
      assert.equal(p?.message, `PostgreSQL refuses it: invalid value for parameter "${name}": "${value}" (Valid units for this parameter are "B", "kB", "MB", "GB", and "TB".)`, `${name} = ${value}`);
      assert.ok(p?.hint.startsWith(`${hint}:`), `${name} = ${value}: ${p?.hint}`);
    }
    assert.equal(gucValue('work_mem', 'lots'), undefined);
    assert.equal(gucValue('work_mem', ''), undefined);
  });
});

it("cloudnative-pg's parsePostgresQuantityValue table (cluster_webhook_test.go), on max_wal_size (a bare number is MB)", () => {
  const accepted: [string, number][] = [['1', MiB], ['1B', 1], ['1kB', KiB], ['1MB', MiB], ['1GB', GiB], ['1TB', 1024 * GiB], ['1 B', 1], ['1 MB', MiB]];
  for (const [value, bytes] of accepted) assert.equal(gucValue('max_wal_size', value), bytes, value);
  for (const value of ['1kb', '1Mb', '1G', '1random', 'non-numeric']) assert.ok(gucUnitProblem('max_wal_size', value), value);
});

describe('time settings', () => {
  it('reads us, ms, s, min, h, d; a bare number in the base unit (archive_timeout: s, statement_timeout: ms)', () => {
    const table: [string, string, number][] = [
      ['archive_timeout', '60s', 60_000],
      ['archive_timeout', '60', 60_000],
      ['archive_timeout', '5min', 300_000],
      ['archive_timeout', '1h', 3_600_000],
      ['statement_timeout', '1d', 86_400_000],
      ['statement_timeout', '500ms', 500],
      ['statement_timeout', '1500', 1500],
      ['statement_timeout', '250us', 0.25],
      ['log_min_duration_statement', '1000', 1000],
    ];
    for (const [name, value, ms] of table) {
      assert.equal(gucValue(name, value), ms, `${name} = ${value}`);
      assert.equal(gucUnitProblem(name, value), undefined, `${name} = ${value}`);
    }
  });

  it('refuses sec, m, hours and upper case, naming the value to write', () => {
    const table: [string, string, string][] = [
      ['archive_timeout', '60sec', 'write 60s'],
      ['archive_timeout', '5m', 'write 5min'],
      ['statement_timeout', '1hour', 'write 1h'],
      ['statement_timeout', '30S', 'write 30s'],
      ['statement_timeout', '2 days', 'write 2d'],
    ];
    for (const [name, value, hint] of table) {
      const p = gucUnitProblem(name, value);
      assert.equal(p?.message, `PostgreSQL refuses it: invalid value for parameter "${name}": "${value}" (Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".)`, `${name} = ${value}`);
      assert.ok(p?.hint.startsWith(`${hint}:`), `${name} = ${value}: ${p?.hint}`);
    }
  });

  it('pgSeconds (the recovery budget) reads archive_timeout as PostgreSQL does', () => {
    assert.deepEqual(['60s', '60', '5min', '1h', '500ms', '60sec', ''].map(pgSeconds), [60, 60, 300, 3600, 0.5, undefined, undefined]);
  });
});

it('a parameter without a unit, or not listed, is not judged', () => {
  assert.equal(gucUnitProblem('max_connections', '100'), undefined);
  assert.equal(gucUnitProblem('log_lock_waits', 'true'), undefined);
  assert.ok(!('max_connections' in parameterUnits));
});

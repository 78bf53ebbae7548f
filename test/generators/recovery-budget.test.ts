// The recovery budget arithmetic (generators/recovery-budget.ts): expected figures worked by hand
// from the formulas in docs/data.md, and every impossible budget names the contract field to change.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { recoveryPlan, recoveryPlans, worstCaseRecovery } from '../../generators/recovery-budget.ts';
import { environments } from '../../generators/environments.ts';

const prodLike = { rpoSeconds: 300, rtoSeconds: 1800, databaseSizeGiB: 50, walRateMiBPerMin: 16, restoreRateMiBPerSec: 50 };

describe('recovery budget', () => {
  it('GIVEN prod-like figures THEN archive_timeout is a fifth of the RPO and daily backups are too slow to restore, twice daily fit', () => {
    // base: 50 GiB = 51200 MiB / 50 MiB/s = 1024 s; WAL of two cadences at 16 MiB/min replayed at 50 MiB/s:
    // 24 h -> 2*24*60*16/50 = 921.6 s -> 1024 + 921.6 + 120 = 2065.6 > 1800; 12 h -> 460.8 s -> 1604.8 -> 1605.
    const p = recoveryPlan('prod', prodLike);
    assert.equal(p.archiveTimeoutSeconds, 60);
    assert.equal(p.backupCadenceHours, 12);
    assert.equal(p.backupSchedule, '0 15 2,14 * * *');
    assert.equal(p.retentionPolicy, '7d');
    assert.equal(p.worstCaseRtoSeconds, 1605);
    // 60 s + one 16 MiB segment at 50 MiB/s (0.32 s), to a tenth.
    assert.equal(p.worstCaseRpoSeconds, 60.3);
    assert.equal(p.failoverRpoSeconds, 0);
  });

  it('GIVEN a small database THEN daily backups suffice', () => {
    const p = recoveryPlan('test', { ...prodLike, databaseSizeGiB: 1, walRateMiBPerMin: 1 });
    assert.equal(p.backupCadenceHours, 24);
    assert.equal(p.backupSchedule, '0 15 2 * * *');
  });

  it('GIVEN hourly cadence THEN the schedule runs every hour', () => {
    // base 5120/50 = 102.4; 2 h of WAL at 60 MiB/min = 7200 MiB / 50 = 144; + 120 = 366.4 <= 400; 2-hourly: 654.4 > 400.
    const p = recoveryPlan('prod', { ...prodLike, rtoSeconds: 400, databaseSizeGiB: 5, walRateMiBPerMin: 60 });
    assert.equal(p.backupCadenceHours, 1);
    assert.equal(p.backupSchedule, '0 15 * * * *');
  });

  const impossible: [string, Partial<typeof prodLike>, RegExp][] = [
    ['an RPO too small for a sane archive_timeout', { rpoSeconds: 40 }, /environments\.prod\.recovery\.rpoSeconds is 40: .*raise rpoSeconds to at least 50/],
    // 50 GiB at 50 MiB/s = 1024 s + hourly WAL (2*60*16/50 = 38.4 s) + 120 = 1182.4 -> 1183.
    ['an RTO the restore rate cannot meet', { rtoSeconds: 900 }, /environments\.prod\.recovery\.rtoSeconds is 900: .*at least 1183/],
    ['WAL written faster than it is replayed', { walRateMiBPerMin: 3000 }, /environments\.prod\.recovery\.walRateMiBPerMin is 3000/],
    // one segment at 0.05 MiB/s = 320 s: 60 + 320 > 300.
    ['a link too slow to ship one segment within the RPO', { restoreRateMiBPerSec: 0.05 }, /environments\.prod\.recovery\.restoreRateMiBPerSec is 0\.05/],
    ['a non-positive figure', { databaseSizeGiB: 0 }, /environments\.prod\.recovery\.databaseSizeGiB is 0; use a positive number/],
  ];
  for (const [what, change, message] of impossible)
    it(`GIVEN ${what} THEN generation fails naming the field`, () => {
      assert.throws(() => recoveryPlan('prod', { ...prodLike, ...change }), message);
    });

  it('plans exactly the environments that declare a budget (dev keeps its StatefulSet)', () => {
    const declared = Object.values(environments).filter((e) => 'recovery' in e).map((e) => e.name);
    assert.deepEqual(recoveryPlans().map((p) => p.env), declared);
    assert.ok(!declared.includes('dev' as never));
    for (const w of worstCaseRecovery()) {
      const budget = (environments[w.env] as { recovery: typeof prodLike }).recovery;
      assert.ok(w.rpoSeconds <= budget.rpoSeconds && w.rtoSeconds <= budget.rtoSeconds, `${w.env} within its own budget`);
    }
  });
});

// A short run of the npm run dr:drill drills (scripts/lib/dr) on this machine's PostgreSQL 15:
// synchronous failover loses no acknowledged order; archive recovery loses at most what the
// archive_timeout leaves unarchived — and, as a control, everything when no segment was archived.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DrillResources, failoverDrill, regionLossDrill, summaryLine, drTimeouts } from '../../../scripts/lib/dr/drill.ts';

const log = () => {};
const resources: DrillResources[] = [];
const fresh = () => {
  const r = new DrillResources();
  resources.push(r);
  return r;
};
after(async () => {
  for (const r of resources) await r.cleanup();
});

describe('dr:drill (short)', { timeout: 4 * drTimeouts.failoverMs }, () => {
  it('GIVEN a primary with two quorum-synchronous standbys under order load WHEN the primary is SIGKILLed THEN the promoted standby has every acknowledged order', async () => {
    const f = await failoverDrill(fresh(), { beforeSeconds: 2, afterSeconds: 2, concurrency: 3, probeIntervalMs: 500, log });
    assert.ok(f.acked > 100, `orders flowed (${f.acked})`);
    assert.equal(f.lost, 0);
    // No order can be acknowledged between the crash and the Service reaching the promoted standby,
    // so the longest gap covers the whole failover (both rounded to 0.1 s).
    assert.ok(f.unavailableSeconds + 0.1 >= f.failoverSeconds, `unavailable ${f.unavailableSeconds} s, failover took ${f.failoverSeconds} s`);
    assert.ok(f.unavailableSeconds < drTimeouts.failoverMs / 1000, `unavailable ${f.unavailableSeconds} s`);
  });

  const archiveTimeoutSeconds = 2;
  it('GIVEN WAL archived with a short archive_timeout WHEN the region is lost THEN the restore keeps all but the last archive_timeout of history', async () => {
    const g = await regionLossDrill(fresh(), { archiveTimeoutSeconds, sizeMiB: 8, loadSeconds: 6, concurrency: 3, log });
    assert.ok(g.acked > 100, `orders flowed (${g.acked})`);
    assert.ok(g.lost < g.acked / 2, `most orders survived (${g.lost} of ${g.acked} lost)`);
    // archive_timeout bounds the unarchived span; one more second for the segment switch and copy.
    assert.ok(g.rpoSeconds <= archiveTimeoutSeconds + 1, `RPO ${g.rpoSeconds} s`);
    assert.ok(g.rtoSeconds > 0 && g.databaseMiB >= 8, `RTO ${g.rtoSeconds} s for ${g.databaseMiB} MiB`);
    assert.match(summaryLine({ acked: 1, lost: 0, unavailableSeconds: 1.5, failoverSeconds: 1 }, g), /^dr:drill: failover lost 0 orders, 1\.5 s unavailable · restore RPO [\d.]+ s, RTO [\d.]+ s for \d+ MiB$/);
  });

  it('control: WHEN no segment is archived before the loss (archive_timeout longer than the load) THEN every order after the base backup is counted lost', async () => {
    const g = await regionLossDrill(fresh(), { archiveTimeoutSeconds: 600, sizeMiB: 1, loadSeconds: 2, concurrency: 2, log });
    assert.ok(g.acked > 0);
    assert.equal(g.lost, g.acked);
  });
});

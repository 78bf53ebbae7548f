// The report's recovery section: worst-case RPO/RTO per environment next to the budget's targets,
// on the page `npm run report` writes. Expected figures are worked by hand from the contract's
// budgets (generators/environments.ts), not read back from the code under test:
//   prod: archive_timeout = ⌊300 / 5⌋ = 60 s; RPO = 60 + 16 MiB / 30 MiB/s = 60.53 → 60.5 s.
//         RTO at a 4 h cadence = 40 × 1024 / 30 + 2 × 4 × 3600 × (16 / 60) / 30 + 120
//                              = 1365.33 + 256 + 120 = 1741.33 → 1742 s (6 h would be 1869.33 > 1800).
//   test: RPO 60.5 s as prod; RTO at 24 h = 5 × 1024 / 30 + 2 × 24 × 3600 × (2 / 60) / 30 + 120
//                              = 170.67 + 192 + 120 = 482.67 → 483 s.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recoveryHtml, recoveryRows } from '../../../scripts/lib/report/recovery.ts';
import { collectReport } from '../../../scripts/lib/report/index.ts';
import { reportHtml } from '../../../scripts/lib/report/html.ts';
import { repoRoot } from '../../helpers/repo-copy.ts';

describe('report: recovery (PostgreSQL)', () => {
  it('computes each environment\'s worst case next to its targets; dev has no budget', () => {
    assert.deepEqual(recoveryRows(), [
      { env: 'dev' },
      {
        env: 'test',
        budget: { rpoSeconds: 300, rtoSeconds: 3600, worstCaseRpoSeconds: 60.5, worstCaseRtoSeconds: 483, failoverRpoSeconds: 0, archiveTimeoutSeconds: 60, backupCadenceHours: 24, retention: '7d' },
      },
      {
        env: 'prod',
        budget: { rpoSeconds: 300, rtoSeconds: 1800, worstCaseRpoSeconds: 60.5, worstCaseRtoSeconds: 1742, failoverRpoSeconds: 0, archiveTimeoutSeconds: 60, backupCadenceHours: 4, retention: '7d' },
      },
    ]);
  });

  it('says when a worst case exceeds its target', () => {
    const html = recoveryHtml([{ env: 'prod', budget: { rpoSeconds: 300, rtoSeconds: 900, worstCaseRpoSeconds: 60.5, worstCaseRtoSeconds: 1742, failoverRpoSeconds: 0, archiveTimeoutSeconds: 60, backupCadenceHours: 4, retention: '7d' } }]);
    assert.match(html, /60\.5 s <small class="muted">≤ target 300 s<\/small>/);
    assert.match(html, /1742 s <small class="muted">&gt; target 900 s<\/small>/);
  });

  it('is a section of the page npm run report writes', { timeout: 300_000 }, async () => {
    const html = reportHtml(await collectReport(repoRoot));
    const section = /<section id="recovery">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
    const row = (env: string) => new RegExp(`<tr><th>${env}</th>(.*?)</tr>`).exec(section)?.[1] ?? '';
    assert.match(row('prod'), /^<td>60\.5 s <small class="muted">≤ target 300 s<\/small><\/td><td>1742 s <small class="muted">≤ target 1800 s<\/small><\/td><td>0 s<\/td><td>60 s<\/td><td>every 4 h, kept 7d<\/td>$/);
    assert.match(row('test'), /<td>483 s <small class="muted">≤ target 3600 s<\/small><\/td>.*every 24 h/);
    assert.match(row('dev'), /no recovery budget/);
  });
});

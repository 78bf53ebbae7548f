// npm run report's argument handling: refusals happen before anything is rendered or written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { architectureDoc } from '../../../scripts/lib/report/docs.ts';
import { repoRoot } from '../../helpers/repo-copy.ts';

const report = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts/report.ts'), ...args], { cwd: repoRoot, encoding: 'utf8' });

describe('report CLI', () => {
  it('exits 2 on an unknown option, with the usage', () => {
    const r = report('--bogus');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /usage: npm run report -- \[--out <dir>\] \[--branches\] \[--update-docs\]/);
  });

  it('refuses to write the docs from the branches (they document this checkout), touching nothing', () => {
    const before = readFileSync(join(repoRoot, architectureDoc), 'utf8');
    const r = report('--branches', '--update-docs');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--update-docs documents this checkout; run it without --branches/);
    assert.equal(readFileSync(join(repoRoot, architectureDoc), 'utf8'), before);
  });
});

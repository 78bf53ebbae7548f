// The command lines the workflows run, run here as written: what lands in the SARIF
// file and in the pull request comment (test/workflows.test.ts checks they are used).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { commentMarker } from '../scripts/lib/review/format.ts';
import { repoRoot } from './helpers/repo-copy.ts';

describe('workflow command lines', () => {
  it('npm run validate -- --format sarif (as the pull request workflow runs it) writes pure SARIF, no npm banner', { timeout: 120_000 }, () => {
    const r = spawnSync('sh', ['-c', 'npm run --silent validate -- --format sarif'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.ok(r.stdout.trim(), `validate printed no SARIF (exit ${r.status}): ${r.stderr}`);
    const sarif = JSON.parse(r.stdout) as { version: string; runs: Array<{ tool: { driver: { name: string } } }> };
    assert.equal(sarif.version, '2.1.0');
    assert.ok(sarif.runs.length >= 1);
  });

  it('npm run diff -- --format markdown --out (as the pull request workflow runs it) writes the comment body', { timeout: 120_000 }, () => {
    const out = mkdtempSync(join(tmpdir(), 'marquee-wf-'));
    try {
      const file = join(out, 'rendered-diff.md');
      const r = spawnSync('sh', ['-c', `npm run --silent diff -- --base HEAD --format markdown --out ${file}`], { cwd: repoRoot, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.ok(readFileSync(file, 'utf8').startsWith(commentMarker));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

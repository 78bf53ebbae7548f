// The policy tests judge exemptions on a day they choose, not the day they run: run them
// with the process clock moved past every declared exemption's expiry and they still pass.
// (Users keep real expiry: validate and the report use today's date and warn ahead of it.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { exemptions } from '../../policies/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const preload = fileURLToPath(new URL('../helpers/shifted-clock.mjs', import.meta.url));

describe('policy tests and the wall clock', () => {
  it('pass with the clock a year past the latest exemption expiry', () => {
    const latest = exemptions.map((e) => e.expires).sort().at(-1)!;
    const later = new Date(`${latest}T12:00:00Z`);
    later.setUTCFullYear(later.getUTCFullYear() + 1);
    const files = ['test/policies/repository.test.ts'];
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', preload, '--test', '--test-reporter=dot', ...files], {
      cwd: root,
      // NODE_TEST_CONTEXT would make the inner runner report to this one instead of running.
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, SHIFTED_NOW: later.toISOString() },
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.error, undefined, `running ${files.join(' ')} with the clock at ${later.toISOString()}: ${r.error?.message}`);
    assert.equal(r.status, 0, `with the clock at ${later.toISOString()}:\n${r.stdout}\n${r.stderr}`);
  });

  it('the shifted clock really moves the date the tests see (it can fail)', () => {
    const r = spawnSync(process.execPath, ['--import', preload, '-e', 'console.log(new Date().toISOString().slice(0, 10))'], {
      env: { ...process.env, SHIFTED_NOW: '2031-04-05T00:00:00Z' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.stdout.trim(), '2031-04-05', r.stderr);
  });
});

// Parity of validate's port (policies/lib/prometheus.ts) with the real tools, so the port is not
// its own oracle: every case the unit test judges is fed to promtool check rules, amtool check-config
// or the prometheus binary's flag parser, and both must refuse it, or both accept it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkAlertmanagerConfig, checkDurationFlags, checkRuleFile, parseDuration } from '../../policies/lib/prometheus.ts';
import { alertmanagerFiles, badDurations, goodDurations, ruleFiles } from '../policies/lib/prometheus-cases.ts';
import { committedRuleFiles, readText, run, tempDir } from './support.ts';

const dir = tempDir('parity');
const fileOf = (name: string, text: string): string => {
  const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.yml`);
  writeFileSync(file, text);
  return file;
};

describe('rule files: our check and promtool check rules agree', () => {
  for (const c of ruleFiles)
    it(c.name, () => {
      const r = run('promtool', ['check', 'rules', fileOf(`rules-${c.name}`, c.text)]);
      const ours = checkRuleFile(c.text);
      assert.equal(r.status === 0, ours.length === 0, `promtool (exit ${r.status}):\n${r.out}\nours: ${JSON.stringify(ours)}`);
    });
  it('the committed rule files: promtool accepts them and so do we', () => {
    const files = committedRuleFiles();
    assert.ok(files.length > 3, files.join(', '));
    const r = run('promtool', ['check', 'rules', ...files]);
    assert.equal(r.status, 0, r.out);
    assert.deepEqual(files.flatMap((f) => checkRuleFile(readText(f)).map((p) => `${f}:${p.line}: ${p.message}`)), []);
  });
});

describe('Alertmanager configuration: our check and amtool check-config agree', () => {
  for (const c of alertmanagerFiles)
    it(c.name, () => {
      const r = run('amtool', ['check-config', fileOf(`am-${c.name}`, c.text)]);
      const ours = checkAlertmanagerConfig(c.text);
      assert.equal(r.status === 0, ours.length === 0, `amtool (exit ${r.status}):\n${r.out}\nours: ${JSON.stringify(ours)}`);
    });
});

describe("durations: our port and the prometheus binary's flag parser agree", () => {
  // An accepted flag gets as far as loading the (missing) configuration file; a refused one stops at the arguments.
  const refusedByPrometheus = (flag: string): { refused: boolean; out: string } => {
    const r = run('prometheus', [flag, `--config.file=${join(dir, 'missing.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`], { timeoutMs: 20_000 });
    assert.notEqual(r.status, 0, `prometheus started with ${flag}`);
    const refused = /Error parsing commandline arguments/.test(r.out);
    assert.ok(refused || /Error loading config/.test(r.out), r.out);
    return { refused, out: r.out };
  };
  for (const input of [...goodDurations.map(([d]) => d), ...badDurations])
    it(JSON.stringify(input), () => {
      const { refused, out } = refusedByPrometheus(`--query.timeout=${input}`);
      assert.equal(refused, 'error' in parseDuration(input), out);
    });
  it('the retention flag of bug 4 is refused by both, the overlay\'s own value accepted by both', () => {
    for (const [value, bad] of [['30days', true], ['30d', false]] as const) {
      const flag = `--storage.tsdb.retention.time=${value}`;
      assert.equal(refusedByPrometheus(flag).refused, bad, flag);
      assert.equal(checkDurationFlags([flag]).length > 0, bad, flag);
    }
  });
});

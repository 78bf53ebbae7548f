// The port of Prometheus' and Alertmanager's loaders (policies/lib/prometheus.ts): the owners' test
// tables, and each case's problems at the line a person reads them on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAlertmanagerConfig, checkDurationFlags, checkRuleFile, parseDuration } from '../../../policies/lib/prometheus.ts';
import { alertmanagerFiles, badDurations, goodDurations, ruleFiles, type FileCase } from './prometheus-cases.ts';

describe('model.ParseDuration (prometheus/common model/time_test.go)', () => {
  for (const [input, ms] of goodDurations) it(`${JSON.stringify(input)} is ${ms} ms`, () => assert.deepEqual(parseDuration(input), { ms }));
  for (const input of badDurations) it(`${JSON.stringify(input)} is refused`, () => assert.ok('error' in parseDuration(input), JSON.stringify(parseDuration(input))));
  it('says what Prometheus says', () => {
    assert.deepEqual(parseDuration(''), { error: 'empty duration string' });
    assert.deepEqual(parseDuration('1y1m1d'), { error: 'not a valid duration string: "1y1m1d"' });
    assert.deepEqual(parseDuration('30days'), { error: 'unknown unit "days" in duration "30days"' });
    assert.deepEqual(parseDuration('294y'), { error: 'duration out of range' });
  });
});

const judged = (check: (text: string) => { message: string; line: number }[], c: FileCase) => () => {
  const got = check(c.text);
  assert.equal(got.length, c.problems.length, JSON.stringify(got));
  c.problems.forEach(([fragment, line], i) => {
    assert.ok(got[i]!.message.includes(fragment), `${got[i]!.message} lacks ${fragment}`);
    assert.equal(got[i]!.line, line, got[i]!.message);
  });
};

describe('rule files (prometheus/prometheus model/rulefmt/rulefmt.go Validate)', () => {
  for (const c of ruleFiles) it(c.name, judged(checkRuleFile, c));
  it('names the column of a PromQL error inside a literal block', () => {
    const c = ruleFiles.find((x) => x.name.includes('literal block'))!;
    const [p] = checkRuleFile(c.text);
    // line 8 is `          ) > > 5000`: the second `>` is at column 15
    assert.deepEqual([p!.line, p!.column], [8, 15]);
  });
  it('YAML that Prometheus cannot decode (a key twice) is one problem at its line', () =>
    assert.deepEqual(checkRuleFile('groups:\n  - name: a\n    name: b\n    rules: []\n').map((p) => [p.line, p.message.startsWith('does not parse as YAML')]), [[3, true]]));
});

describe('Alertmanager configuration (prometheus/alertmanager config/config.go)', () => {
  for (const c of alertmanagerFiles) it(c.name, judged(checkAlertmanagerConfig, c));
});

describe('Prometheus duration flags (cmd/prometheus/main.go)', () => {
  it('finds the argument that does not parse, in either flag form', () => {
    assert.deepEqual(checkDurationFlags(['--config.file=/etc/p.yml', '--storage.tsdb.retention.time=30days', '--query.timeout', '2 m', '--web.read-timeout=5m']), [
      { index: 1, message: '--storage.tsdb.retention.time: unknown unit "days" in duration "30days"' },
      { index: 3, message: '--query.timeout: unknown unit " m" in duration "2 m"' },
    ]);
  });
  it('leaves other flags alone', () => assert.deepEqual(checkDurationFlags(['--storage.tsdb.path=/prometheus', '--web.route-prefix=/', '--storage.tsdb.retention.size=10GB']), []));
});

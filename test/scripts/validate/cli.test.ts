// The CLI contract: exit codes, formats, the summary line, usage errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../helpers/repo-copy.ts';

// Through scripts/launch.mjs, as `npm run validate` and the pre-commit hook run it.
const validate = (args: string[], cwd = repoRoot) =>
  spawnSync(process.execPath, [join(repoRoot, 'scripts/launch.mjs'), 'validate', ...args], { cwd, encoding: 'utf8', timeout: 120_000 });

const bad = () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-cli-'));
  writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  ports:\n    - port: http\n      protcol: TCP\n');
  return dir;
};

test('findings exit 1 with file:line, rule and fix in text output', () => {
  const dir = bad();
  try {
    const r = validate(['bad.yaml'], dir);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^bad\.yaml:8:\d+ {2}error {2}schema {2}Service\/x spec\.ports\[0\]\.protcol: unknown field "protcol"/m);
    assert.match(r.stdout, /fix: did you mean "protocol"/);
    assert.match(r.stdout, /bad\.yaml:7:\d+ {2}error {2}schema {2}Service\/x spec\.ports\[0\]\.port: must be integer \(got "http"\)/);
    assert.match(r.stdout, /^1 file · 1 resources · 2 errors · \d+\.\d s$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sarif, junit and json formats carry the same findings', () => {
  const dir = bad();
  try {
    const sarif = JSON.parse(validate(['--format', 'sarif', 'bad.yaml'], dir).stdout);
    assert.equal(sarif.version, '2.1.0');
    const results = sarif.runs[0].results;
    assert.equal(results.length, 2);
    assert.deepEqual(results.map((x: any) => x.locations[0].physicalLocation.region.startLine).sort(), [7, 8]);
    assert.ok(results.every((x: any) => sarif.runs[0].tool.driver.rules[x.ruleIndex].id === x.ruleId));

    const junit = validate(['--format', 'junit', 'bad.yaml'], dir).stdout;
    assert.match(junit, /<testsuite name="bad\.yaml" tests="2" failures="2"/);
    assert.equal((junit.match(/<failure /g) ?? []).length, 2);

    const json = JSON.parse(validate(['--format', 'json', 'bad.yaml'], dir).stdout);
    assert.equal(json.summary.errors, 2);
    assert.deepEqual(json.findings.map((f: any) => f.line).sort(), [7, 8]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('usage errors exit 2 with one clear message', () => {
  const unknownFormat = validate(['--format', 'xml']);
  assert.equal(unknownFormat.status, 2);
  assert.match(unknownFormat.stderr, /validate: --format xml: expected one of text, json, junit, sarif/);
  const unknownEnv = validate(['--env', 'staging']);
  assert.equal(unknownEnv.status, 2);
  assert.match(unknownEnv.stderr, /--env staging: unknown environment \(known: dev, test, prod\)/);
  const missing = validate(['no/such/dir']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no\/such\/dir: no such file or directory/);
  const unknownFlag = validate(['--frmat', 'json']);
  assert.equal(unknownFlag.status, 2);
});

test('text output: errors always listed; a rule past three warnings is counted, --verbose lists all', async () => {
  const { toText } = await import('../../../scripts/lib/validate/output.ts');
  const warn = (i: number) => ({ rule: 'gitops/digest-pinning', severity: 'warning' as const, file: `base/a${i}.yaml`, message: `w${i}` });
  const findings = [{ rule: 'schema', severity: 'error' as const, file: 'overlays/dev/x.yaml', message: 'boom' }, ...[1, 2, 3, 4, 5].map(warn)];
  const summary = { environments: 3, resources: 10, errors: 1, warnings: 5, seconds: 0.1 } as any;
  const short = toText(findings, summary);
  assert.match(short, /boom/);
  assert.match(short, /w3/);
  assert.doesNotMatch(short, /w4/);
  assert.match(short, /… 2 more gitops\/digest-pinning warnings \(--verbose lists every finding\)/);
  const all = toText(findings, summary, false, true);
  assert.match(all, /w5/);
  assert.doesNotMatch(all, /more gitops/);
});

// The CLI contract: exit codes, formats, the summary line, usage errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../helpers/repo-copy.ts';
import { validateCommand } from '../../../bench/lib/validate-process.ts';
import { VALIDATE_V8_FLAGS } from '../../../scripts/lib/validate/v8-flags.ts';

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
    assert.match(r.stdout, /^1 file · 1 resource · 2 errors · \d+\.\d s$/m);
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
  // thrown in repository mode's own bundle (scripts/validate.repo.ts), whose UsageError is a class of its own
  assert.doesNotMatch(unknownEnv.stderr, /internal error|\n\s+at /);
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

test('--kubernetes-version: a version that does not read is a usage error; a real one moves the removed-API check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-cli-'));
  try {
    writeFileSync(join(dir, 'old.yaml'), 'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: x\nspec:\n  minAvailable: 1\n');
    const foo = validate(['--kubernetes-version', 'foo', 'old.yaml'], dir);
    assert.equal(foo.status, 2, foo.stdout);
    assert.match(foo.stderr, /validate: --kubernetes-version foo: expected a Kubernetes version such as 1\.31/);
    const repo = validate(['--kubernetes-version', '1.31']);
    assert.equal(repo.status, 2);
    assert.match(repo.stderr, /--kubernetes-version applies to files mode/);
    const removed = validate(['--kubernetes-version', 'v1.31.2', 'old.yaml'], dir);
    assert.equal(removed.status, 1, removed.stderr);
    assert.match(removed.stdout, /policy\/v1beta1 PodDisruptionBudget was removed in Kubernetes 1\.25 \(cluster runs 1\.31\)/);
    const before = validate(['--kubernetes-version', '1.24', 'old.yaml'], dir);
    assert.doesNotMatch(before.stdout, /was removed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('files mode: a repository-only flag, a version validate does not know, or a path with no manifest is a usage error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-cli-'));
  try {
    writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
    for (const [args, message] of [
      [['--env', 'nosuchenv', 'cm.yaml'], 'validate: --env nosuchenv: repository mode only'],
      [['--branches', 'cm.yaml'], 'validate: --branches: repository mode only'],
      [['--no-cache', 'cm.yaml'], 'validate: --no-cache: repository mode only'],
      [['--kubernetes-version', '1.99', 'cm.yaml'], 'validate: --kubernetes-version 1.99: validate knows Kubernetes 1.16 to 1.34'],
      [['--kubernetes-version', '1.15', 'cm.yaml'], 'validate: --kubernetes-version 1.15: validate knows Kubernetes 1.16 to 1.34'],
    ] as const) {
      const r = validate([...args], dir);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.ok(r.stderr.startsWith(message), r.stderr);
    }
    const newest = validate(['--kubernetes-version', '1.34', 'cm.yaml'], dir);
    assert.equal(newest.status, 0, newest.stderr);

    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs', 'readme.txt'), 'hi\n');
    const none = validate(['docs'], dir);
    assert.equal(none.status, 2, none.stdout);
    assert.equal(none.stdout, '');
    assert.equal(none.stderr, 'validate: nothing to validate in docs: no .yaml, .yml or .json file\n');
    writeFileSync(join(dir, 'docs', 'kustomization.yaml'), 'resources: []\n');
    // only files skipped with a note (a pre-commit hook handing over a kustomization): a pass, the note says why
    const skipped = validate(['docs'], dir);
    assert.equal(skipped.status, 0, skipped.stdout);
    assert.match(skipped.stderr, /^skipped docs\/kustomization\.yaml: a kustomization/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('FORCE_COLOR colours a pipe, NO_COLOR keeps it plain', () => {
  const dir = bad();
  try {
    const env = (extra: Record<string, string>) => {
      const e: Record<string, string | undefined> = { ...process.env, ...extra };
      if (!('FORCE_COLOR' in extra)) delete e.FORCE_COLOR;
      return e;
    };
    const run = (extra: Record<string, string>) =>
      spawnSync(process.execPath, [join(repoRoot, 'scripts/launch.mjs'), 'validate', 'bad.yaml'], { cwd: dir, encoding: 'utf8', timeout: 120_000, env: env(extra) });
    assert.match(run({ FORCE_COLOR: '1' }).stdout, /\x1b\[31merror\x1b\[0m/);
    assert.doesNotMatch(run({ NO_COLOR: '1' }).stdout, /\x1b\[/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('junit: an invalid YAML file is one failing test in its own suite, and the totals say so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-cli-'));
  try {
    writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   data: 1\n');
    const junit = validate(['--format', 'junit', 'broken.yaml'], dir).stdout;
    assert.match(junit, /<testsuites name="marquee validate" tests="1" failures="1" skipped="0"/);
    assert.match(junit, /<testsuite name="broken\.yaml" tests="1" failures="1" skipped="0">/);
    assert.equal((junit.match(/<testsuite /g) ?? []).length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('files mode: findings in .json files and in List items carry line numbers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-cli-'));
  try {
    writeFileSync(join(dir, 'svc.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ port: 80, protcol: 'TCP' }] } }, null, 2) + '\n');
    writeFileSync(
      join(dir, 'list.yaml'),
      'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: a\n  - apiVersion: v1\n    kind: Service\n    metadata:\n      name: b\n    spec:\n      ports:\n        - port: http\n',
    );
    const json = JSON.parse(validate(['--format', 'json', 'svc.json', 'list.yaml'], dir).stdout);
    const where = json.findings.map((f: any) => `${f.file}:${f.line}:${f.path}`).sort();
    assert.deepEqual(where, ['list.yaml:14:spec.ports[0].port', 'svc.json:11:spec.ports[0].protcol']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the pre-commit hook runs validate exactly as `npm run validate` does, with the environment and node options the files-mode benchmark reads', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string>; 'simple-git-hooks': Record<string, string> };
  assert.equal(pkg['simple-git-hooks']['pre-commit'], pkg.scripts.validate);
  // V8's helper threads fewer than node's default 4: files mode's own threads use the cores (docs/benchmarks.md, files
  // mode); validate's V8 flags from the start (lib/validate/v8-flags.ts); no extra CA certificates (scripts/validate.ts
  // says why)
  assert.deepEqual(validateCommand(join(repoRoot, 'scripts/launch.mjs')), { env: { NODE_EXTRA_CA_CERTS: '' }, options: ['--v8-pool-size=2', ...VALIDATE_V8_FLAGS] });
});

test('`npm run validate` starts node without NODE_EXTRA_CA_CERTS: a file it cannot load is not even read (node warns at start-up when it reads one)', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: join(tmpdir(), 'marquee-no-such-ca-file.pem') };
  const warning = /Ignoring extra certs from/;
  // node itself reads the variable before any script runs: the warning shows that it did
  assert.match(spawnSync(process.execPath, ['-e', '0'], { env, encoding: 'utf8', timeout: 30_000 }).stderr, warning);
  const dir = bad();
  try {
    // the script's command line as npm runs it (sh -c, in the package's folder), with validate's arguments after it
    const r = spawnSync('sh', ['-c', `${pkg.scripts.validate} ${join(dir, 'bad.yaml')}`], { cwd: repoRoot, env: { ...env, PATH: `${process.execPath.replace(/\/node$/, '')}:${process.env.PATH}` }, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /unknown field "protcol"/);
    assert.doesNotMatch(r.stderr, warning);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

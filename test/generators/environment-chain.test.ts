// Environments in one place: every file that names the environment chain is generated from
// the contract (generators/repo-files.ts regions) — checked here by adding a `staging`
// environment to a temporary copy of the repository and regenerating, and by wrong contract
// edits that must end in one message naming the field (never a stack trace).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { spliceRegions } from '../../generators/repo-files.ts';
import { checkEnvironments } from '../../generators/environments-check.ts';
import { clusters, environments } from '../../generators/environments.ts';
import { repoRoot } from '../fixtures/argocd/repo.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of this repository's HEAD with node_modules linked, and the contract edited by `edit`. */
function copyWith(edit: (contract: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-chain-'));
  dirs.push(dir);
  execFileSync('tar', ['-x', '-C', dir], { input: execFileSync('git', ['archive', 'HEAD'], { cwd: repoRoot, maxBuffer: 256 * 1024 * 1024 }) });
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  const file = join(dir, 'generators/environments.ts');
  const before = readFileSync(file, 'utf8');
  const after = edit(before);
  assert.notEqual(after, before, 'the edit applies');
  writeFileSync(file, after);
  return dir;
}
const generateIn = (dir: string) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generate.ts'], { cwd: dir, encoding: 'utf8' });

const staging = `  staging: {
    name: 'staging',
    branch: 'staging',
    namespace: 'marquee-staging',
    cluster: 'nonprod',
    overlay: 'overlays/staging',
    replicas: { min: 2, max: 6 },
    resources: 'standard',
    ingressHost: 'staging.marquee.example.com',
    sync: { automated: true, preserveResourcesOnDeletion: true },
    owners: ['@marquee-shop/qa'],
    requireDigests: false,
  },
`;
/** Insert staging between test and prod in `environments` (not in `clusters`, which also has a prod key). */
const addStaging = (src: string): string => {
  const envs = src.indexOf('export const environments = {');
  const prod = src.indexOf('  prod: {', envs);
  return src.slice(0, prod) + staging + src.slice(prod);
};

describe('adding staging between test and prod regenerates every file that names the chain', () => {
  it('workflows, README, docs/delivery.md, CODEOWNERS, docs/environments.md', () => {
    const dir = copyWith(addStaging);
    const r = generateIn(dir);
    assert.equal(r.status, 0, r.stderr);
    const read = (p: string) => readFileSync(join(dir, p), 'utf8');
    const promote = parse(read('.github/workflows/promote.yml'));
    assert.deepEqual(promote.on.workflow_dispatch.inputs.promotion.options, ['dev-to-test', 'test-to-staging', 'staging-to-prod']);
    assert.match(read('.github/workflows/promote.yml'), /\n {10}for b in develop release staging main; do\n/);
    const pr = parse(read('.github/workflows/pull-request.yml'));
    assert.deepEqual(pr.on.pull_request.branches, ['develop', 'release', 'staging', 'main']);
    assert.deepEqual(pr.on.push.branches, ['develop', 'release', 'staging', 'main']);
    assert.match(read('README.md'), /\| test \| `release` \| `marquee-test` \| nonprod \|\n\| staging \| `staging` \| `marquee-staging` \| nonprod \|\n\| prod \| `main` \| `marquee-prod` \| prod \|\n/);
    assert.match(read('docs/delivery.md'), /develop ──promote──▶ release ──promote──▶ staging ──promote──▶ main\n/);
    assert.match(read('docs/delivery.md'), /main ⊆ staging ⊆ release ⊆ develop/);
    assert.match(read('.github/CODEOWNERS'), /\n\/overlays\/staging\/ @marquee-shop\/qa\n/);
    assert.match(read('docs/environments.md'), /\| staging \| `staging` \| `marquee-staging` \|/);
    assert.match(read('argocd/applicationsets/application-set-marquee-staging.yaml'), /\n {18}branch: staging\n/, 'an ApplicationSet tracks the staging branch');
    assert.match(read('argocd/projects/app-project-marquee-staging.yaml'), /namespace: marquee-staging\n/);
    // the workflow's step parsing agrees with the generated choices
    const step = 'test-to-staging';
    assert.deepEqual([step.split('-to-')[0], step.slice(step.indexOf('-to-') + 4)], ['test', 'staging']);
  });
});

describe('a wrong contract edit is one message naming the field', () => {
  for (const [what, edit, field] of [
    ['a cluster that does not exist', (s: string) => addStaging(s).replace("branch: 'staging',\n    namespace: 'marquee-staging',\n    cluster: 'nonprod'", "branch: 'staging',\n    namespace: 'marquee-staging',\n    cluster: 'nonprd'"), /environments\.staging\.cluster is "nonprd"; one of nonprod, prod/],
    ['a branch two environments track', (s: string) => addStaging(s).replace("branch: 'staging'", "branch: 'release'"), /environments\.staging\.branch "release" is already environments\.test\.branch/],
    ['a cluster without its platform namespace', (s: string) => s.replace(/(  prod: \{\n    name: 'prod',\n    server: '[^']*',\n)    platformNamespace: 'monitoring',\n/, '$1'), /clusters\.prod\.platformNamespace is missing/],
    ['a cluster whose Vault is not an https:// URL', (s: string) => s.replace("server: 'https://vault.prod.marquee.internal:8200'", "server: 'vault.prod.marquee.internal:8200'"), /clusters\.prod\.vault\.server is "vault\.prod\.marquee\.internal:8200"; the https:\/\/ URL of the cluster's Vault/],
  ] as const)
    it(what, () => {
      const r = generateIn(copyWith(edit));
      assert.equal(r.status, 1);
      assert.match(r.stderr, field);
      assert.match(r.stderr, /^generate: generators\/environments\.ts: /);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  it('checkEnvironments accepts the committed contract', () => {
    assert.doesNotThrow(() => checkEnvironments(environments, clusters));
  });
});

describe('spliceRegions', () => {
  it('replaces only between the markers and names the file and region when a marker is missing', () => {
    const text = 'keep\n# BEGIN generated: x\nold\n# END generated: x\nkeep too\n';
    assert.equal(spliceRegions('f.yml', text, { x: 'new 1\nnew 2' }), 'keep\n# BEGIN generated: x\nnew 1\nnew 2\n# END generated: x\nkeep too\n');
    assert.throws(() => spliceRegions('f.yml', 'keep\n', { x: 'y' }), /^Error: f\.yml: the generated region "x" is missing/);
  });
});

describe('a hand edit of a generated region is drift naming the file and line', () => {
  it('pull-request.yml branch triggers edited by hand', async () => {
    const dir = copyWith((s) => s.replace("// The environment contract", "// The environment contract (copy)"));
    const file = join(dir, '.github/workflows/pull-request.yml');
    const text = readFileSync(file, 'utf8');
    const line = text.split('\n').findIndex((l) => l === '    branches: [develop, release, main]') + 1;
    assert.ok(line > 0);
    writeFileSync(file, text.replace('    branches: [develop, release, main]', '    branches: [develop, main]'));
    const { driftFindings } = await import('../../scripts/lib/validate/drift.ts');
    const f = await driftFindings(dir, false);
    assert.deepEqual(f.map((x) => [x.rule, x.file, x.line]), [['drift', '.github/workflows/pull-request.yml', line]]);
  });
});

// set-image edits an overlay's images: entry like `kustomize edit set image`, keeps
// every other byte of the file, and refuses what the environment does not allow.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setImage, SetImageError } from '../../../scripts/lib/gitflow/set-image.ts';
import { kustomizeBinary } from '../../../scripts/lib/kustomize/index.ts';
import { makeRepo, repoRoot } from '../../fixtures/argocd/repo.ts';

const repo = makeRepo({ branches: [] });
after(() => repo.cleanup());
const file = 'overlays/dev/services/kustomization.yaml';
const digest = `sha256:${'ab'.repeat(32)}`;

test('dev: only the newTag line changes; comments and flow-style patch targets survive; kustomize renders the tag', async () => {
  const before = repo.read(file);
  const r = await setImage({ root: repo.root, env: 'dev', app: 'inventory', tag: '1.4.2' });
  assert.equal(r.changed, true);
  assert.equal(r.file, file);
  assert.equal(r.image, 'ghcr.io/marquee-shop/inventory');
  const after = repo.read(file);
  const changed = after.split('\n').filter((l, i) => l !== before.split('\n')[i]);
  assert.deepEqual(changed, ['    newTag: 1.4.2']);
  assert.equal(after.split('\n').length, before.split('\n').length);
  assert.match(after, /^# dev services\./, 'the leading comment is kept');
  assert.match(after, /target: \{ kind: HorizontalPodAutoscaler, labelSelector: "marquee.dev\/service-group=api-tier" \}/, 'flow maps are kept');
  const out = execFileSync(kustomizeBinary(), ['build', join(repo.root, 'overlays/dev/services')], { encoding: 'utf8' });
  assert.match(out, /image: ghcr\.io\/marquee-shop\/inventory:1\.4\.2/);
  const again = await setImage({ root: repo.root, env: 'dev', app: 'inventory', tag: '1.4.2' });
  assert.equal(again.changed, false);
});

test('a shared image names the other services; a digest replaces the tag and back', async () => {
  const r = await setImage({ root: repo.root, env: 'dev', app: 'billing-worker', digest });
  assert.deepEqual(r.alsoAffects, ['billing-api']);
  assert.match(repo.read(file), new RegExp(`name: ghcr.io/marquee-shop/billing\\n    digest: ${digest}\\n`));
  assert.doesNotMatch(repo.read(file).split('billing\n')[1]!.split('- name')[0]!, /newTag/);
  await setImage({ root: repo.root, env: 'dev', app: 'billing', tag: '2.0.0' });
  assert.match(repo.read(file), /name: ghcr.io\/marquee-shop\/billing\n    newTag: 2.0.0\n/);
});

test('refusals name the flag and leave the file untouched', async () => {
  const snapshot = () => ['dev', 'test', 'prod'].map((e) => repo.read(`overlays/${e}/services/kustomization.yaml`)).join('\0');
  const before = snapshot();
  const cases: [Parameters<typeof setImage>[0], RegExp][] = [
    [{ root: repo.root, env: 'test', app: 'inventory', tag: 'latest' }, /mutable tag cannot be deployed to test/],
    [{ root: repo.root, env: 'test', app: 'inventory', tag: 'main' }, /mutable tag/],
    [{ root: repo.root, env: 'prod', app: 'inventory', tag: '1.4.2' }, /prod requires an image digest/],
    [{ root: repo.root, env: 'dev', app: 'inventory', tag: '-bad' }, /--tag "-bad": not a valid image tag/],
    [{ root: repo.root, env: 'dev', app: 'inventory', tag: 'a'.repeat(129) }, /not a valid image tag/],
    [{ root: repo.root, env: 'dev', app: 'inventory', digest: 'sha256:abc' }, /--digest .*expected sha256:<64 lowercase hex digits>/],
    [{ root: repo.root, env: 'dev', app: 'inventory' }, /--tag or --digest is required/],
    [{ root: repo.root, env: 'staging', app: 'inventory', tag: '1.0.0' }, /--env staging: unknown environment/],
    [{ root: repo.root, env: 'dev', app: 'payments', tag: '1.0.0' }, /--app payments: not a service[^?]*$/],
    // a typo is named first, with the name it is nearest, even where the environment also wants a digest
    [{ root: repo.root, env: 'prod', app: 'inventry', tag: '1.4.2' }, /--app inventry: not a service .*: did you mean --app inventory\?$/],
    [{ root: repo.root, env: 'dev', app: 'Billing-API', tag: '1.0.0' }, /did you mean --app billing-api\?$/],
  ];
  for (const [opts, re] of cases) await assert.rejects(setImage(opts), (e: unknown) => e instanceof SetImageError && re.test((e as Error).message), JSON.stringify(opts));
  assert.equal(snapshot(), before);
  // latest is fine where the first environment may follow a moving tag.
  const ok = await setImage({ root: repo.root, env: 'dev', app: 'web', tag: 'latest' });
  assert.equal(ok.changed, true);
  const prod = await setImage({ root: repo.root, env: 'prod', app: 'web', tag: '1.4.2', digest });
  assert.deepEqual(prod.after, { newTag: '1.4.2', digest });
});

test('an edit that would break the build is rolled back', async () => {
  const dataFile = join(repo.root, 'overlays/test/data/kustomization.yaml');
  writeFileSync(dataFile, 'resources:\n  - ../../../base/does-not-exist\n');
  const before = repo.read('overlays/test/services/kustomization.yaml');
  await assert.rejects(setImage({ root: repo.root, env: 'test', app: 'inventory', tag: '1.4.3' }), /kustomize build overlays\/test fails after the edit, nothing changed/);
  assert.equal(repo.read('overlays/test/services/kustomization.yaml'), before);
});

test('the CLI: exit 1 with the reason on refusal, 2 on usage errors', () => {
  const run = (...args: string[]) => {
    try {
      return { code: 0, out: execFileSync(process.execPath, ['--import', 'tsx', 'scripts/set-image.ts', ...args], { cwd: repoRoot, encoding: 'utf8', stdio: 'pipe' }) };
    } catch (e: any) {
      return { code: e.status as number, out: `${e.stdout}${e.stderr}` };
    }
  };
  const refused = run('--env', 'test', '--app', 'inventory', '--tag', 'latest');
  assert.equal(refused.code, 1);
  assert.match(refused.out, /set-image: refused: --tag latest: a mutable tag/);
  assert.equal(run('--env', 'dev').code, 2);
  assert.equal(run('--nope').code, 2);
});

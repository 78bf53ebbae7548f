// The no-op check (scripts/lib/kustomize/no-ops.ts) where its scope is not the kustomization's own
// subtree: a Component's patch acts on what the kustomization that includes it builds.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { noOpFindings, renderTargets } from '../../../scripts/lib/kustomize/index.ts';
import { applyEdits, copyRepo, removeRepo } from '../../helpers/repo-copy.ts';

const dirs: string[] = [];
after(() => dirs.forEach(removeRepo));

const component = (target: string) => [
  { file: 'overlays/dev/services/kustomization.yaml', append: 'components:\n  - components/team-label\n' },
  {
    file: 'overlays/dev/services/components/team-label/kustomization.yaml',
    content: `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - target: { kind: Deployment, name: ${target} }\n    patch: |\n      - op: add\n        path: /metadata/labels/team\n        value: shop\n`,
  },
];

async function findings(edits: Parameters<typeof applyEdits>[1]) {
  const dir = copyRepo();
  dirs.push(dir);
  applyEdits(dir, edits);
  const results = await renderTargets(dir, [{ name: 'dev', kind: 'env', path: 'overlays/dev/services', env: 'dev', cluster: 'nonprod', namespace: 'marquee-dev' }], { cache: false });
  assert.deepEqual(results.flatMap((r) => r.findings), [], 'the overlay renders');
  return noOpFindings(dir, results);
}

/** The one finding the edits give, as [rule, file, line], and its message. */
async function theFinding(edits: Parameters<typeof findings>[0]): Promise<{ at: unknown[]; message: string }> {
  const [f, ...more] = await findings(edits);
  assert.deepEqual(more, [], 'one finding');
  assert.ok(f, 'a finding');
  return { at: [f.rule, f.file, f.line], message: f.message };
}

test("a Component's patch that selects an object of the including kustomization is not a no-op", async () => {
  assert.deepEqual(await findings(component('web')), []);
});

test("a Component's patch that selects nothing is, on the component's line", async () => {
  const { at } = await theFinding(component('webb'));
  assert.deepEqual(at, ['kustomize/no-op', 'overlays/dev/services/components/team-label/kustomization.yaml', 4]);
});

// kustomize 4.5.4 (evanphx/json-patch v4.11.0) adds the key a `replace` names when the map has
// none; only a key nothing else writes before the op is reported.
const replacePatch = (ops: string) => [
  { file: 'overlays/dev/services/kustomization.yaml', append: '  - path: patches/web-labels.yaml\n    target: { kind: Deployment, name: web }\n' },
  { file: 'overlays/dev/services/patches/web-labels.yaml', content: ops },
];

test('a replace of a key the object has is not reported', async () => {
  assert.deepEqual(await findings(replacePatch('- op: replace\n  path: /metadata/labels/app.kubernetes.io~1component\n  value: storefront\n')), []);
});

test('a replace of a key an earlier op adds is not reported', async () => {
  assert.deepEqual(await findings(replacePatch('- op: add\n  path: /metadata/labels/tier\n  value: edge\n- op: replace\n  path: /metadata/labels/tier\n  value: web\n')), []);
});

test('a replace of a key nothing writes is, on the op\'s path line', async () => {
  const { at, message } = await theFinding(replacePatch('# tier of the web pods\n- op: replace\n  path: /metadata/labels/tier\n  value: web\n'));
  assert.deepEqual(at, ['kustomize/json-patch-path', 'overlays/dev/services/patches/web-labels.yaml', 3]);
  assert.match(message, /Deployment web has no tier under \/metadata\/labels/);
});

// kustomize selects a patch's target by the object's original name or its current one
// (api/resmap/reswrangler.go Select), and a kustomization runs its `patches` before its own
// namePrefix / nameSuffix: a rendered name that carries them is no reason to call a patch a no-op.
const namePrefix = { file: 'overlays/dev/services/kustomization.yaml', replace: ['namespace: marquee-dev\n', 'namespace: marquee-dev\nnamePrefix: dev-\nnameSuffix: -v2\n'] as [string, string] };

async function findingsAt(path: string, edits: Parameters<typeof applyEdits>[1]) {
  const dir = copyRepo();
  dirs.push(dir);
  applyEdits(dir, edits);
  const results = await renderTargets(dir, [{ name: 'dev', kind: 'env', path, env: 'dev', cluster: 'nonprod', namespace: 'marquee-dev' }], { cache: false });
  assert.deepEqual(results.flatMap((r) => r.findings), [], 'the overlay renders');
  assert.ok(results[0]!.objects.some((o) => o.object.kind === 'Ingress' && o.object.metadata.name === 'dev-web-v2'), 'the Ingress is renamed');
  return noOpFindings(dir, results);
}

test('under a namePrefix and nameSuffix, the overlay\'s patch of the Ingress named web is not a no-op', async () => {
  assert.deepEqual(await findingsAt('overlays/dev/services', [namePrefix]), []);
});

test('under a namePrefix, a patch naming no object is still reported, with the rendered names', async () => {
  const { at, message } = await theFinding([namePrefix, { file: 'overlays/dev/services/kustomization.yaml', replace: ['target: { kind: Ingress, name: web }', 'target: { kind: Ingress, name: webb }'] }]);
  assert.deepEqual(at, ['kustomize/no-op', 'overlays/dev/services/kustomization.yaml', 39]);
  assert.match(message, /Ingress built here: dev-web-v2/);
});

test('an outer kustomization selects a renamed object by its original name or its current one', async () => {
  const outer = (name: string) => ({
    file: 'overlays/dev/outer/kustomization.yaml',
    content: `resources:\n  - ../services\npatches:\n  - target: { kind: Ingress, name: ${name} }\n    patch: |\n      - op: add\n        path: /metadata/labels/tier\n        value: edge\n`,
  });
  assert.deepEqual(await findingsAt('overlays/dev/outer', [namePrefix, outer('web')]), [], 'the original name');
  assert.deepEqual(await findingsAt('overlays/dev/outer', [namePrefix, outer('dev-web-v2')]), [], 'the current name');
  const wrong = await findingsAt('overlays/dev/outer', [namePrefix, outer('web-v2')]);
  assert.deepEqual(wrong.map((f) => [f.rule, f.file, f.line]), [['kustomize/no-op', 'overlays/dev/outer/kustomization.yaml', 4]], 'a name the object never had');
});

// kustomize 4.5.4 runs a kustomization's `patches` before its namePrefix and `patchesJson6902`
// after it (configureBuiltinTransformers); tried with its build: only the second adds its label.
test('in the kustomization with the namePrefix, the prefixed name selects for patchesJson6902 but not for patches', async () => {
  const entry = (field: string) => ({
    file: 'overlays/dev/services/kustomization.yaml',
    append: `${field}:\n  - target: { kind: Ingress, name: dev-web-v2 }\n    patch: |\n      - op: add\n        path: /metadata/labels/tier\n        value: edge\n`,
  });
  assert.deepEqual(await findingsAt('overlays/dev/services', [namePrefix, entry('patchesJson6902')]), [], 'patchesJson6902');
  const first = { file: 'overlays/dev/services/kustomization.yaml', replace: ['patches:\n', 'patches:\n  - target: { kind: Ingress, name: dev-web-v2 }\n    patch: |\n      - op: add\n        path: /metadata/labels/tier\n        value: edge\n'] as [string, string] };
  const early = await findingsAt('overlays/dev/services', [namePrefix, first]);
  assert.deepEqual(early.map((f) => [f.rule, f.file, f.line]), [['kustomize/no-op', 'overlays/dev/services/kustomization.yaml', 32]], 'patches');
});

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

async function findings(edits: ReturnType<typeof component>) {
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

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

test("a Component's patch that selects an object of the including kustomization is not a no-op", async () => {
  assert.deepEqual(await findings(component('web')), []);
});

test("a Component's patch that selects nothing is, on the component's line", async () => {
  const [f, ...more] = await findings(component('webb'));
  assert.deepEqual(more, []);
  assert.equal(f?.rule, 'kustomize/no-op');
  assert.equal(f?.file, 'overlays/dev/services/components/team-label/kustomization.yaml');
  assert.equal(f?.line, 4);
});

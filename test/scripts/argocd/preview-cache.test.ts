// appset:preview keeps each Application's kustomize build by the git tree ids of what it
// reads (plus options, kustomize and the preview's code): a second run builds nothing,
// and a change under the Application's path builds it again with the new content.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { previewApplicationSets } from '../../../scripts/lib/argocd/preview.ts';
import { makeRepo } from '../../fixtures/argocd/repo.ts';

const repo = makeRepo();
after(() => repo.cleanup());

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  run: "${randomUUID()}"\n`;
const devData = async () => {
  const r = await previewApplicationSets({ root: repo.root, branch: 'main', prs: [], select: (n) => n === 'marquee-dev-data' });
  assert.deepEqual(r.findings, []);
  return r.applications.find((a) => a.name === 'marquee-dev-data')!;
};

test('a rendered path is built once, reused from the cache, and built again when a file under it changes', async () => {
  // GIVEN dev's data overlay with content no earlier run has seen (a fresh cache key)
  const kfile = 'overlays/dev/data/kustomization.yaml';
  const base = repo.read(kfile).replace('resources:\n', 'resources:\n  - marker.yaml\n');
  repo.commit('main', 'a marker ConfigMap', { 'overlays/dev/data/marker.yaml': configMap('marker'), [kfile]: base });
  const first = await devData();
  assert.equal(first.cached, false, 'first build runs kustomize');
  // WHEN nothing changed THEN the build comes from the cache, same result
  const second = await devData();
  assert.equal(second.cached, true, 'second build is a cache hit');
  assert.equal(second.objects, first.objects);
  // WHEN a file under the path changes THEN the build runs again and sees the change
  repo.commit('main', 'one more ConfigMap', { 'overlays/dev/data/extra.yaml': configMap('extra'), [kfile]: base.replace('  - marker.yaml\n', '  - marker.yaml\n  - extra.yaml\n') });
  const third = await devData();
  assert.equal(third.cached, false, 'a changed input invalidates the entry');
  assert.equal(third.objects, first.objects! + 1);
});

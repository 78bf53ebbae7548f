// The between-run caches of validate answer exactly what a fresh computation
// would: a cached finding position moves when the file it was found in changes,
// a cached model verdict is the model's, and a cached parse is a private copy.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { argoSchemaError } from '../../../scripts/lib/argocd/models.ts';
import { objectsFrom } from '../../../scripts/lib/kustomize/index.ts';
import { saveLocationCache, SourceLocator } from '../../../scripts/lib/validate/locate.ts';
import { clearParsedYaml } from '../../../scripts/lib/validate/sources.ts';
import type { Target } from '../../../kube/index.ts';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-caches-'));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
}

const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n';
const kustomization = (patched: boolean) =>
  `resources:\n  - deployment.yaml\n${patched ? 'patches:\n  - path: replicas.yaml\n    target: { kind: Deployment }\n' : ''}`;
const patch = '- op: replace\n  path: /spec/replicas\n  value: four\n';
const rendered = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 'four' } };

test('a remembered position follows edits of the files it was found in', () => {
  const dir = tree({ 'o/kustomization.yaml': kustomization(true), 'o/deployment.yaml': deployment, 'o/replicas.yaml': patch });
  try {
    // Each call is a new validate run: a new locator and an empty per-run parse cache.
    const at = () => (clearParsedYaml(), new SourceLocator(dir)).locate(rendered, ['spec', 'replicas'], 'o/deployment.yaml', 'o');
    // sameValue: the JSON patch op holds the rendered value (what picks it among several patches).
    assert.deepEqual({ ...at(), exact: true }, { file: 'o/replicas.yaml', line: 3, column: 10, exact: true, sameValue: true });
    assert.equal(at()?.line, 3, 'asked again, unchanged: same answer');
    saveLocationCache();

    writeFileSync(join(dir, 'o/replicas.yaml'), `# why four\n# (a test)\n${patch}`);
    assert.equal(at()?.line, 5, 'two lines added above the patch: the position moves with it');

    writeFileSync(join(dir, 'o/kustomization.yaml'), kustomization(false));
    const fromOrigin = at();
    assert.equal(fromOrigin?.file, 'o/deployment.yaml', 'the patch is no longer applied: the origin file is named');
    assert.equal(fromOrigin?.line, 6);

    writeFileSync(join(dir, 'o/deployment.yaml'), deployment.replace('kind: Deployment\n', 'kind: Deployment\n# moved\n'));
    assert.equal(at()?.line, 7, 'the origin file changed: its new line');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Argo CD model verdicts are the model\'s, on the first call and from the cache', async () => {
  const bad = { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'x' }, spec: { goTemplate: 'yes', generators: [], template: { metadata: {}, spec: { project: 'p', destination: {} } } } };
  const first = await argoSchemaError('ApplicationSet', bad);
  assert.match(first ?? '', /goTemplate/);
  assert.equal(await argoSchemaError('ApplicationSet', bad), first);
  const good = { ...bad, spec: { ...bad.spec, goTemplate: true } };
  assert.equal(await argoSchemaError('ApplicationSet', good), undefined);
});

test('parsed render documents are private copies, and every document is kept', () => {
  const target: Target = { name: 't', kind: 'env', path: 'o' };
  const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: "1"\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n';
  const one = objectsFrom(yaml, target, '/r', '/r/w');
  assert.deepEqual(one.map((o) => o.object.metadata.name), ['a', 'b']);
  one[0]!.object.data.k = 'changed';
  const two = objectsFrom(yaml, target, '/r', '/r/w');
  assert.equal(two[0]!.object.data.k, '1', 'a cached document is parsed anew for each caller');
  assert.equal(typeof two[0]!.object.data.k, 'string');
});

// The slim OpenAPI document handed to kustomize must change nothing but speed:
// it is kustomize's own embedded document minus prose, so strategic merges and
// namespace scope come out exactly as with kustomize's built-in default.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { embeddedOpenApi, slimOpenApiFile } from '../../../scripts/lib/kustomize/openapi.ts';
import { kustomizeBinary } from '../../../scripts/lib/kustomize/index.ts';

test('the slim document is the embedded Kubernetes document without its prose', () => {
  const full = embeddedOpenApi(readFileSync(kustomizeBinary()));
  assert.ok(full, 'no OpenAPI document found inside the pinned kustomize binary');
  const slim = JSON.parse(readFileSync(slimOpenApiFile(kustomizeBinary())!, 'utf8'));
  assert.deepEqual(Object.keys(slim.definitions).sort(), Object.keys(full.definitions).sort(), 'every definition is kept');
  const ports = slim.definitions['io.k8s.api.core.v1.ServiceSpec'].properties.ports;
  assert.equal(ports['x-kubernetes-patch-merge-key'], 'port');
  assert.equal(ports['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(typeof slim.definitions['io.k8s.api.scheduling.v1.PriorityClass'].properties.description, 'object', 'a field named description is a field, not prose');
  assert.ok(!JSON.stringify(slim).includes('"description":"'), 'documentation strings are dropped');
  assert.ok(JSON.stringify(slim).length < JSON.stringify(full).length / 10);
  const pods = Object.entries<any>(slim.paths).filter(([, p]) => p.get['x-kubernetes-group-version-kind'].kind === 'Pod').map(([path]) => path);
  assert.ok(pods.some((p) => p.includes('/namespaces/{namespace}/')), 'namespaced paths are kept (kustomize derives namespace scope from them)');
});

test('a schema-sensitive strategic merge renders the same with the slim document as with the built-in one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-openapi-'));
  try {
    writeFileSync(join(dir, 'svc.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports:\n    - {name: http, port: 80, targetPort: 8080}\n    - {name: metrics, port: 9090}\n');
    // Merged by `port` only because the schema says so; without a schema kustomize replaces the list.
    writeFileSync(join(dir, 'patch.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports:\n    - {port: 80, targetPort: 3000}\n');
    copyFileSync(slimOpenApiFile(kustomizeBinary())!, join(dir, 'slim.json'));
    writeFileSync(join(dir, 'empty.json'), '{"swagger":"2.0","info":{"title":"none","version":"0"},"paths":{},"definitions":{}}');
    const build = (openapi?: string): string => {
      writeFileSync(join(dir, 'kustomization.yaml'), `namespace: shop\nresources: [svc.yaml]\npatches: [{path: patch.yaml}]\n${openapi ? `openapi:\n  path: ${openapi}\n` : ''}`);
      return execFileSync(kustomizeBinary(), ['build', dir], { encoding: 'utf8' });
    };
    const builtIn = build();
    assert.match(builtIn, /name: metrics/, 'fixture: the built-in schema merges the port list');
    assert.equal(build('slim.json'), builtIn);
    assert.notEqual(build('empty.json'), builtIn, 'fixture is not schema-sensitive, so it proves nothing');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the document cut down to some kinds keeps their definitions and everything they refer to, and merges the same', async () => {
  const { forKinds } = await import('../../../scripts/lib/kustomize/openapi.ts');
  const slim = JSON.parse(readFileSync(slimOpenApiFile(kustomizeBinary())!, 'utf8'));
  const cut = forKinds(slim, new Set(['Service'])) as { definitions: Record<string, any>; paths: unknown };
  assert.ok('io.k8s.api.core.v1.Service' in cut.definitions);
  assert.ok('io.k8s.api.core.v1.ServicePort' in cut.definitions, 'a referenced definition is kept');
  assert.ok('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' in cut.definitions);
  assert.ok(!('io.k8s.api.apps.v1.Deployment' in cut.definitions), 'an unrelated kind is dropped');
  assert.deepEqual(cut.paths, slim.paths, 'namespace scope of every kind stays known');
  const dir = mkdtempSync(join(tmpdir(), 'marquee-openapi-'));
  try {
    writeFileSync(join(dir, 'svc.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports:\n    - {name: http, port: 80, targetPort: 8080}\n    - {name: metrics, port: 9090}\n');
    writeFileSync(join(dir, 'patch.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports:\n    - {port: 80, targetPort: 3000}\n');
    writeFileSync(join(dir, 'cut.json'), JSON.stringify(cut));
    const build = (openapi?: string): string => {
      writeFileSync(join(dir, 'kustomization.yaml'), `resources: [svc.yaml]\npatches: [{path: patch.yaml}]\n${openapi ? `openapi:\n  path: ${openapi}\n` : ''}`);
      return execFileSync(kustomizeBinary(), ['build', dir], { encoding: 'utf8' });
    };
    assert.equal(build('cut.json'), build());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

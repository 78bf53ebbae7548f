// kustomize field paths (replacements' fieldPaths) resolved against a rendered object, as
// blame.ts needs them to place a replaced value: the forms kustomize 4.5.4 accepts; and the
// base document a rendered object came from (baseValue).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseValue, resolveFieldPath } from '../../../scripts/lib/validate/blame.ts';
import { parseYamlFile } from '../../../scripts/lib/validate/sources.ts';

const deployment = {
  metadata: { name: 'web', annotations: { 'example.com/owner.team': 'shop' } },
  spec: { template: { spec: { containers: [{ name: 'side', image: 'busybox' }, { name: 'web', image: 'nginx', env: [{ name: 'HOST', value: 'a' }] }] } } },
};

test('field paths name the paths kustomize writes', () => {
  const table: [string, (string | number)[][]][] = [
    ['spec.template.spec.containers.[name=web].env.[name=HOST].value', [['spec', 'template', 'spec', 'containers', 1, 'env', 0, 'value']]],
    ['spec.template.spec.containers.1.image', [['spec', 'template', 'spec', 'containers', 1, 'image']]],
    ['spec.template.spec.containers.*.image', [['spec', 'template', 'spec', 'containers', 0, 'image'], ['spec', 'template', 'spec', 'containers', 1, 'image']]],
    ['metadata.annotations.[example.com/owner.team]', [['metadata', 'annotations', 'example.com/owner.team']]],
    // what the object does not have names nothing (kustomize skips it unless options.create)
    ['spec.template.spec.containers.[name=api].image', []],
    ['spec.replicas', []],
    ['spec.template.spec.containers.2.image', []],
  ];
  for (const [fieldPath, want] of table) assert.deepEqual(resolveFieldPath(deployment, fieldPath), want, fieldPath);
});

test('the base document of a rendered object: by apiVersion, kind, name inside its affixes, then namespace', () => {
  const base = parseYamlFile('/base/x.yaml', [
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: a }\nspec: { replicas: 1 }',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: b }\nspec: { replicas: 2 }',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web-internal }\nspec: { replicas: 3 }',
    'apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: { name: api }\nspec: { replicas: 4 }',
    'apiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec: { type: ClusterIP }',
  ].join('\n---\n')).docs;
  const deployment = (name: string, namespace?: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, ...(namespace ? { namespace } : {}) } });
  const replicas = ['spec', 'replicas'];
  const table: [string, Record<string, any>, { found: boolean; value?: unknown }][] = [
    // same name in two namespaces: the rendered object's namespace decides (it used to be the first document's 1)
    ['namespace b', deployment('web', 'b'), { found: true, value: 2 }],
    ['namespace a', deployment('web', 'a'), { found: true, value: 1 }],
    // neither namespace, and the two disagree: no base value rather than the wrong one
    ['namespace c', deployment('web', 'c'), { found: false }],
    // under a namePrefix the longest base name inside the rendered one (it used to be "web")
    ['prefixed web-internal', deployment('prod-web-internal', 'c'), { found: true, value: 3 }],
    // another apiVersion is another object
    ['apiVersion', deployment('api'), { found: false }],
    ['kind', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' } }, { found: false }],
  ];
  for (const [name, object, want] of table) assert.deepEqual(baseValue(base, object, replicas), want, name);
});

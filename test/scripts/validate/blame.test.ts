// kustomize field paths (replacements' fieldPaths) resolved against a rendered object, as
// blame.ts needs them to place a replaced value: the forms kustomize 4.5.4 accepts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveFieldPath } from '../../../scripts/lib/validate/blame.ts';

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

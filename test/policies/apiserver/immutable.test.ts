// immutableFieldChanges (policies/apiserver/immutable.ts) against Kubernetes's own table:
// kubernetes/kubernetes pkg/apis/apps/validation/validation_test.go TestValidateStatefulSetUpdate
// (the cases about the spec; "update name"/"update namespace" are a different object to Argo CD,
// "update to negative replicas" is ValidateStatefulSetSpec's, not an update rule).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { immutableFieldChanges } from '../../../policies/apiserver/index.ts';

const labels = { a: 'b' };
const labels2 = { c: 'd' };
const template = (l: Record<string, string>, containers = [{ name: 'abc', image: 'image', imagePullPolicy: 'IfNotPresent' }]) => ({
  metadata: { labels: l },
  spec: { restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', containers },
});
const withDef = template(labels, [
  { name: 'abc', image: 'image', imagePullPolicy: 'IfNotPresent' },
  { name: 'def', image: 'image2', imagePullPolicy: 'IfNotPresent' },
]);
const pvc = (name: string, storageClassName: string, storage: string) => ({ metadata: { name }, spec: { storageClassName, resources: { requests: { storage } } } });
const validPVC = pvc('pvc-abc', 'storage-class1', '1Gi');

/** mkStatefulSet(template, tweaks…) of the upstream test. */
function sts(tpl: Record<string, any>, spec: Record<string, any> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'abc', namespace: 'default' },
    spec: { podManagementPolicy: 'OrderedReady', selector: { matchLabels: labels }, template: tpl, updateStrategy: { type: 'RollingUpdate' }, ...spec },
  };
}

describe('TestValidateStatefulSetUpdate success cases: accepted', () => {
  const cases: [string, Record<string, any>, Record<string, any>][] = [
    ['update replica count', sts(template(labels)), sts(template(labels), { replicas: 3 })],
    ['update containers 1', sts(template(labels)), sts(withDef)],
    ['update containers 2', sts(withDef), sts(template(labels))],
    ['update containers and pvc retention policy 1', sts(withDef), sts(template(labels), { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' } })],
    ['update containers and pvc retention policy 2', sts(template(labels), { persistentVolumeClaimRetentionPolicy: { whenScaled: 'Retain' } }), sts(template(labels))],
    ['update update strategy', sts(template(labels)), sts(template(labels), { updateStrategy: { type: 'OnDelete' } })],
    ['update min ready seconds 1', sts(template(labels)), sts(template(labels), { minReadySeconds: 10 })],
    ['update min ready seconds 2', sts(template(labels), { minReadySeconds: 5 }), sts(template(labels), { minReadySeconds: 10 })],
    ['update existing instance with .spec.ordinals.start', sts(template(labels)), sts(template(labels), { ordinals: { start: 3 } })],
  ];
  for (const [name, old, neu] of cases) test(name, () => assert.deepEqual(immutableFieldChanges(old, neu), []));
});

describe('TestValidateStatefulSetUpdate error cases: refused (Forbidden spec)', () => {
  const cases: [string, Record<string, any>, Record<string, any>, string][] = [
    ['update selector', sts(template(labels)), { ...sts(template(labels2)), spec: { ...sts(template(labels2)).spec, selector: { matchLabels: labels2 } } }, 'spec.selector'],
    ['update pod management policy 2', sts(template(labels), { podManagementPolicy: 'Parallel' }), sts(template(labels), { podManagementPolicy: 'OrderedReady' }), 'spec.podManagementPolicy'],
    ['update pvc template size', sts(template(labels), { volumeClaimTemplates: [validPVC] }), sts(template(labels), { volumeClaimTemplates: [pvc('pvc-abc', 'storage-class1', '2Gi')] }), 'spec.volumeClaimTemplates'],
    ['update pvc template storage class', sts(template(labels), { volumeClaimTemplates: [validPVC] }), sts(template(labels), { volumeClaimTemplates: [pvc('pvc-abc', 'storage-class2', '1Gi')] }), 'spec.volumeClaimTemplates'],
    ['add new pvc template', sts(template(labels), { volumeClaimTemplates: [validPVC] }), sts(template(labels), { volumeClaimTemplates: [validPVC, pvc('pvc-abc2', 'storage-class2', '2Gi')] }), 'spec.volumeClaimTemplates'],
  ];
  for (const [name, old, neu, path] of cases)
    test(name, () => {
      const changes = immutableFieldChanges(old, neu);
      assert.deepEqual(changes.map((c) => c.path), [path]);
      assert.equal(changes[0]!.fn, 'ValidateStatefulSetUpdate');
    });
  // Upstream "update pod management policy 1" compares "" with OrderedReady on unDefaulted internal
  // objects. A live StatefulSet was defaulted on create (SetDefaults_StatefulSet: OrderedReady), so a
  // rendered object that leaves the field out and one that writes OrderedReady apply the same.
  test('update pod management policy 1 (absent vs OrderedReady): the same once defaulted', () =>
    assert.deepEqual(immutableFieldChanges(sts(template(labels), { podManagementPolicy: undefined }), sts(template(labels))), []));
});

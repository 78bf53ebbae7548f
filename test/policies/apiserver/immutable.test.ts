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

// kubernetes/kubernetes pkg/apis/core/validation/validation_test.go TestValidatePersistentVolumeClaimUpdate, the
// size rows under the 1.31 default (RecoverVolumeExpansionFailure off). Old claims are bound, as Argo CD's are.
describe('TestValidatePersistentVolumeClaimUpdate size rows (RecoverVolumeExpansionFailure off)', () => {
  const claim = (storage: string) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'foo', namespace: 'ns' },
    spec: { accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], resources: { requests: { storage } } },
  });
  test('valid-size-update-resize-disabled (10G → 15G): accepted', () => assert.deepEqual(immutableFieldChanges(claim('10G'), claim('15G')), []));
  test('invalid-expand-shrink-recover-disabled (15G → 13G): refused', () => {
    const changes = immutableFieldChanges(claim('15G'), claim('13G'));
    assert.deepEqual(changes.map((c) => [c.path, c.message, c.fn]), [['spec.resources.requests.storage', 'Forbidden: field can not be less than previous value', 'ValidatePersistentVolumeClaimUpdate']]);
  });
  // Quantity.Cmp compares values, not strings: 1Gi is more than 1G, and 1024Mi is 1Gi.
  test('1Gi → 1G is a shrink; 1Gi → 1024Mi is not', () => {
    assert.equal(immutableFieldChanges(claim('1Gi'), claim('1G')).length, 1);
    assert.deepEqual(immutableFieldChanges(claim('1Gi'), claim('1024Mi')), []);
  });
});

// cloudnative-pg/cloudnative-pg internal/webhook/v1/cluster_webhook_test.go "storage configuration validation"
// (validateStorageChange), and validateWalStorageChange / validateTablespacesChange of cluster_webhook.go.
describe('CloudNativePG Cluster storage changes (cluster_webhook.go validateStorageChange)', () => {
  const cluster = (spec: Record<string, unknown>) => ({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'postgres', namespace: 'ns' }, spec });
  test('complains if the size is being reduced (1G → 512M)', () => {
    const changes = immutableFieldChanges(cluster({ storage: { size: '1G' } }), cluster({ storage: { size: '512M' } }));
    assert.deepEqual(changes.map((c) => [c.path, c.message]), [['spec.storage', `Invalid value: "512M": can't shrink existing storage from 1G to 512M`]]);
    assert.match(changes[0]!.fn, /validateStorageConfigurationChange/);
  });
  test('does not complain if nothing has been changed (1G, storageClass one)', () =>
    assert.deepEqual(immutableFieldChanges(cluster({ storage: { size: '1G', storageClass: 'one' } }), cluster({ storage: { size: '1G', storageClass: 'one' } })), []));
  test('works fine is the size is being enlarged (8G → 10G)', () =>
    assert.deepEqual(immutableFieldChanges(cluster({ storage: { size: '8G' } }), cluster({ storage: { size: '10G' } })), []));
  // GetSizeOrNil: the pvcTemplate's request when size is unset; an unreadable size is not judged (the create-time
  // validateStorageSize reports it).
  test('pvcTemplate request 10Gi → size 5Gi is a shrink; an unparsable size is not judged', () => {
    assert.equal(immutableFieldChanges(cluster({ storage: { pvcTemplate: { resources: { requests: { storage: '10Gi' } } } } }), cluster({ storage: { size: '5Gi' } })).length, 1);
    assert.deepEqual(immutableFieldChanges(cluster({ storage: { size: '10Gi' } }), cluster({ storage: { size: '5 GB' } })), []);
  });
  test('walStorage: shrinking and removing it are refused, adding it is not', () => {
    assert.deepEqual(immutableFieldChanges(cluster({ walStorage: { size: '10Gi' } }), cluster({ walStorage: { size: '5Gi' } })).map((c) => c.path), ['spec.walStorage']);
    assert.match(immutableFieldChanges(cluster({ walStorage: { size: '10Gi' } }), cluster({}))[0]!.message, /walStorage cannot be disabled once configured/);
    assert.deepEqual(immutableFieldChanges(cluster({}), cluster({ walStorage: { size: '5Gi' } })), []);
  });
  test('tablespaces: a deleted one and a shrunk one are refused, at the old index', () => {
    const old = cluster({ tablespaces: [{ name: 'a', storage: { size: '2Gi' } }, { name: 'b', storage: { size: '2Gi' } }] });
    const changes = immutableFieldChanges(old, cluster({ tablespaces: [{ name: 'b', storage: { size: '1Gi' } }] }));
    assert.deepEqual(changes.map((c) => c.path), ['spec.tablespaces[0]', 'spec.tablespaces[1]']);
    assert.match(changes[0]!.message, /no tablespace can be deleted once created/);
    assert.match(changes[1]!.message, /can't shrink existing storage from 2Gi to 1Gi/);
  });
  test('a Cluster of another group (cluster.x-k8s.io) is not judged', () =>
    assert.deepEqual(immutableFieldChanges({ ...cluster({ storage: { size: '1G' } }), apiVersion: 'cluster.x-k8s.io/v1beta1' }, { ...cluster({ storage: { size: '512M' } }), apiVersion: 'cluster.x-k8s.io/v1beta1' }), []));
});

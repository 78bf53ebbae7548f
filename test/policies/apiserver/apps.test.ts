// Workload rules against kubernetes/kubernetes pkg/apis/apps/validation/validation.go itself
// (ValidateDeploymentSpec, ValidateRollingUpdateDeployment, ValidateRollingUpdateDaemonSet,
// validateRollingUpdateStatefulSet, ValidateStatefulSetSpec), with the defaults of
// pkg/apis/apps/v1/defaults.go applied to unset fields. Expected results are the branches of
// those functions, one case per branch.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidateDaemonSet, ValidateDeployment, ValidateStatefulSet } from '../../../policies/apiserver/apps.ts';
import type { Errs } from '../../../policies/apiserver/lib/field.ts';

const labels = { app: 'a' };
const template = { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'i' }] } };
const deployment = (spec: Record<string, any>) => ValidateDeployment({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' }, spec: { selector: { matchLabels: labels }, template, ...spec } });
const daemonSet = (spec: Record<string, any>) => ValidateDaemonSet({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'a' }, spec: { selector: { matchLabels: labels }, template, ...spec } });
const statefulSet = (spec: Record<string, any>) => ValidateStatefulSet({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'a' }, spec: { selector: { matchLabels: labels }, template, ...spec } });
const at = (errs: Errs) => errs.map((e) => `${e.path}: ${e.detail}`);

describe('ValidateDeploymentSpec', () => {
  test('a minimal Deployment passes', () => assert.deepEqual(at(deployment({})), []));
  test('selector required', () => assert.deepEqual(at(deployment({ selector: undefined })), ['spec.selector: ']));
  test('empty selector', () => assert.deepEqual(at(deployment({ selector: {} })), ['spec.selector: empty selector is invalid for deployment']));
  test('selector not matching the template', () => assert.deepEqual(at(deployment({ selector: { matchLabels: { app: 'b' } } })), ['spec.template.metadata.labels: `selector` does not match template `labels`']));
  test('negative replicas', () => assert.deepEqual(at(deployment({ replicas: -1 })), ['spec.replicas: must be greater than or equal to 0']));
  test('progressDeadlineSeconds not above minReadySeconds', () => assert.deepEqual(at(deployment({ minReadySeconds: 10, progressDeadlineSeconds: 10 })), ['spec.progressDeadlineSeconds: must be greater than minReadySeconds']));
  test('restartPolicy other than Always', () => assert.deepEqual(at(deployment({ template: { ...template, spec: { ...template.spec, restartPolicy: 'Never' } } })), ['spec.template.spec.restartPolicy: supported values: "Always"']));
  test('Recreate with rollingUpdate', () => assert.deepEqual(at(deployment({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } })), ["spec.strategy.rollingUpdate: may not be specified when strategy `type` is 'Recreate'"]));
  test('maxUnavailable and maxSurge both 0', () => assert.deepEqual(at(deployment({ strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } } })), ['spec.strategy.rollingUpdate.maxUnavailable: may not be 0 when `maxSurge` is 0']));
  test('maxUnavailable 0 with maxSurge defaulted to 25% passes', () => assert.deepEqual(at(deployment({ strategy: { rollingUpdate: { maxUnavailable: 0 } } })), []));
  test('maxUnavailable above 100%', () => assert.deepEqual(at(deployment({ strategy: { rollingUpdate: { maxUnavailable: '101%' } } })), ['spec.strategy.rollingUpdate.maxUnavailable: must not be greater than 100%']));
  test('maxSurge a quoted number (a string: must be a percent, intstr.go UnmarshalJSON)', () => assert.deepEqual(at(deployment({ strategy: { rollingUpdate: { maxSurge: '1' } } })).length, 1));
  test('maxSurge not a percent', () => assert.equal(deployment({ strategy: { rollingUpdate: { maxSurge: '5 percent' } } })[0]?.path, 'spec.strategy.rollingUpdate.maxSurge'));
});

describe('ValidateRollingUpdateDaemonSet (maxUnavailable defaults to 1, maxSurge to 0)', () => {
  const ru = (rollingUpdate: Record<string, any>) => daemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate } });
  test('maxUnavailable only', () => assert.deepEqual(at(ru({ maxUnavailable: '10%' })), []));
  test('maxSurge with maxUnavailable 0', () => assert.deepEqual(at(ru({ maxSurge: 1, maxUnavailable: 0 })), []));
  test('maxSurge with maxUnavailable defaulted to 1', () => assert.deepEqual(at(ru({ maxSurge: 1 })), ['spec.updateStrategy.rollingUpdate.maxSurge: may not be set when maxUnavailable is non-zero']));
  test('both 0', () => assert.deepEqual(at(ru({ maxSurge: 0, maxUnavailable: 0 })), ['spec.updateStrategy.rollingUpdate.maxUnavailable: cannot be 0 when maxSurge is 0']));
  test('maxSurge above 100%', () => assert.ok(at(ru({ maxSurge: '150%', maxUnavailable: 0 })).includes('spec.updateStrategy.rollingUpdate.maxSurge: must not be greater than 100%')));
});

describe('ValidateStatefulSetSpec and validateRollingUpdateStatefulSet', () => {
  test('volumeMounts of a volumeClaimTemplate are declared volumes', () =>
    assert.deepEqual(at(statefulSet({ volumeClaimTemplates: [{ metadata: { name: 'data' } }], template: { ...template, spec: { containers: [{ name: 'c', image: 'i', volumeMounts: [{ name: 'data', mountPath: '/d' }] }] } } })), []));
  test('a mount of neither a volume nor a claim template', () =>
    assert.deepEqual(at(statefulSet({ template: { ...template, spec: { containers: [{ name: 'c', image: 'i', volumeMounts: [{ name: 'data', mountPath: '/d' }] }] } } })), ['spec.template.spec.containers[0].volumeMounts[0].name: ']));
  test('podManagementPolicy', () => assert.deepEqual(at(statefulSet({ podManagementPolicy: 'Random' })), ["spec.podManagementPolicy: must be 'OrderedReady' or 'Parallel'"]));
  test('OnDelete with rollingUpdate', () => assert.deepEqual(at(statefulSet({ updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 1 } } })), ["spec.updateStrategy.rollingUpdate: only allowed for updateStrategy 'RollingUpdate'"]));
  test('maxUnavailable 0', () => assert.deepEqual(at(statefulSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } } })), ['spec.updateStrategy.rollingUpdate.maxUnavailable: cannot be 0']));
  test('negative partition', () => assert.deepEqual(at(statefulSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1 } } })), ['spec.updateStrategy.rollingUpdate.partition: must be greater than or equal to 0']));
});

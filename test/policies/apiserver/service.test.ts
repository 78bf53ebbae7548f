// Service rules against kubernetes/kubernetes pkg/apis/core/validation/validation_test.go
// TestValidateService (each case: makeValidService() with one tweak, expected error count 0 or not)
// and TestValidateServiceExternalTrafficFieldsCombination. The count is compared as "accepted" vs
// "refused" (our findings group per field). Cases that test what defaulting fills in on a manifest
// (missing protocol, type, sessionAffinity, namespace) or that later releases removed (the
// LoadBalancer 10250 ban; mixed protocols on a LoadBalancer, allowed since MixedProtocolLBService
// went GA in 1.26) are marked.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidateService } from '../../../policies/apiserver/core.ts';
import { ValidateObjectMeta } from '../../../policies/apiserver/object-meta.ts';
import { apiServerText } from '../../../policies/apiserver/lib/field.ts';

/** makeValidService() */
const makeValidService = () => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'valid', namespace: 'valid', labels: {} as Record<string, string>, annotations: {} as Record<string, string> },
  spec: { selector: { key: 'val' } as Record<string, string> | undefined, sessionAffinity: 'None', type: 'ClusterIP', ports: [{ name: 'p', protocol: 'TCP', port: 8675, targetPort: 8675 }] as any[] } as Record<string, any>,
});
const validate = (s: ReturnType<typeof makeValidService>) => [...ValidateObjectMeta(s), ...ValidateService(s)];
const port = (name: string, p: number, protocol = 'TCP', extra: Record<string, unknown> = {}) => ({ name, port: p, protocol, targetPort: p, ...extra });

const cases: [string, (s: ReturnType<typeof makeValidService>) => void, boolean][] = [
  ['invalid namespace', (s) => (s.metadata.namespace = '-123'), false],
  ['invalid name', (s) => (s.metadata.name = '-123'), false],
  ['too long name', (s) => (s.metadata.name = 'a'.repeat(64)), false],
  ['invalid label', (s) => (s.metadata.labels['NoUppercaseOrSpecialCharsLike=Equals'] = 'bar'), false],
  ['invalid annotation', (s) => (s.metadata.annotations['NoSpecialCharsLike=Equals'] = 'bar'), false],
  ['nil selector', (s) => (s.spec.selector = undefined), true],
  ['invalid selector', (s) => (s.spec.selector!['NoSpecialCharsLike=Equals'] = 'bar'), false],
  ['missing name', (s) => (s.metadata.name = ''), false],
  ['missing ports', (s) => (s.spec.ports = []), false],
  ['missing ports but headless', (s) => ((s.spec.ports = []), (s.spec.clusterIP = 'None')), true],
  ['empty port[0] name', (s) => (s.spec.ports[0].name = ''), true],
  ['empty port[1] name', (s) => s.spec.ports.push(port('', 12345)), false],
  ['empty multi-port port[0] name', (s) => ((s.spec.ports[0].name = ''), s.spec.ports.push(port('p', 12345))), false],
  ['invalid port name', (s) => (s.spec.ports[0].name = 'INVALID'), false],
  ['invalid protocol', (s) => (s.spec.ports[0].protocol = 'INVALID'), false],
  ['invalid cluster ip', (s) => (s.spec.clusterIP = 'invalid'), false],
  ['missing port', (s) => (s.spec.ports[0].port = 0), false],
  ['invalid port', (s) => (s.spec.ports[0].port = 65536), false],
  ['invalid TargetPort int', (s) => (s.spec.ports[0].targetPort = 65536), false],
  // intstr.go UnmarshalJSON: quoted, "8675" is Type String, and IsValidPortName needs a letter
  ['invalid TargetPort quoted number', (s) => (s.spec.ports[0].targetPort = '8675'), false],
  ['valid port headless', (s) => Object.assign(s.spec.ports[0], { port: 11722, targetPort: 11722 }) && (s.spec.clusterIP = 'None'), true],
  ['invalid port headless 1 (tolerated in v1)', (s) => Object.assign(s.spec.ports[0], { port: 11722, targetPort: 11721 }) && (s.spec.clusterIP = 'None'), true],
  ['invalid port headless 2 (tolerated in v1)', (s) => Object.assign(s.spec.ports[0], { port: 11722, targetPort: 'target' }) && (s.spec.clusterIP = 'None'), true],
  ['invalid publicIPs localhost', (s) => (s.spec.externalIPs = ['127.0.0.1']), false],
  ['invalid publicIPs unspecified', (s) => (s.spec.externalIPs = ['0.0.0.0']), false],
  ['invalid publicIPs host', (s) => (s.spec.externalIPs = ['myhost.mydomain']), false],
  ['dup port name', (s) => ((s.spec.ports[0].name = 'p'), s.spec.ports.push(port('p', 12345))), false],
  ['valid load balancer protocol UDP 1', (s) => ((s.spec.type = 'LoadBalancer'), (s.spec.ports[0].protocol = 'UDP')), true],
  ['valid load balancer protocol UDP 2', (s) => ((s.spec.type = 'LoadBalancer'), (s.spec.ports[0] = port('q', 12345, 'UDP'))), true],
  ['load balancer with mix protocol (refused then, accepted since 1.26)', (s) => ((s.spec.type = 'LoadBalancer'), s.spec.ports.push(port('q', 12345, 'UDP'))), true],
  ['valid 1', () => {}, true],
  ['valid 2', (s) => Object.assign(s.spec.ports[0], { protocol: 'UDP', targetPort: 12345 }), true],
  ['valid 3', (s) => (s.spec.ports[0].targetPort = 'http'), true],
  ['valid cluster ip - none', (s) => (s.spec.clusterIP = 'None'), true],
  ['valid cluster ip - empty', (s) => ((s.spec.clusterIP = ''), (s.spec.ports[0].targetPort = 'http')), true],
  ['valid type - cluster', (s) => (s.spec.type = 'ClusterIP'), true],
  ['valid type - nodeport', (s) => (s.spec.type = 'NodePort'), true],
  ['valid type - loadbalancer', (s) => (s.spec.type = 'LoadBalancer'), true],
  ['valid type loadbalancer 2 ports', (s) => ((s.spec.type = 'LoadBalancer'), s.spec.ports.push(port('q', 12345))), true],
  ['duplicate nodeports', (s) => ((s.spec.type = 'NodePort'), s.spec.ports.push(port('q', 1, 'TCP', { nodePort: 1 }), port('r', 2, 'TCP', { nodePort: 1 }))), false],
  ['duplicate nodeports (different protocols)', (s) => ((s.spec.type = 'NodePort'), s.spec.ports.push(port('q', 1, 'TCP', { nodePort: 1 }), port('r', 2, 'UDP', { nodePort: 1 }))), true],
  ['invalid duplicate ports (with same protocol)', (s) => s.spec.ports.push({ ...port('q', 12345), targetPort: 8080 }, { ...port('r', 12345), targetPort: 80 }), false],
  ['valid duplicate ports (with different protocols)', (s) => s.spec.ports.push({ ...port('q', 12345), targetPort: 8080 }, { ...port('r', 12345, 'UDP'), targetPort: 80 }), true],
  ['valid type loadbalancer with NodePort', (s) => ((s.spec.type = 'LoadBalancer'), s.spec.ports.push(port('q', 12345, 'TCP', { nodePort: 12345 }))), true],
  ['valid type=NodePort service with NodePort', (s) => ((s.spec.type = 'NodePort'), s.spec.ports.push(port('q', 12345, 'TCP', { nodePort: 12345 }))), true],
  ['valid type=NodePort service without NodePort', (s) => ((s.spec.type = 'NodePort'), s.spec.ports.push(port('q', 12345))), true],
  ['valid cluster service without NodePort', (s) => s.spec.ports.push(port('q', 12345)), true],
  ['invalid cluster service with NodePort', (s) => s.spec.ports.push(port('q', 12345, 'TCP', { nodePort: 12345 })), false],
  ['invalid public service with duplicate NodePort', (s) => ((s.spec.type = 'NodePort'), s.spec.ports.push(port('p1', 1, 'TCP', { nodePort: 1 }), port('p2', 2, 'TCP', { nodePort: 1 }))), false],
  ['valid LoadBalancer source range annotation', (s) => ((s.spec.type = 'LoadBalancer'), (s.metadata.annotations['service.beta.kubernetes.io/load-balancer-source-ranges'] = '1.2.3.4/8,  5.6.7.8/16')), true],
  ['empty LoadBalancer source range annotation', (s) => ((s.spec.type = 'LoadBalancer'), (s.metadata.annotations['service.beta.kubernetes.io/load-balancer-source-ranges'] = '')), true],
  ['invalid LoadBalancer source range annotation (hostname)', (s) => (s.metadata.annotations['service.beta.kubernetes.io/load-balancer-source-ranges'] = 'foo.bar'), false],
  ['invalid LoadBalancer source range annotation (invalid CIDR)', (s) => ((s.spec.type = 'LoadBalancer'), (s.metadata.annotations['service.beta.kubernetes.io/load-balancer-source-ranges'] = '1.2.3.4/33')), false],
  ['invalid source range for non LoadBalancer type service', (s) => (s.spec.loadBalancerSourceRanges = ['1.2.3.4/8', '5.6.7.8/16']), false],
  ['valid LoadBalancer source range', (s) => ((s.spec.type = 'LoadBalancer'), (s.spec.loadBalancerSourceRanges = ['1.2.3.4/8', '5.6.7.8/16'])), true],
  ['empty LoadBalancer source range', (s) => ((s.spec.type = 'LoadBalancer'), (s.spec.loadBalancerSourceRanges = ['   '])), false],
  ['invalid LoadBalancer source range', (s) => ((s.spec.type = 'LoadBalancer'), (s.spec.loadBalancerSourceRanges = ['foo.bar'])), false],
  ['valid ExternalName', (s) => Object.assign(s.spec, { type: 'ExternalName', clusterIP: '', externalName: 'foo.bar.example.com' }), true],
  ['invalid ExternalName clusterIP (valid IP)', (s) => Object.assign(s.spec, { type: 'ExternalName', clusterIP: '1.2.3.4', externalName: 'foo.bar.example.com' }), false],
  ['invalid ExternalName clusterIP (None)', (s) => Object.assign(s.spec, { type: 'ExternalName', clusterIP: 'None', externalName: 'foo.bar.example.com' }), false],
  ['invalid ExternalName (not a DNS name)', (s) => Object.assign(s.spec, { type: 'ExternalName', clusterIP: '', externalName: '-123' }), false],
  ['LoadBalancer type cannot have None ClusterIP', (s) => Object.assign(s.spec, { clusterIP: 'None', type: 'LoadBalancer' }), false],
  ['invalid node port with clusterIP None', (s) => ((s.spec.type = 'NodePort'), s.spec.ports.push(port('q', 1, 'TCP', { nodePort: 1 })), (s.spec.clusterIP = 'None')), false],
  ['invalid externalTraffic field', (s) => Object.assign(s.spec, { type: 'LoadBalancer', externalTrafficPolicy: 'invalid' }), false],
  ['nagative healthCheckNodePort field', (s) => Object.assign(s.spec, { type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: -1 }), false],
  ['valid healthCheckNodePort field', (s) => Object.assign(s.spec, { type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 31100 }), true],
  ['invalid timeoutSeconds field', (s) => Object.assign(s.spec, { type: 'ClusterIP', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: -1 } } }), false],
  ["sessionAffinityConfig can't be set when session affinity is None", (s) => Object.assign(s.spec, { type: 'LoadBalancer', sessionAffinity: 'None', sessionAffinityConfig: { clientIP: { timeoutSeconds: 90 } } }), false],
];

describe('core validation_test.go TestValidateService', () => {
  for (const [name, tweak, accepted] of cases)
    test(`${name}: ${accepted ? 'accepted' : 'refused'}`, () => {
      const s = makeValidService();
      tweak(s);
      const errs = validate(s).map(apiServerText);
      if (accepted) assert.deepEqual(errs, []);
      else assert.ok(errs.length > 0, 'expected the API server to refuse it');
    });
});

describe('core validation_test.go TestValidateServiceExternalTrafficFieldsCombination', () => {
  const combos: [string, Record<string, unknown>, boolean][] = [
    ['valid loadBalancer service with externalTrafficPolicy and healthCheckNodePort set', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 34567 }, true],
    ['valid nodePort service with externalTrafficPolicy set', { type: 'NodePort', externalTrafficPolicy: 'Local' }, true],
    ['valid clusterIP service with none of externalTrafficPolicy and healthCheckNodePort set', { type: 'ClusterIP' }, true],
    ['cannot set healthCheckNodePort field on loadBalancer service with externalTrafficPolicy!=Local', { type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', healthCheckNodePort: 34567 }, false],
    ['cannot set healthCheckNodePort field on nodePort service', { type: 'NodePort', externalTrafficPolicy: 'Local', healthCheckNodePort: 34567 }, false],
    ['cannot set externalTrafficPolicy or healthCheckNodePort fields on clusterIP service', { type: 'ClusterIP', externalTrafficPolicy: 'Local', healthCheckNodePort: 34567 }, false],
  ];
  for (const [name, spec, accepted] of combos)
    test(`${name}: ${accepted ? 'accepted' : 'refused'}`, () => {
      const s = makeValidService();
      Object.assign(s.spec, spec);
      const errs = validate(s);
      if (accepted) assert.deepEqual(errs.map(apiServerText), []);
      else assert.ok(errs.length > 0);
    });
  test('clusterIP service with both: two errors, as upstream counts', () => {
    const s = makeValidService();
    Object.assign(s.spec, { type: 'ClusterIP', externalTrafficPolicy: 'Local', healthCheckNodePort: 34567 });
    assert.equal(validate(s).length, 2);
  });
});

// objectmeta.go ValidateObjectMetaAccessor: "name or generateName is required"; a List is the client's envelope.
test('a name is required, generateName stands in for it, a List needs none', () => {
  const cm = (metadata: Record<string, unknown>, extra: Record<string, unknown> = {}) => ValidateObjectMeta({ apiVersion: 'v1', kind: 'ConfigMap', metadata, ...extra });
  assert.deepEqual(cm({}).map((e) => `${e.path}: ${e.detail}`), ['metadata.name: name or generateName is required']);
  assert.deepEqual(cm({ name: '' }).length, 1);
  assert.deepEqual(cm({ generateName: 'migrate-' }), []);
  assert.deepEqual(ValidateObjectMeta({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBindingList', items: [] }), []);
});

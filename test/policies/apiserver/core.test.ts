// Container, env, probe, port and resource rules against the tables of kubernetes/kubernetes
// pkg/apis/core/validation/validation_test.go (TestValidatePorts, TestValidateEnv, TestValidateEnvFrom,
// TestValidateVolumeMounts, TestValidateHandler, TestValidateProbe, TestValidateContainers,
// TestValidateRestartPolicy, TestValidateDNSPolicy) and pkg/apis/core/v1/validation/validation_test.go
// (TestValidateResourceRequirements, TestValidateContainerResourceName). Cases are upstream's, written
// as manifests (before defaulting); a case that only fails on an undefaulted internal object
// (protocol or imagePullPolicy left empty) is not ported, since the API server defaults those fields.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ValidateEnv, ValidateEnvFrom, ValidatePodSpec, ValidateResourceRequirements, ValidateVolumeMounts, ValidateVolumes, validateContainerPorts,
  validateContainerResourceName, validateHandler, validateProbe,
} from '../../../policies/apiserver/core.ts';
import type { Errs } from '../../../policies/apiserver/lib/field.ts';
import { apiServerText } from '../../../policies/apiserver/lib/field.ts';

const texts = (errs: Errs) => errs.map(apiServerText);
const ok = (errs: Errs) => assert.deepEqual(texts(errs), []);
const fails = (errs: Errs, ...want: string[]) => {
  assert.ok(errs.length > 0, 'expected the API server to refuse it');
  for (const w of want) assert.ok(texts(errs).some((t) => t.includes(w)), `no error mentions ${JSON.stringify(w)}: ${texts(errs).join(' | ')}`);
};

describe('core validation_test.go TestValidatePorts (validateContainerPorts)', () => {
  test('successCase', () =>
    ok(validateContainerPorts([
      { name: 'abc', containerPort: 80, hostPort: 80, protocol: 'TCP' },
      { name: 'easy', containerPort: 82, protocol: 'TCP' },
      { name: 'as', containerPort: 83, protocol: 'UDP' },
      { name: 'do-re-me', containerPort: 84, protocol: 'UDP' },
      { containerPort: 85, protocol: 'TCP' },
    ], 'field')));
  test('nonCanonicalCase', () => ok(validateContainerPorts([{ containerPort: 80, protocol: 'TCP' }], 'field')));
  const errorCases: [string, any[], string, string][] = [
    ['name > 15 characters', [{ name: 'a'.repeat(16), containerPort: 80, protocol: 'TCP' }], 'name', '15'],
    ['name contains invalid characters', [{ name: 'a.b.c', containerPort: 80, protocol: 'TCP' }], 'name', 'alpha-numeric'],
    ['name is a number', [{ name: '80', containerPort: 80, protocol: 'TCP' }], 'name', 'at least one letter'],
    ['name not unique', [{ name: 'abc', containerPort: 80, protocol: 'TCP' }, { name: 'abc', containerPort: 81, protocol: 'TCP' }], '[1].name', 'Duplicate value'],
    ['zero container port', [{ containerPort: 0, protocol: 'TCP' }], 'containerPort', 'Required value'],
    ['invalid container port', [{ containerPort: 65536, protocol: 'TCP' }], 'containerPort', 'between'],
    ['invalid host port', [{ containerPort: 80, hostPort: 65536, protocol: 'TCP' }], 'hostPort', 'between'],
    ['invalid protocol case', [{ containerPort: 80, protocol: 'tcp' }], 'protocol', 'supported values'],
    ['invalid protocol', [{ containerPort: 80, protocol: 'ICMP' }], 'protocol', 'supported values'],
  ];
  for (const [name, ports, field, detail] of errorCases)
    test(`errorCases ${name}`, () => {
      const errs = validateContainerPorts(ports, 'field');
      fails(errs, detail);
      assert.ok(errs.every((e) => e.path.includes(field)), `field ${field}: ${texts(errs).join(' | ')}`);
    });
});

const fieldRef = (fieldPath: string) => ({ valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });

describe('core validation_test.go TestValidateEnv', () => {
  test('successCase', () =>
    ok(ValidateEnv([
      { name: 'abc', value: 'value' }, { name: 'ABC', value: 'value' }, { name: 'AbC_123', value: 'value' }, { name: 'abc', value: '' },
      { name: 'a.b.c', value: 'value' }, { name: 'a-b-c', value: 'value' },
      ...['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.podIP'].map((p) => ({ name: 'abc', ...fieldRef(p) })),
      { name: 'secret_value', valueFrom: { secretKeyRef: { name: 'some-secret', key: 'secret-key' } } },
      { name: 'ENV_VAR_1', valueFrom: { configMapKeyRef: { name: 'some-config-map', key: 'some-key' } } },
    ], 'field')));
  const errorCases: [string, any[], string][] = [
    ['zero-length name', [{ name: '' }], '[0].name: Required value'],
    ['illegal character', [{ name: 'a!b' }], '[0].name: Invalid value: "a!b": a valid environment variable name'],
    ['dot only', [{ name: '.' }], '[0].name: Invalid value: ".": must not be'],
    ['double dots only', [{ name: '..' }], '[0].name: Invalid value: "..": must not be'],
    ['leading double dots', [{ name: '..abc' }], '[0].name: Invalid value: "..abc": must not start with'],
    ['value and valueFrom specified', [{ name: 'abc', value: 'foo', ...fieldRef('metadata.name') }], '[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty'],
    ['valueFrom without a source', [{ name: 'abc', valueFrom: {} }], '[0].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'],
    ['valueFrom.fieldRef and valueFrom.secretKeyRef specified', [{ name: 'abc', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' }, secretKeyRef: { name: 'a-secret', key: 'a-key' } } }], '[0].valueFrom: Invalid value: "": may not have more than one field specified at a time'],
    ['valueFrom.fieldRef and valueFrom.configMapKeyRef set', [{ name: 'some_var_name', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' }, configMapKeyRef: { name: 'some-config-map', key: 'some-key' } } }], 'may not have more than one field specified at a time'],
    ['valueFrom.secretKeyRef.name invalid', [{ name: 'abc', valueFrom: { secretKeyRef: { name: '$%^&*#', key: 'a-key' } } }], 'secretKeyRef.name'],
    ['valueFrom.configMapKeyRef.name invalid', [{ name: 'abc', valueFrom: { configMapKeyRef: { name: '$%^&*#', key: 'some-key' } } }], 'configMapKeyRef.name'],
    ['missing FieldPath on ObjectFieldSelector', [{ name: 'abc', valueFrom: { fieldRef: { apiVersion: 'v1' } } }], '[0].valueFrom.fieldRef.fieldPath: Required value'],
    ['invalid fieldPath labels', [{ name: 'labels', ...fieldRef('metadata.labels') }], '[0].valueFrom.fieldRef.fieldPath: Unsupported value: "metadata.labels"'],
    ['invalid fieldPath annotations', [{ name: 'abc', ...fieldRef('metadata.annotations') }], '[0].valueFrom.fieldRef.fieldPath: Unsupported value: "metadata.annotations"'],
    ['unsupported fieldPath', [{ name: 'abc', ...fieldRef('status.phase') }], 'valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase"'],
  ];
  for (const [name, env, want] of errorCases) test(`errorCases ${name}`, () => fails(ValidateEnv(env, 'field'), want));
});

describe('core validation_test.go TestValidateEnvFrom', () => {
  test('successCase', () =>
    ok(ValidateEnvFrom([
      { configMapRef: { name: 'abc' } }, { prefix: 'pre_', configMapRef: { name: 'abc' } }, { prefix: 'a.b', configMapRef: { name: 'abc' } },
      { secretRef: { name: 'abc' } }, { prefix: 'pre_', secretRef: { name: 'abc' } }, { prefix: 'a.b', secretRef: { name: 'abc' } },
    ], 'field')));
  const errorCases: [string, any[], string][] = [
    ['zero-length name (configMapRef)', [{ configMapRef: { name: '' } }], 'field[0].configMapRef.name: Required value'],
    ['invalid name (configMapRef)', [{ configMapRef: { name: '$' } }], 'field[0].configMapRef.name: Invalid value'],
    ['invalid prefix (configMapRef)', [{ prefix: 'a!b', configMapRef: { name: 'abc' } }], 'field[0].prefix: Invalid value: "a!b"'],
    ['zero-length name (secretRef)', [{ secretRef: { name: '' } }], 'field[0].secretRef.name: Required value'],
    ['invalid name (secretRef)', [{ secretRef: { name: '&' } }], 'field[0].secretRef.name: Invalid value'],
    ['invalid prefix (secretRef)', [{ prefix: 'a!b', secretRef: { name: 'abc' } }], 'field[0].prefix: Invalid value: "a!b"'],
    ['no refs', [{}], 'must specify one of: `configMapRef` or `secretRef`'],
    ['multiple refs', [{ secretRef: { name: 'abc' }, configMapRef: { name: 'abc' } }], 'may not have more than one field specified at a time'],
    ['invalid secret ref name', [{ secretRef: { name: '$%^&*#' } }], 'field[0].secretRef.name: Invalid value: "$%^&*#"'],
  ];
  for (const [name, envFrom, want] of errorCases) test(`errorCases ${name}`, () => fails(ValidateEnvFrom(envFrom, 'field'), want));
});

describe('core validation_test.go TestValidateVolumeMounts', () => {
  const volumes = new Set(['abc', '123', 'abc-123']);
  // Upstream's older table mounted two volumes at /foo; current upstream refuses that ("must be unique", case below).
  test('successCase', () => ok(ValidateVolumeMounts([{ name: 'abc', mountPath: '/foo' }, { name: '123', mountPath: '/bar' }, { name: 'abc-123', mountPath: '/baz' }], volumes, 'field')));
  test('errorCases empty name', () => fails(ValidateVolumeMounts([{ name: '', mountPath: '/foo' }], volumes, 'field'), 'name: Required value'));
  test('errorCases name not found', () => fails(ValidateVolumeMounts([{ name: 'anything', mountPath: '/foo' }], volumes, 'field'), 'field[0].name: Not found: "anything"'));
  test('errorCases empty mountpath', () => fails(ValidateVolumeMounts([{ name: 'abc', mountPath: '' }], volumes, 'field'), 'mountPath: Required value'));
  test('errorCases mountpath collision', () => fails(ValidateVolumeMounts([{ name: 'abc', mountPath: '/foo' }, { name: '123', mountPath: '/foo' }], volumes, 'field'), 'must be unique'));
  test('errorCases absolute subpath', () => fails(ValidateVolumeMounts([{ name: 'abc', mountPath: '/bar', subPath: '/baz' }], volumes, 'field'), 'must be a relative path'));
  test('errorCases subpath in ..', () => fails(ValidateVolumeMounts([{ name: 'abc', mountPath: '/bar', subPath: '../baz' }], volumes, 'field'), "must not contain '..'"));
});

describe('core validation_test.go TestValidateHandler', () => {
  const all = ['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep'];
  const good = [
    { exec: { command: ['echo'] } },
    { httpGet: { path: '/', port: 1, host: '', scheme: 'HTTP' } },
    { httpGet: { path: '/foo', port: 65535, host: 'host', scheme: 'HTTP' } },
    { httpGet: { path: '/', port: 'port', host: '', scheme: 'HTTP' } },
    { httpGet: { path: '/', port: 'port', host: '', scheme: 'HTTP', httpHeaders: [{ name: 'Host', value: 'foo.example.com' }] } },
    { httpGet: { path: '/', port: 'port', host: '', scheme: 'HTTP', httpHeaders: [{ name: 'X-Forwarded-For', value: '1.2.3.4' }, { name: 'X-Forwarded-For', value: '5.6.7.8' }] } },
  ];
  for (const h of good) test(`successCases ${JSON.stringify(h)}`, () => ok(validateHandler(h, 'field', all, 30)));
  const bad = [
    {},
    { exec: { command: [] } },
    { httpGet: { path: '', port: 0, host: '' } },
    { httpGet: { path: '/foo', port: 65536, host: 'host' } },
    { httpGet: { path: '', port: '', host: '' } },
    // a quoted number is a port name to the API server (intstr.go UnmarshalJSON), and a name needs a letter
    { tcpSocket: { port: '80' } },
    { httpGet: { path: '/', port: 'port', host: '', scheme: 'HTTP', httpHeaders: [{ name: 'Host:', value: 'foo.example.com' }] } },
    { httpGet: { path: '/', port: 'port', host: '', scheme: 'HTTP', httpHeaders: [{ name: 'X_Forwarded_For', value: 'foo.example.com' }] } },
  ];
  for (const h of bad) test(`errorCases ${JSON.stringify(h)}`, () => fails(validateHandler(h, 'field', all, 30)));
  // The probe handler union (validateHandler "may not specify more than 1 handler type").
  test('two handler types (httpGet and tcpSocket)', () => fails(validateHandler({ httpGet: { path: '/', port: 80 }, tcpSocket: { port: 80 } }, 'field', all, 30), 'field.tcpSocket: Forbidden: may not specify more than 1 handler type'));
});

describe('core validation_test.go TestValidateProbe', () => {
  const handler = { exec: { command: ['echo'] } };
  const positive = ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'];
  test('successCases nil', () => ok(validateProbe(undefined, 'field', 'readiness', 30)));
  for (const f of positive) test(`successCases ${f}=10`, () => ok(validateProbe({ ...handler, [f]: 10 }, 'field', 'readiness', 30)));
  test('errorCases no handler', () => fails(validateProbe({ timeoutSeconds: 10, initialDelaySeconds: 10 }, 'field', 'readiness', 30), 'must specify a handler type'));
  for (const f of positive) test(`errorCases ${f}=-10`, () => fails(validateProbe({ ...handler, [f]: -10 }, 'field', 'readiness', 30), f));
});

describe('core/v1 validation_test.go TestValidateResourceRequirements', () => {
  const success: [string, any][] = [
    ['Resources with Requests equal to Limits', { requests: { cpu: '10', memory: '10G' }, limits: { cpu: '10', memory: '10G' } }],
    ['Resources with only Limits', { limits: { cpu: '10', memory: '10G', 'my.org/resource': '10' } }],
    ['Resources with only Requests', { requests: { cpu: '10', memory: '10G', 'my.org/resource': '10' } }],
    ['Resources with Requests Less Than Limits', { requests: { cpu: '9', memory: '9G', 'my.org/resource': '9' }, limits: { cpu: '10', memory: '10G', 'my.org/resource': '9' } }],
  ];
  for (const [name, r] of success) test(`successCase ${name}`, () => ok(ValidateResourceRequirements(r, 'resources')));
  test('errorCase Resources with Requests Larger Than Limits', () => {
    const errs = ValidateResourceRequirements({ requests: { cpu: '10', memory: '10G', 'my.org/resource': '10m' }, limits: { cpu: '9', memory: '9G', 'my.org/resource': '9m' } }, 'resources');
    // validateNamesAndValuesInDescription: every name and value appears in the errors.
    for (const s of ['cpu', 'memory', 'my.org/resource', '10', '10G', '10m', '9', '9G']) assert.ok(texts(errs).some((t) => t.includes(s)), `${s} not named: ${texts(errs).join(' | ')}`);
  });
  test('errorCase Invalid Resources with Requests', () => fails(ValidateResourceRequirements({ requests: { 'my.org': '10m' } }, 'resources'), 'my.org'));
  test('errorCase Invalid Resources with Limits', () => fails(ValidateResourceRequirements({ limits: { 'my.org': '9m' } }, 'resources'), 'my.org'));
  // ValidateResourceQuantityValue: an extended resource must be whole, judged by `MilliValue() % 1000`. MilliValue rounds
  // a dropped fraction of a thousandth away from zero (amount.go negativeScaleInt64), so 1.0001 is 1001 milli: not whole.
  test('extended resource 1.0001 is not an integer (MilliValue rounds up to 1001)', () => fails(ValidateResourceRequirements({ limits: { 'my.org/gpu': '1.0001' } }, 'resources'), 'must be an integer'));
  test('extended resource 2000m is an integer', () => ok(ValidateResourceRequirements({ limits: { 'my.org/gpu': '2000m' } }, 'resources')));
});

describe('core/v1 validation_test.go TestValidateContainerResourceName', () => {
  for (const n of ['cpu', 'memory', 'hugepages-2Mi', 'kubernetes.io/resource-foo', 'my.org/resource-bar']) test(`successCase ${n}`, () => ok(validateContainerResourceName(n, n)));
  for (const n of ['cpu-core', 'kubernetes.io/', 'my.org-foo-resource']) test(`errorCase ${n}`, () => fails(validateContainerResourceName(n, n)));
  test('issue 22: memroy is neither standard nor qualified', () => fails(validateContainerResourceName('memroy', 'limits.memroy'), 'must be a standard resource for containers'));
  test('a misspelt standard name gets the name it is close to as a hint; one close to none gets the list', () => {
    assert.match(validateContainerResourceName('memroy', 'limits.memroy')[0]!.hint ?? '', /did you mean "memory"/);
    assert.match(validateContainerResourceName('gpus-x', 'limits.gpus-x')[0]!.hint ?? '', /^use cpu, memory, ephemeral-storage/);
  });
});

const pod = (containers: any[], extra: Record<string, any> = {}) => ({ containers, restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', ...extra });

describe('core validation_test.go TestValidateContainers', () => {
  const success = [
    { name: 'abc', image: 'image', imagePullPolicy: 'IfNotPresent' },
    { name: '123', image: 'image', imagePullPolicy: 'IfNotPresent' },
    { name: 'abc-123', image: 'image', imagePullPolicy: 'IfNotPresent' },
    { name: 'life-123', image: 'image', lifecycle: { preStop: { exec: { command: ['ls', '-l'] } } }, imagePullPolicy: 'IfNotPresent' },
    { name: 'resources-test', image: 'image', resources: { limits: { cpu: '10', memory: '10G', 'my.org/resource': '10' } }, imagePullPolicy: 'IfNotPresent' },
    { name: 'resources-request-limit-simple', image: 'image', resources: { requests: { cpu: '8' }, limits: { cpu: '10' } }, imagePullPolicy: 'IfNotPresent' },
    { name: 'resources-request-limit-edge', image: 'image', resources: { requests: { cpu: '10', memory: '10G', 'my.org/resource': '10' }, limits: { cpu: '10', memory: '10G', 'my.org/resource': '10' } }, imagePullPolicy: 'IfNotPresent' },
    { name: 'resources-request-limit-partials', image: 'image', resources: { requests: { cpu: '9.5', memory: '10G' }, limits: { cpu: '10', 'my.org/resource': '10' } }, imagePullPolicy: 'IfNotPresent' },
    { name: 'resources-request', image: 'image', resources: { requests: { cpu: '9.5', memory: '10G' } }, imagePullPolicy: 'IfNotPresent' },
    { name: 'same-host-port-different-protocol', image: 'image', ports: [{ containerPort: 80, hostPort: 80, protocol: 'TCP' }, { containerPort: 80, hostPort: 80, protocol: 'UDP' }], imagePullPolicy: 'IfNotPresent' },
  ];
  test('successCase', () => ok(ValidatePodSpec(pod(success), 'field')));
  const errorCases: Record<string, any[]> = {
    'zero-length name': [{ name: '', image: 'image', imagePullPolicy: 'IfNotPresent' }],
    'name > 63 characters': [{ name: 'a'.repeat(64), image: 'image', imagePullPolicy: 'IfNotPresent' }],
    'name not a DNS label': [{ name: 'a.b.c', image: 'image', imagePullPolicy: 'IfNotPresent' }],
    'name not unique': [{ name: 'abc', image: 'image', imagePullPolicy: 'IfNotPresent' }, { name: 'abc', image: 'image', imagePullPolicy: 'IfNotPresent' }],
    'zero-length image': [{ name: 'abc', image: '', imagePullPolicy: 'IfNotPresent' }],
    'host port not unique': [
      { name: 'abc', image: 'image', ports: [{ containerPort: 80, hostPort: 80, protocol: 'TCP' }], imagePullPolicy: 'IfNotPresent' },
      { name: 'def', image: 'image', ports: [{ containerPort: 81, hostPort: 80, protocol: 'TCP' }], imagePullPolicy: 'IfNotPresent' },
    ],
    // Upstream's older 'ev.1' became valid when env names were relaxed to [-._a-zA-Z][-._a-zA-Z0-9]*; '!' is still refused.
    'invalid env var name': [{ name: 'abc', image: 'image', env: [{ name: 'ev!1' }], imagePullPolicy: 'IfNotPresent' }],
    'unknown volume name': [{ name: 'abc', image: 'image', volumeMounts: [{ name: 'anything', mountPath: '/foo' }], imagePullPolicy: 'IfNotPresent' }],
    'invalid lifecycle, no exec command.': [{ name: 'life-123', image: 'image', lifecycle: { preStop: { exec: {} } }, imagePullPolicy: 'IfNotPresent' }],
    'invalid lifecycle, zero tcp socket port.': [{ name: 'life-123', image: 'image', lifecycle: { preStop: { tcpSocket: { port: 0 } } }, imagePullPolicy: 'IfNotPresent' }],
    'invalid lifecycle, no action.': [{ name: 'life-123', image: 'image', lifecycle: { preStop: {} }, imagePullPolicy: 'IfNotPresent' }],
    'invalid liveness probe, no tcp socket port.': [{ name: 'life-123', image: 'image', livenessProbe: { tcpSocket: { port: 0 } }, imagePullPolicy: 'IfNotPresent' }],
    'invalid liveness probe, no action.': [{ name: 'life-123', image: 'image', livenessProbe: {}, imagePullPolicy: 'IfNotPresent' }],
    'invalid compute resource': [{ name: 'abc-123', image: 'image', resources: { limits: { disk: '10G' } }, imagePullPolicy: 'IfNotPresent' }],
    'Resource CPU invalid': [{ name: 'abc-123', image: 'image', resources: { limits: { cpu: '-10', memory: '0' } }, imagePullPolicy: 'IfNotPresent' }],
    'Resource Requests CPU invalid': [{ name: 'abc-123', image: 'image', resources: { requests: { cpu: '-10', memory: '0' } }, imagePullPolicy: 'IfNotPresent' }],
    'Resource Memory invalid': [{ name: 'abc-123', image: 'image', resources: { limits: { cpu: '0', memory: '-10' } }, imagePullPolicy: 'IfNotPresent' }],
    'Request limit simple invalid': [{ name: 'abc-123', image: 'image', resources: { limits: { cpu: '5', memory: '3' }, requests: { cpu: '6', memory: '3' } }, imagePullPolicy: 'IfNotPresent' }],
    'Request limit multiple invalid': [{ name: 'abc-123', image: 'image', resources: { limits: { cpu: '5', memory: '3' }, requests: { cpu: '6', memory: '4' } }, imagePullPolicy: 'IfNotPresent' }],
  };
  for (const [name, cs] of Object.entries(errorCases)) test(`errorCases ${name}`, () => fails(ValidatePodSpec(pod(cs), 'field')));
});

describe('core validation_test.go TestValidateRestartPolicy / TestValidateDNSPolicy', () => {
  const c = [{ name: 'ctr', image: 'image' }];
  for (const p of ['Always', 'OnFailure', 'Never']) test(`restartPolicy ${p} accepted`, () => ok(ValidatePodSpec(pod(c, { restartPolicy: p }), 'field')));
  test('restartPolicy newpolicy refused', () => fails(ValidatePodSpec(pod(c, { restartPolicy: 'newpolicy' }), 'field'), 'restartPolicy: Unsupported value'));
  for (const p of ['ClusterFirst', 'Default']) test(`dnsPolicy ${p} accepted`, () => ok(ValidatePodSpec(pod(c, { dnsPolicy: p }), 'field')));
  test('dnsPolicy invalid refused', () => fails(ValidatePodSpec(pod(c, { dnsPolicy: 'invalid' }), 'field'), 'dnsPolicy: Unsupported value'));
});

// TestValidateVolumes, the rows of the sources with files and of hostPath (validation_test.go at
// b1ce15c54586daabffbc79d6ef36feabbf5a0875; the rules from validation.go at 000f26050b9be6fb3d79fae95e06b47fc96128cd):
// as upstream compares them, the errors' count and order, each one's type, its field (equal to the expected one or
// ending in "." and it, the volume being field[0]) and a detail that holds the expected text. Modes are the decimal
// values of upstream's Go octals (0644 is 420, 01000 512).
describe('core validation_test.go TestValidateVolumes (sources with files, hostPath)', () => {
  type Want = readonly [type: string, field: string, detail?: string];
  const labels = { apiVersion: 'v1', fieldPath: 'metadata.labels' };
  const rows: readonly [name: string, volume: Record<string, unknown>, errs: readonly Want[]][] = [
    ['more than one source', { name: 'dups', emptyDir: {}, hostPath: { path: '/mnt/path', type: 'Directory' } }, [['Forbidden', 'hostPath', 'may not specify more than 1 volume']]],
    ['default HostPath', { name: 'hostpath', hostPath: { path: '/mnt/path', type: 'Directory' } }, []],
    ['valid HostPath', { name: 'hostpath', hostPath: { path: '/mnt/path', type: 'Socket' } }, []],
    ['invalid HostPath', { name: 'hostpath', hostPath: { path: '/mnt/path', type: 'invalid' } }, [['Unsupported value', 'type']]],
    ['invalid HostPath backsteps', { name: 'hostpath', hostPath: { path: '/mnt/path/..', type: 'Directory' } }, [['Invalid value', 'path', "must not contain '..'"]]],
    ['valid Secret', { name: 'secret', secret: { secretName: 'my-secret' } }, []],
    ['valid Secret with defaultMode', { name: 'secret', secret: { secretName: 'my-secret', defaultMode: 420 } }, []],
    ['valid Secret with projection and mode', { name: 'secret', secret: { secretName: 'my-secret', items: [{ key: 'key', path: 'filename', mode: 420 }] } }, []],
    ['valid Secret with subdir projection', { name: 'secret', secret: { secretName: 'my-secret', items: [{ key: 'key', path: 'dir/filename' }] } }, []],
    ['secret with missing path', { name: 'secret', secret: { secretName: 's', items: [{ key: 'key', path: '' }] } }, [['Required value', 'secret.items[0].path']]],
    ['secret with leading ..', { name: 'secret', secret: { secretName: 's', items: [{ key: 'key', path: '../foo' }] } }, [['Invalid value', 'secret.items[0].path']]],
    ['secret with .. inside', { name: 'secret', secret: { secretName: 's', items: [{ key: 'key', path: 'foo/../bar' }] } }, [['Invalid value', 'secret.items[0].path']]],
    ['secret with invalid positive defaultMode', { name: 'secret', secret: { secretName: 's', defaultMode: 512 } }, [['Invalid value', 'secret.defaultMode']]],
    ['secret with invalid negative defaultMode', { name: 'secret', secret: { secretName: 's', defaultMode: -1 } }, [['Invalid value', 'secret.defaultMode']]],
    ['valid ConfigMap', { name: 'cfgmap', configMap: { name: 'my-cfgmap' } }, []],
    ['valid ConfigMap with defaultMode', { name: 'cfgmap', configMap: { name: 'my-cfgmap', defaultMode: 420 } }, []],
    ['valid ConfigMap with projection and mode', { name: 'cfgmap', configMap: { name: 'my-cfgmap', items: [{ key: 'key', path: 'filename', mode: 420 }] } }, []],
    ['valid ConfigMap with subdir projection', { name: 'cfgmap', configMap: { name: 'my-cfgmap', items: [{ key: 'key', path: 'dir/filename' }] } }, []],
    ['configmap with missing path', { name: 'cfgmap', configMap: { name: 'c', items: [{ key: 'key', path: '' }] } }, [['Required value', 'configMap.items[0].path']]],
    ['configmap with leading ..', { name: 'cfgmap', configMap: { name: 'c', items: [{ key: 'key', path: '../foo' }] } }, [['Invalid value', 'configMap.items[0].path']]],
    ['configmap with .. inside', { name: 'cfgmap', configMap: { name: 'c', items: [{ key: 'key', path: 'foo/../bar' }] } }, [['Invalid value', 'configMap.items[0].path']]],
    ['configmap with invalid positive defaultMode', { name: 'cfgmap', configMap: { name: 'c', defaultMode: 512 } }, [['Invalid value', 'configMap.defaultMode']]],
    ['configmap with invalid negative defaultMode', { name: 'cfgmap', configMap: { name: 'c', defaultMode: -1 } }, [['Invalid value', 'configMap.defaultMode']]],
    [
      'valid DownwardAPI',
      {
        name: 'downwardapi',
        downwardAPI: {
          items: [
            ...[
              ['labels', 'metadata.labels'], ['labels with subscript', "metadata.labels['key']"], ['labels with complex subscript', "metadata.labels['test.example.com/key']"],
              ['annotations', 'metadata.annotations'], ['annotations with subscript', "metadata.annotations['key']"], ['annotations with complex subscript', "metadata.annotations['TEST.EXAMPLE.COM/key']"],
              ['namespace', 'metadata.namespace'], ['name', 'metadata.name'], ['path/with/subdirs', 'metadata.labels'], ['path/./withdot', 'metadata.labels'],
              ['path/with/embedded..dotdot', 'metadata.labels'], ['path/with/leading/..dotdot', 'metadata.labels'],
            ].map(([path, fieldPath]) => ({ path, fieldRef: { apiVersion: 'v1', fieldPath } })),
            ...['limits.cpu', 'requests.cpu', 'limits.memory', 'requests.memory'].map((resource) => ({ path: resource.replace('limits.', '').replace('requests.', '') + (resource.startsWith('limits') ? '_limit' : '_request'), resourceFieldRef: { containerName: 'test-container', resource } })),
          ],
        },
      },
      [],
    ],
    ['hugepages-downwardAPI-enabled', { name: 'downwardapi', downwardAPI: { items: [{ path: 'hugepages_request', resourceFieldRef: { containerName: 'test-container', resource: 'requests.hugepages-2Mi' } }, { path: 'hugepages_limit', resourceFieldRef: { containerName: 'test-container', resource: 'limits.hugepages-2Mi' } }] } }, []],
    ['downapi valid defaultMode', { name: 'downapi', downwardAPI: { defaultMode: 420 } }, []],
    ['downapi valid item mode', { name: 'downapi', downwardAPI: { items: [{ mode: 420, path: 'path', fieldRef: labels }] } }, []],
    ['downapi invalid positive item mode', { name: 'downapi', downwardAPI: { items: [{ mode: 512, path: 'path', fieldRef: labels }] } }, [['Invalid value', 'downwardAPI.mode']]],
    ['downapi invalid negative item mode', { name: 'downapi', downwardAPI: { items: [{ mode: -1, path: 'path', fieldRef: labels }] } }, [['Invalid value', 'downwardAPI.mode']]],
    ['downapi empty metatada path', { name: 'downapi', downwardAPI: { items: [{ path: '', fieldRef: labels }] } }, [['Required value', 'downwardAPI.path']]],
    ['downapi absolute path', { name: 'downapi', downwardAPI: { items: [{ path: '/absolutepath', fieldRef: labels }] } }, [['Invalid value', 'downwardAPI.path']]],
    ['downapi dot dot path', { name: 'downapi', downwardAPI: { items: [{ path: '../../passwd', fieldRef: labels }] } }, [['Invalid value', 'downwardAPI.path', "must not contain '..'"]]],
    ['downapi dot dot file name', { name: 'downapi', downwardAPI: { items: [{ path: '..badFileName', fieldRef: labels }] } }, [['Invalid value', 'downwardAPI.path', "must not start with '..'"]]],
    ['downapi dot dot first level dirent', { name: 'downapi', downwardAPI: { items: [{ path: '..badDirName/goodFileName', fieldRef: labels }] } }, [['Invalid value', 'downwardAPI.path', "must not start with '..'"]]],
    [
      'downapi fieldRef and ResourceFieldRef together',
      { name: 'downapi', downwardAPI: { items: [{ path: 'test', fieldRef: labels, resourceFieldRef: { containerName: 'test-container', resource: 'requests.memory' } }] } },
      [['Invalid value', 'downwardAPI', 'fieldRef and resourceFieldRef can not be specified simultaneously']],
    ],
    ['downapi invalid positive defaultMode', { name: 'downapi', downwardAPI: { defaultMode: 512 } }, [['Invalid value', 'downwardAPI.defaultMode']]],
    ['downapi invalid negative defaultMode', { name: 'downapi', downwardAPI: { defaultMode: -1 } }, [['Invalid value', 'downwardAPI.defaultMode']]],
    ['ProjectedVolumeSource more than one projection in a source', { name: 'projected-volume', projected: { sources: [{ secret: { name: 'foo' } }, { secret: { name: 'foo' }, downwardAPI: {} }] } }, [['Forbidden', 'projected.sources[1]']]],
    [
      'ProjectedVolumeSource more than one projection in a source (the second row of that name)',
      { name: 'projected-volume', projected: { sources: [{ secret: {} }, { secret: {}, downwardAPI: {} }] } },
      [['Required value', 'projected.sources[0].secret.name'], ['Required value', 'projected.sources[1].secret.name'], ['Forbidden', 'projected.sources[1]']],
    ],
  ];
  for (const [name, volume, want] of rows)
    test(name, () => {
      const errs = ValidateVolumes([volume], 'field').errs;
      assert.equal(errs.length, want.length, `${want.length} error(s) wanted, got ${texts(errs).join(' | ') || 'none'}`);
      errs.forEach((e, i) => {
        const [type, field, detail = ''] = want[i]!;
        assert.equal(e.type, type, texts(errs)[i]);
        assert.ok(e.path === field || e.path.endsWith(`.${field}`), `field ${e.path}, wanted ${field}`);
        assert.ok(e.detail.includes(detail), `detail ${JSON.stringify(e.detail)}, wanted ${JSON.stringify(detail)}`);
      });
    });

  // no upstream row covers these; the rules are validation.go's (validateDownwardAPIVolumeFile, validateProjectionSources)
  test('a downwardAPI item with neither fieldRef nor resourceFieldRef', () =>
    assert.deepEqual(texts(ValidateVolumes([{ name: 'd', downwardAPI: { items: [{ path: 'p' }] } }], 'field').errs), ['field[0].downwardAPI: Required value: one of fieldRef and resourceFieldRef is required']));
  test('a downwardAPI file: a field only env may name, a resource without its container, a label key that is no qualified name', () =>
    assert.deepEqual(
      ValidateVolumes(
        [{ name: 'd', downwardAPI: { items: [{ path: 'a', fieldRef: { fieldPath: 'spec.nodeName' } }, { path: 'b', resourceFieldRef: { resource: 'limits.cpu' } }, { path: 'c', fieldRef: { fieldPath: "metadata.labels['a b']" } }] } }],
        'field',
      ).errs.map((e) => `${e.path}: ${e.type}`),
      ['field[0].downwardAPI.fieldRef.fieldPath: Unsupported value', 'field[0].downwardAPI.resourceFieldRef.containerName: Required value', 'field[0].downwardAPI.fieldRef: Invalid value'],
    ));
  test('projected: a path twice across sources, a short-lived token without a path, a mode past 0777', () =>
    assert.deepEqual(
      texts(ValidateVolumes([{ name: 'p', projected: { defaultMode: 511, sources: [{ configMap: { name: 'a', items: [{ key: 'k', path: 'same', mode: 512 }] } }, { secret: { name: 'b', items: [{ key: 'k', path: 'same' }] } }, { serviceAccountToken: { expirationSeconds: 60 } }] } }], 'field').errs),
      [
        'field[0].projected.sources[0].configMap.items[0].mode: Invalid value: 512: must be a number between 0 and 0777 (octal), both inclusive',
        'field[0].projected: Invalid value: "b": conflicting duplicate paths',
        'field[0].projected.sources[2].serviceAccountToken.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
        'field[0].projected.path: Required value:',
      ],
    ));
});

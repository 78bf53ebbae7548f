// CronJob schedules against robfig/cron/v3 parser_test.go (TestRange, TestParseScheduleErrors,
// TestParseSchedule, TestStandardSpecSchedule) and Ingress paths against kubernetes/kubernetes
// pkg/apis/networking/validation/validation.go validateHTTPIngressPath (invalidPathSequences,
// invalidPathSuffixes, "must be an absolute path"); immutability against the apps/batch update rules.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidateCronJob, ValidateJob } from '../../../policies/apiserver/batch.ts';
import { immutableFieldChanges } from '../../../policies/apiserver/index.ts';
import { cronRangeError, parseStandardCron } from '../../../policies/apiserver/lib/cron.ts';
import { validateHTTPIngressPath, ValidateNetworkPolicy } from '../../../policies/apiserver/networking.ts';
import { ValidatePodDisruptionBudget } from '../../../policies/apiserver/policy.ts';
import { validateExemption } from '../../../policies/lib/exemptions.ts';
import { policyIds } from '../../../policies/index.ts';

describe('robfig/cron parser_test.go TestRange', () => {
  const ok: [string, number, number][] = [['5', 0, 7], ['0', 0, 7], ['7', 0, 7], ['5-5', 0, 7], ['5-6', 0, 7], ['5-7', 0, 7], ['5-6/2', 0, 7], ['5-7/2', 0, 7], ['5-7/1', 0, 7], ['*', 1, 3], ['*/2', 1, 3]];
  for (const [e, lo, hi] of ok) test(`${e} in [${lo},${hi}]`, () => assert.equal(cronRangeError(e, lo, hi), undefined));
  const bad: [string, number, number, string][] = [
    ['5--5', 0, 0, 'too many hyphens'], ['jan-x', 0, 0, 'failed to parse int from'], ['2-x', 1, 5, 'failed to parse int from'], ['*/-12', 0, 0, 'negative number'],
    ['*//2', 0, 0, 'too many slashes'], ['1', 3, 5, 'below minimum'], ['6', 3, 5, 'above maximum'], ['5-3', 3, 5, 'beyond end of range'], ['*/0', 0, 0, 'should be a positive number'],
  ];
  for (const [e, lo, hi, want] of bad) test(`${e} in [${lo},${hi}]: ${want}`, () => assert.match(cronRangeError(e, lo, hi) ?? '', new RegExp(want.replace(/[()]/g, '\\$&'))));
});

describe('robfig/cron parser_test.go TestParseScheduleErrors / TestStandardSpecSchedule (ParseStandard)', () => {
  const bad: [string, string][] = [
    ['5 j * * *', 'failed to parse int from'], ['* * * *', 'expected exactly 5 fields'], ['@every Xm', 'failed to parse duration'],
    ['@unrecognized', 'unrecognized descriptor'], ['', 'empty spec string'],
    // issue 22: what an author wrote
    ['every night at 2', 'expected exactly 5 fields, found 4'],
  ];
  for (const [spec, want] of bad) test(`refuses ${JSON.stringify(spec)}`, () => assert.ok((parseStandardCron(spec) ?? '').includes(want), `${spec}: ${parseStandardCron(spec)}`));
  for (const spec of ['5 * * * *', '@every 5m', '@midnight', '@yearly', '@annually', 'CRON_TZ=UTC  5 * * * *', 'TZ=UTC  @midnight', 'TZ=Asia/Tokyo @midnight', '0 0 1 jan-dec sun'])
    test(`accepts ${JSON.stringify(spec)}`, () => assert.equal(parseStandardCron(spec), undefined));
});

describe('batch validation.go validateScheduleFormat (create)', () => {
  const cj = (schedule: string, timeZone?: string) => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule, ...(timeZone ? { timeZone } : {}), jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'i' }] } } } } } });
  test('a valid schedule and time zone pass', () => assert.deepEqual(ValidateCronJob(cj('15 2 * * *', 'Etc/UTC')), []));
  test('TZ in the schedule is refused on create', () => assert.ok(ValidateCronJob(cj('TZ=UTC 0 * * * *')).some((e) => e.detail.includes('cannot use TZ or CRON_TZ in schedule'))));
  test('an unknown time zone is refused', () => assert.ok(ValidateCronJob(cj('0 * * * *', 'Mars/Olympus')).some((e) => e.path === 'spec.timeZone')));
  test('a name over 52 characters is refused', () => assert.ok(ValidateCronJob({ ...cj('0 * * * *'), metadata: { name: 'a'.repeat(53) } }).some((e) => e.path === 'metadata.name')));
});

describe('networking validation.go validateHTTPIngressPath', () => {
  const backend = { service: { name: 'web', port: { number: 80 } } };
  for (const p of ['/', '/foo', '/foo/bar', '/api/v1']) for (const t of ['Prefix', 'Exact']) test(`${t} ${p} accepted`, () => assert.deepEqual(validateHTTPIngressPath({ path: p, pathType: t, backend }, 'p'), []));
  const bad: [string, string, string][] = [
    ['api', 'Prefix', 'must be an absolute path'], ['api', 'Exact', 'must be an absolute path'], ['/foo//bar', 'Prefix', "must not contain '//'"], ['/foo/./bar', 'Prefix', "must not contain '/./'"],
    ['/foo/../bar', 'Exact', "must not contain '/../'"], ['/foo%2fbar', 'Prefix', "must not contain '%2f'"], ['/foo/..', 'Prefix', "cannot end with '/..'"], ['/foo/.', 'Exact', "cannot end with '/.'"],
  ];
  for (const [p, t, want] of bad) test(`${t} ${p}: ${want}`, () => assert.ok(validateHTTPIngressPath({ path: p, pathType: t, backend }, 'p').some((e) => e.detail.includes(want))));
  test('ImplementationSpecific accepts anything absolute, and the empty path', () => assert.deepEqual([...validateHTTPIngressPath({ path: '/foo//bar', pathType: 'ImplementationSpecific', backend }, 'p'), ...validateHTTPIngressPath({ path: '', pathType: 'ImplementationSpecific', backend }, 'p')], []));
  test('pathType is required', () => assert.ok(validateHTTPIngressPath({ path: '/', backend }, 'p').some((e) => e.detail === 'pathType must be specified')));
});

describe('immutableFieldChanges (ValidateDeploymentUpdate, ValidateStatefulSetUpdate, ValidateJobUpdate)', () => {
  const dep = (sel: Record<string, string>) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: sel } } });
  test('a Deployment selector change is refused', () => assert.deepEqual(immutableFieldChanges(dep({ app: 'web' }), dep({ app: 'web', tier: 'x' })).map((c) => c.path), ['spec.selector']));
  test('a replicas change is not', () => assert.deepEqual(immutableFieldChanges(dep({ app: 'web' }), { ...dep({ app: 'web' }), spec: { replicas: 5, selector: { matchLabels: { app: 'web' } } } }), []));
  const sts = (storage: string) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { selector: { matchLabels: { app: 'db' } }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage } } } }] } });
  test('a StatefulSet volumeClaimTemplates change is refused', () => assert.deepEqual(immutableFieldChanges(sts('1Gi'), sts('2Gi')).map((c) => c.path), ['spec.volumeClaimTemplates']));
  const job = (image: string) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'm' }, spec: { template: { spec: { containers: [{ name: 'm', image }] } } } });
  test('a Job template change is refused', () => assert.deepEqual(immutableFieldChanges(job('a:1'), job('a:2')).map((c) => c.path), ['spec.template']));
  test('key order does not matter', () => assert.deepEqual(immutableFieldChanges(dep({ a: '1', b: '2' }), dep({ b: '2', a: '1' })), []));
});

describe('API-server findings cannot be exempted', () => {
  test('an exemption naming an apiserver policy is invalid', () => {
    const problems = validateExemption({ policy: 'apiserver/core', object: { kind: 'Service', name: 'web' }, reason: 'we really want port 70000 here for a while', owner: '@marquee/platform', expires: '2099-01-01' }, policyIds);
    assert.ok(problems.some((p) => p.includes('cannot be exempted')), problems.join('; '));
  });
});

describe('batch validation.go ValidateGeneratedSelector / validateJobSpec', () => {
  const job = (spec: Record<string, any>) => ValidateJob({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'myjob' }, spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'i' }] } }, ...spec } });
  // validation_test.go TestValidateJob: "spec.selector: Invalid value: ...{"a":"b"}...: `selector` not auto-generated"
  test('a selector the API server did not generate is refused', () => assert.deepEqual(job({ selector: { matchLabels: { a: 'b' } } }).map((e) => e.detail), ['`selector` not auto-generated']));
  test('with manualSelector it is accepted', () => assert.deepEqual(job({ manualSelector: true, selector: { matchLabels: { a: 'b' } } }), []));
  test('a restartPolicy left to default (Always) is refused', () =>
    assert.deepEqual(ValidateJob({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'myjob' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } }).map((e) => `${e.path} ${JSON.stringify(e.value)}`), ['spec.template.spec.restartPolicy "Always"']));
});

test('a RoleBinding subject whose name is a map (a fuzzed edit) is refused in words, not with a thrown TypeError', async () => {
  const { ValidateRoleBinding } = await import('../../../policies/apiserver/rbac.ts');
  const binding = { kind: 'RoleBinding', roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: { a: 1 } }] };
  const errs = ValidateRoleBinding(binding);
  assert.ok(errs.some((e) => JSON.stringify(e).includes('subjects[0].name')), JSON.stringify(errs));
});

// apimachinery pkg/util/intstr/intstr.go IntOrString.UnmarshalJSON: a JSON value starting with '"' is Type String,
// whatever it spells, so a quoted number is judged as a string: a port name (ValidatePortNumOrName,
// ValidateNetworkPolicyPort: IsValidPortName needs a letter) or a percent (ValidatePositiveIntOrPercent: IsValidPercent).
describe('int-or-string: a quoted number is a string to the API server', () => {
  const netpol = (port: unknown) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np' }, spec: { podSelector: {}, ingress: [{ ports: [{ port }] }] } });
  const pdb = (minAvailable: unknown) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p' }, spec: { minAvailable, selector: { matchLabels: { a: 'b' } } } });
  test('NetworkPolicy port "8080" is refused as a port name, with the unquoted number as the fix', () => {
    const [e, ...rest] = ValidateNetworkPolicy(netpol('8080'));
    assert.deepEqual(rest, []);
    assert.equal(e?.path, 'spec.ingress[0].ports[0].port');
    assert.match(e?.detail ?? '', /must contain at least one letter/);
    assert.match(e?.hint ?? '', /^write 8080 without quotes/);
  });
  test('NetworkPolicy port 8080 and "http" pass', () => assert.deepEqual([...ValidateNetworkPolicy(netpol(8080)), ...ValidateNetworkPolicy(netpol('http'))], []));
  test('PodDisruptionBudget minAvailable "1" is refused as a percent; 1 and "50%" pass', () => {
    const [e] = ValidatePodDisruptionBudget(pdb('1'));
    assert.equal(e?.path, 'spec.minAvailable');
    assert.match(e?.detail ?? '', /a valid percent string must be a numeric string followed by an ending '%'/);
    assert.match(e?.hint ?? '', /^write 1 without quotes/);
    assert.deepEqual([...ValidatePodDisruptionBudget(pdb(1)), ...ValidatePodDisruptionBudget(pdb('50%'))], []);
  });
});

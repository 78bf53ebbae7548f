// rollouts/spec-valid against argo-rollouts' own tests: pkg/apis/rollouts/validation/validation_test.go and
// pkg/apis/rollouts/v1alpha1/types_test.go (TestRolloutPauseDuration). Each case keeps the upstream test's name and
// its expected message; upstream asserts the first error (`allErrs[0].Detail`), and so do these. Left out: the
// cases of checks added after v1.9.1 (InvalidMaxTrafficWeightMessage, PingPongWithRouterOnlyMessage, plugins for
// experiment weights and mirror routes, TestCanaryRequiresAtLeastOneStep) and the pod template cases
// (privileged containers, TestWorkloadRefWithTemplate's "template must be empty"), which the policy does not port.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runPolicies } from '../../../policies/index.ts';
import {
  DuplicatedPingPongServicesMessage, DuplicatedServicesBlueGreenMessage, DuplicatedServicesCanaryMessage, DurationSeconds, hasMultipleStepsType,
  InvalidAnalysisArgsMessage, InvalidAntiAffinityStrategyMessage, InvalidAntiAffinityWeightMessage, InvalidCanaryDynamicStableScale,
  InvalidCanaryDynamicStableScaleWithScaleDownDelay, InvalidCanaryMaxWeightOnlySupportInNginxAndPlugins, InvalidCanaryScaleDownDelay,
  InvalidDurationMessage, InvalideStepRouteNameNotFoundInManagedRoutes, InvalidMaxSurgeMaxUnavailable, InvalidPingPongProvidedMessage,
  InvalidSetCanaryScaleTrafficPolicy, InvalidSetHeaderRouteALBValuePolicy, InvalidSetHeaderRouteTrafficPolicy, InvalidSetMirrorRouteTrafficPolicy,
  InvalidSetWeightMessage, InvalidStepMessage, InvalidStrategyMessage, InvalidStringMatchMissedValuePolicy, InvalidStringMatchMultipleValuePolicy,
  InvalidTrafficRoutingMessage, MissedAlbRootServiceMessage, MissingFieldMessage, PingPongWithAlbOnlyMessage, ScaleDownLimitLargerThanRevisionLimit,
  ValidateRollout, ValidateRolloutStrategy, ValidateRolloutStrategyAntiAffinity, ValidateRolloutStrategyBlueGreen, ValidateRolloutStrategyCanary,
} from '../../../policies/rollouts/spec-valid.ts';
import { envTarget, withObjects } from '../fixtures/world.ts';
import type { Errs } from '../../../policies/apiserver/lib/field.ts';

const details = (errs: Errs) => errs.map((e) => e.detail);
const first = (errs: Errs) => errs[0]?.detail;
const rollout = (spec: Record<string, any>) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'r' }, spec });
const canary = (c: Record<string, any>) => ValidateRolloutStrategyCanary(rollout({ strategy: { canary: c } }));

describe('TestValidateRollout', () => {
  const selector = { matchLabels: { key: 'value' } };
  const ro = (spec: Record<string, any> = {}) =>
    rollout({ selector, strategy: { canary: {} }, template: { metadata: { labels: selector.matchLabels }, spec: { containers: [{ image: 'foo', name: 'image-name' }] } }, ...spec });
  test('missing selector', () => assert.equal(first(ValidateRollout(ro({ selector: undefined }))), MissingFieldMessage('.spec.selector')));
  test('empty selector', () => assert.equal(first(ValidateRollout(ro({ selector: {} }))), 'empty selector is invalid for deployment'));
  test('invalid progressDeadlineSeconds', () => {
    // defaults.GetProgressDeadlineSecondsOrDefault + 1
    const [e] = ValidateRollout(ro({ minReadySeconds: 601 }));
    assert.equal(e?.path, 'spec.progressDeadlineSeconds');
    assert.equal(e?.detail, 'must be greater than minReadySeconds');
  });
  test('successful run', () => assert.deepEqual(details(ValidateRollout(ro({ strategy: { blueGreen: { activeService: 'active', previewService: 'preview' } } }))), []));
});

describe('TestValidateRolloutStrategy', () => {
  test('neither strategy', () => assert.equal(first(ValidateRolloutStrategy(rollout({ strategy: {} }))), MissingFieldMessage('.spec.strategy.canary or .spec.strategy.blueGreen')));
  test('both strategies', () => assert.equal(first(ValidateRolloutStrategy(rollout({ strategy: { blueGreen: {}, canary: {} } }))), InvalidStrategyMessage));
});

test('TestValidateRolloutStrategyBlueGreen', () => {
  const errs = ValidateRolloutStrategyBlueGreen(rollout({ strategy: { blueGreen: { previewService: 'service-name', activeService: 'service-name', scaleDownDelayRevisionLimit: 11, autoPromotionSeconds: 30 } } }));
  assert.deepEqual(details(errs), [DuplicatedServicesBlueGreenMessage, ScaleDownLimitLargerThanRevisionLimit]);
});

describe('TestValidateRolloutStrategyCanaryMissingServiceNames', () => {
  const routers: Record<string, Record<string, any>> = {
    ALB: { alb: { rootService: 'root-service' } },
    Istio: { istio: {} },
    SMI: { smi: {} },
    Apisix: { apisix: {} },
    Ambassador: { ambassador: {} },
    Nginx: { nginx: {} },
    AppMesh: { appMesh: {} },
    Traefik: { traefik: {} },
    'Traefik and Istio Subset Routing': { traefik: {}, istio: { destinationRule: { name: 'destination-rule' } } },
    'AppMesh and external plugin(doesnt require service names)': { appMesh: {}, plugins: { 'some-plugin': { key: 'value' } } },
    'Apisix, Istio Subset Routing and external plugin(doesnt require service names)': { apisix: {}, istio: { destinationRule: { name: 'destination-rule' } }, plugins: { 'some-plugin': { key: 'value' } } },
  };
  for (const [name, trafficRouting] of Object.entries(routers))
    test(name, () => assert.equal(first(canary({ steps: [{ setWeight: 10 }], trafficRouting })), InvalidTrafficRoutingMessage));
});

describe('TestValidateRolloutStrategyCanary', () => {
  const base = () => ({ canaryService: 'canary', stableService: 'stable', trafficRouting: { alb: { rootService: 'root-service' } } as Record<string, any>, steps: [{}] as Record<string, any>[] });
  const valid = () => Object.assign(base(), { steps: [{ setWeight: 10 }] });
  const invalidArgs = [{ name: "metadata.labels['app']", valueFrom: { fieldRef: { fieldPath: "metadata.label['app']" } } }, { name: 'value-key', value: 'hardcoded-value' }];

  test('valid rollout', () => assert.deepEqual(details(canary(valid())), []));
  test('valid plugin missing canary and stable service', () =>
    assert.deepEqual(details(canary({ ...valid(), canaryService: '', stableService: '', trafficRouting: { plugins: { 'some-plugin': { key: 'value' } } } })), []));
  test('valid Istio missing canary and stable service', () =>
    assert.deepEqual(details(canary({ ...valid(), canaryService: '', stableService: '', trafficRouting: { istio: { destinationRule: { name: 'destination-rule' } } } })), []));
  test('valid PingPong missing canary and stable service', () =>
    assert.deepEqual(details(canary({ ...valid(), canaryService: '', stableService: '', pingPong: { pingService: 'ping', pongService: 'pong' } })), []));
  test('valid two plugins missing canary and stable service', () =>
    assert.deepEqual(details(canary({ ...valid(), canaryService: '', stableService: '', pingPong: { pingService: 'ping', pongService: 'pong' }, trafficRouting: { alb: { rootService: 'root-service' }, istio: { destinationRule: { name: 'destination-rule' } } } })), []));
  test('invalid two plugins missing canary and stable service', () =>
    assert.equal(first(canary({ ...valid(), canaryService: '', stableService: '', trafficRouting: { istio: {}, plugins: { 'some-plugin': { key: 'value' } } } })), InvalidTrafficRoutingMessage));
  test('duplicate services', () => assert.equal(first(canary({ ...base(), canaryService: 'stable' })), DuplicatedServicesCanaryMessage));
  test('duplicate ping pong services', () => assert.equal(first(canary({ ...base(), pingPong: { pingService: 'ping', pongService: 'ping' } })), DuplicatedPingPongServicesMessage));
  test('ping services using only', () => assert.equal(first(canary({ ...base(), pingPong: { pingService: 'ping', pongService: '' } })), InvalidPingPongProvidedMessage));
  test('pong service using only', () => assert.equal(first(canary({ ...base(), pingPong: { pingService: '', pongService: 'pong' } })), InvalidPingPongProvidedMessage));
  test('missed ALB root service for the ping-pong feature', () =>
    assert.equal(first(canary({ ...base(), pingPong: { pingService: 'ping', pongService: 'pong' }, trafficRouting: { alb: { rootService: '' } } })), MissedAlbRootServiceMessage));
  // Upstream's later test expects PingPongWithRouterOnlyMessage; v1.9.1's code raises PingPongWithAlbOnlyMessage.
  test('ping-pong feature without the ALB traffic routing', () =>
    assert.equal(first(canary({ ...base(), pingPong: { pingService: 'ping', pongService: 'pong' }, trafficRouting: { nginx: { stableIngress: 'stable-ingress' } } })), PingPongWithAlbOnlyMessage));
  test('invalid traffic routing', () => assert.equal(first(canary({ ...base(), canaryService: '' })), InvalidTrafficRoutingMessage));
  test('invalid setCanaryScale without trafficRouting', () => {
    const { trafficRouting: _, ...c } = base();
    assert.equal(first(canary({ ...c, steps: [{ setCanaryScale: {} }] })), InvalidSetCanaryScaleTrafficPolicy);
  });
  test('invalid canary step', () => assert.equal(first(canary(base())), InvalidStepMessage));
  test('invalid set weight value', () => assert.equal(first(canary({ ...base(), steps: [{ setWeight: 101 }] })), InvalidSetWeightMessage(100)));
  describe('only nginx/plugins support max weight value', () => {
    const withRouting = (trafficRouting: Record<string, any>) => canary({ ...base(), steps: [{ setWeight: 1 }], trafficRouting });
    test('ALB', () => assert.equal(first(withRouting({ alb: { rootService: 'root-service' }, maxTrafficWeight: 1 })), InvalidCanaryMaxWeightOnlySupportInNginxAndPlugins));
    test('Nginx', () => assert.deepEqual(details(withRouting({ nginx: { stableIngress: 'stable-ingress' }, maxTrafficWeight: 1 })), []));
    test('plugins', () => assert.deepEqual(details(withRouting({ plugins: { anyplugin: { key: 'value' } }, maxTrafficWeight: 1 })), []));
  });
  test('invalid duration set in paused step', () => assert.equal(first(canary({ ...base(), steps: [{ pause: { duration: -1 } }] })), InvalidDurationMessage));
  test('invalid metadata references in analysis step', () => assert.equal(first(canary({ ...base(), steps: [{ analysis: { args: invalidArgs } }] })), InvalidAnalysisArgsMessage));
  test('invalid metadata references in experiment step', () => assert.equal(first(canary({ ...base(), steps: [{ experiment: { analyses: [{ args: invalidArgs }] } }] })), InvalidAnalysisArgsMessage));
});

test('TestValidateRolloutStrategyAntiAffinity', () => {
  assert.equal(first(ValidateRolloutStrategyAntiAffinity({}, 'antiAffinity')), InvalidAntiAffinityStrategyMessage);
  assert.equal(first(ValidateRolloutStrategyAntiAffinity({ preferredDuringSchedulingIgnoredDuringExecution: { weight: 101 } }, 'antiAffinity')), InvalidAntiAffinityWeightMessage);
});

describe('SetHeaderRoute and SetMirrorRoute', () => {
  const services = { canaryService: 'canary', stableService: 'stable' };
  const istio = { istio: { virtualService: { name: 'virtual-service' } } };
  const header = (headerValue?: Record<string, any>) => ({ setHeaderRoute: { match: [{ headerName: 'agent', ...(headerValue ? { headerValue } : {}) }] } });
  test('TestValidateRolloutStrategyCanarySetHeaderRoute: using SetHeaderRoute step without the traffic routing', () =>
    assert.equal(first(canary({ ...services, steps: [header({ exact: 'chrome' })] })), InvalidSetHeaderRouteTrafficPolicy));
  test('TestValidateRolloutStrategyCanarySetHeaderRoutePlugins: using SetHeaderRoute step with plugins', () =>
    assert.deepEqual(details(canary({ ...services, steps: [{ setHeaderRoute: { name: 'test', match: [{ headerName: 'agent', headerValue: { exact: 'chrome' } }] } }], trafficRouting: { managedRoutes: [{ name: 'test' }], plugins: { anyplugin: { key: 'value' } } } })), []));
  test('TestValidateRolloutStrategyCanarySetMirrorRoute: using SetMirrorRoute step without the traffic routing', () =>
    assert.equal(first(canary({ ...services, steps: [{ setMirrorRoute: { name: 'test-mirror-1' } }] })), InvalidSetMirrorRouteTrafficPolicy));

  describe('TestValidateRolloutStrategyCanarySetHeaderRouteIstio', () => {
    test('using SetHeaderRoute step with multiple values', () => assert.equal(first(canary({ ...services, trafficRouting: istio, steps: [header({ exact: 'chrome', regex: 'chrome(.*)' })] })), InvalidStringMatchMultipleValuePolicy));
    test('using SetHeaderRoute step with missed values', () => assert.equal(first(canary({ ...services, trafficRouting: istio, steps: [header()] })), InvalidStringMatchMissedValuePolicy));
    test('using SetHeaderRoute step without managedRoutes defined but missing route', () =>
      assert.equal(first(canary({ ...services, trafficRouting: { ...istio, managedRoutes: [{ name: 'not-in-steps' }] }, steps: [header({ exact: 'exact' })] })), InvalideStepRouteNameNotFoundInManagedRoutes));
  });
  describe('TestValidateRolloutStrategyCanarySetHeaderRoutingALB', () => {
    const alb = { alb: { rootService: 'action_name' } };
    test('using SetHeaderRouting step with multiple values', () => assert.equal(first(canary({ ...services, trafficRouting: alb, steps: [header({ exact: 'chrome', regex: 'chrome(.*)' })] })), InvalidSetHeaderRouteALBValuePolicy));
    test('using SetHeaderRouting step with missed values', () => assert.equal(first(canary({ ...services, trafficRouting: alb, steps: [header()] })), InvalidStringMatchMissedValuePolicy));
    test('using SetHeaderRouting step with invalid ALB match value', () => assert.equal(first(canary({ ...services, trafficRouting: alb, steps: [header({ prefix: 'chrome' })] })), InvalidSetHeaderRouteALBValuePolicy));
  });
  describe('TestValidateRolloutStrategyCanarySetMirrorRouteIstio', () => {
    const mirror = (match?: Record<string, any>[]) => ({ setMirrorRoute: { name: 'test-mirror-1', ...(match ? { match } : {}) } });
    const getSlash = [{ method: { exact: 'GET' }, path: { prefix: '/' } }];
    test('using SetMirrorRoute step without the traffic routing', () => assert.equal(first(canary({ ...services, steps: [mirror()] })), InvalidSetMirrorRouteTrafficPolicy));
    test('using SetMirrorRoute step with multiple values', () => assert.equal(first(canary({ ...services, trafficRouting: istio, steps: [mirror([{ method: { exact: 'test', prefix: 'test' } }])] })), InvalidStringMatchMultipleValuePolicy));
    test('using SetMirrorRoute step with missed match and no kind', () => assert.equal(first(canary({ ...services, trafficRouting: istio, steps: [mirror([{ method: {} }])] })), InvalidStringMatchMissedValuePolicy));
    test('using SetMirrorRoute step without managedRoutes not defined', () =>
      assert.equal(first(canary({ ...services, trafficRouting: istio, steps: [mirror([{ method: { exact: 'exact' } }])] })), MissingFieldMessage('spec.strategy.canary.trafficRouting.managedRoutes')));
    test('using SetMirrorRoute step without managedRoutes defined but missing route', () =>
      assert.equal(first(canary({ ...services, trafficRouting: { ...istio, managedRoutes: [{ name: 'not-in-steps' }] }, steps: [mirror(getSlash)] })), InvalideStepRouteNameNotFoundInManagedRoutes));
    test('using SetMirrorRoute step with managedRoutes defined', () =>
      assert.deepEqual(details(canary({ ...services, trafficRouting: { ...istio, managedRoutes: [{ name: 'test-mirror-1' }] }, steps: [mirror(getSlash)] })), []));
  });
});

describe('TestInvalidMaxSurgeMaxUnavailable', () => {
  const cases: [unknown, unknown][] = [[0, 0], ['0', 0], ['0%', 0], [0, '0'], [0, '0%'], ['0', '0'], ['0%', '0%']];
  for (const [maxSurge, maxUnavailable] of cases)
    test(`maxSurge ${JSON.stringify(maxSurge)}, maxUnavailable ${JSON.stringify(maxUnavailable)}`, () => assert.equal(first(canary({ maxSurge, maxUnavailable })), InvalidMaxSurgeMaxUnavailable));
  // Not upstream's: the defaults (utils/defaults DefaultMaxSurge "25") keep an unset maxSurge from being zero.
  test('maxUnavailable 0 with maxSurge unset passes', () => assert.deepEqual(details(canary({ maxUnavailable: 0 })), []));
});

test('TestHasMultipleStepsType', () => {
  assert.deepEqual(details(hasMultipleStepsType({ setWeight: 1 }, '')), []);
  assert.equal(first(hasMultipleStepsType({ setWeight: 1, pause: { duration: 1 } }, '')), InvalidStepMessage);
});

describe('TestCanaryScaleDownDelaySeconds and TestCanaryDynamicStableScale', () => {
  const selector = { matchLabels: { key: 'value' } };
  const ro = (c: Record<string, any>) => ValidateRollout(rollout({ selector, strategy: { canary: { stableService: 'stable', canaryService: 'canary', ...c } }, template: { metadata: { labels: selector.matchLabels } } }));
  test('scaleDownDelaySeconds with basic canary', () => {
    const [e] = ro({ scaleDownDelaySeconds: 60 });
    // Upstream's field is spec.strategy.scaleDownDelaySeconds (its canary functions start at spec.strategy); ours is the JSON path.
    assert.deepEqual([e?.path, e?.type, e?.value, e?.detail], ['spec.strategy.canary.scaleDownDelaySeconds', 'Invalid value', 60, InvalidCanaryScaleDownDelay]);
  });
  test('scaleDownDelaySeconds with traffic weight canary', () => assert.deepEqual(details(ro({ scaleDownDelaySeconds: 60, trafficRouting: { smi: {} } })), []));
  test('dynamicStableScale with basic canary', () => assert.equal(first(ro({ dynamicStableScale: true })), InvalidCanaryDynamicStableScale));
  test('dynamicStableScale with scaleDownDelaySeconds', () => assert.equal(first(ro({ dynamicStableScale: true, scaleDownDelaySeconds: 60, trafficRouting: { smi: {} } })), InvalidCanaryDynamicStableScaleWithScaleDownDelay));
});

describe('TestWorkloadRefWithTemplate (the valid cases)', () => {
  const workloadRef = { name: 'my-deployment', kind: 'Deployment', apiVersion: 'apps/v1' };
  const strategy = { canary: { stableService: 'stable', canaryService: 'canary' } };
  test('valid workload reference with selector', () => assert.deepEqual(details(ValidateRollout(rollout({ workloadRef, selector: { matchLabels: { key: 'value' } }, strategy }))), []));
  test('valid workload reference without selector', () => assert.deepEqual(details(ValidateRollout(rollout({ workloadRef, strategy }))), []));
});

describe('TestCanaryExperimentStepWithWeight', () => {
  const c = (trafficRouting?: Record<string, any>) =>
    details(canary({ canaryService: 'canary', stableService: 'stable', steps: [{ experiment: { templates: [{ name: 'template', weight: 20 }] } }], ...(trafficRouting ? { trafficRouting } : {}) }));
  // v1.9.1's text; later releases add plugins to the routers that take a weight ("SMI, ALB, Istio and Plugins").
  const unsupported = 'Experiment template weight is only available for TrafficRouting with SMI, ALB, and Istio at this time';
  test('invalid - no TrafficRouting set', () => assert.deepEqual(c(), ['Experiment template weight cannot be set unless TrafficRouting is enabled']));
  test('invalid - empty TrafficRouting', () => assert.deepEqual(c({}), [unsupported]));
  test('unsupported - Nginx TrafficRouting', () => assert.deepEqual(c({ nginx: { stableIngress: 'nginx-ingress' } }), [unsupported]));
  test('unsupported - Ambassador TrafficRouting', () => assert.deepEqual(c({ ambassador: { mappings: ['stable-mapping'] } }), [unsupported]));
  test('unsupported - Istio TrafficRouting', () => assert.deepEqual(c({ istio: { virtualService: { name: 'virtualSvc' } } }), []));
  test('success - SMI TrafficRouting', () => assert.deepEqual(c({ smi: {} }), []));
  test('success - ALB TrafficRouting', () => assert.deepEqual(c({ alb: {} }), []));
  test('unsupported - AppMesh TrafficRouting', () => assert.deepEqual(c({ appMesh: {} }), [unsupported]));
});

test('TestRolloutPauseDuration (types_test.go)', () => {
  assert.equal(DurationSeconds({}), 0);
  assert.equal(DurationSeconds({ duration: 10 }), 10);
  assert.equal(DurationSeconds({ duration: '10' }), 10);
  assert.equal(DurationSeconds({ duration: '10s' }), 10);
  assert.equal(DurationSeconds({ duration: '1h' }), 3600);
  assert.equal(DurationSeconds({ duration: '1ms' }), 0);
  assert.equal(DurationSeconds({ duration: '1z' }), -1);
  assert.equal(DurationSeconds({ duration: '20000000000' }), -1); // out of int32
});

describe('the mistakes a hand-written overlay makes, as findings', () => {
  // inventory's canary as generators/rollouts/canary.ts writes it, trimmed to its first steps.
  const inventory = (steps: Record<string, any>[]) =>
    withObjects([], envTarget('prod'), [
      { ...rollout({ workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'inventory' }, strategy: { canary: { steps } } }), metadata: { name: 'inventory', namespace: 'marquee-prod' } },
    ]);
  const findings = (steps: Record<string, any>[]) => runPolicies(inventory(steps), { only: ['rollouts/spec-valid'], exemptions: [] }).findings.map((f) => `${f.path}: ${f.message}`);

  test('the generated steps pass', () => assert.deepEqual(findings([{ setWeight: 10 }, { pause: { duration: '2m' } }]), []));
  test('setWeight 150', () =>
    assert.deepEqual(findings([{ setWeight: 150 }]), [
      'spec.strategy.canary.steps[0].setWeight: the Rollouts controller marks the Rollout InvalidSpec: spec.strategy.canary.steps[0].setWeight: Invalid value: 150: SetWeight needs to be between 0 and 100 [ValidateRolloutStrategyCanary]',
    ]));
  test('pause duration 2min (Go has no unit "min")', () =>
    assert.deepEqual(findings([{ pause: { duration: '2min' } }]), [
      'spec.strategy.canary.steps[0].pause.duration: pause duration "2min" is neither seconds nor a Go duration; the Rollouts controller marks the Rollout InvalidSpec: spec.strategy.canary.steps[0].pause.duration: Invalid value: -1: Duration needs to be greater than 0 [ValidateRolloutStrategyCanary]',
    ]));
  test('a negative pause under a second truncates to 0 and passes; a second or more does not', () => {
    assert.deepEqual(findings([{ pause: { duration: '-500ms' } }]), []);
    assert.equal(findings([{ pause: { duration: '-1s' } }]).length, 1);
  });
  test('setWeight and pause in one step: reported on the second type, in upstream order', () =>
    assert.deepEqual(findings([{ setWeight: 10, pause: { duration: '30s' } }]), [
      'spec.strategy.canary.steps[0].pause: the Rollouts controller marks the Rollout InvalidSpec: spec.strategy.canary.steps[0].pause: Invalid value: "step.Experiment: false step.Pause: true step.SetWeight: true step.Analysis: false": Step must have one of the following set: experiment, setWeight, setCanaryScale or pause [hasMultipleStepsType]',
    ]));
});

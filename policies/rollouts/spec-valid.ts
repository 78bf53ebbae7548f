// The Rollouts controller validates a Rollout's spec before it reconciles it. A spec it refuses gets the
// InvalidSpec condition and no release ever starts, although the API server accepted the object and Argo CD
// shows it Synced: nothing fails where a reviewer would look. This is a port of argo-rollouts v1.9.1
// pkg/apis/rollouts/validation/validation.go (ValidateRolloutSpec, ValidateRolloutStrategy and the
// functions it calls), with the defaults of utils/defaults/defaults.go for unset fields. Left out: the pod
// template (ValidatePodTemplateSpecForReplicaSet; our Rollouts take it from a Deployment by workloadRef, which
// the API server validated) and "template must be empty for workload reference rollout" (the comment there
// says the controller never reaches it during reconciliation, only the lint plugin does).
//
// Each error is placed at the field the mistake is written in. Where upstream names a parent, or a field
// that does not exist (spec.strategy.trafficRouting for a setCanaryScale step without traffic routing),
// the path here is the step field that triggers it, so validate blames the line that added it.
import { IsQualifiedName, IsValidPercent } from '../apiserver/lib/validation.ts';
import { apiServerText, arr, at, has, invalid, isObj, required, str, ValidateLabelSelector, ValidateNonnegativeField, type Errs, type FieldError } from '../apiserver/lib/field.ts';
import { goDurationSeconds, isEmptySelector } from '../../kube/index.ts';
import { objectPolicy } from '../lib/define.ts';
import type { Violation } from '../types.ts';

// validation.go's message constants, as the controller prints them.
export const MissingFieldMessage = (f: string) => `Rollout has missing field '${f}'`;
export const InvalidSetWeightMessage = (max: number) => `SetWeight needs to be between 0 and ${max}`;
export const InvalidCanaryExperimentTemplateWeightWithoutTrafficRouting = 'Experiment template weight cannot be set unless TrafficRouting is enabled';
export const InvalidCanaryExperimentTemplateWeightUnsupported = 'Experiment template weight is only available for TrafficRouting with SMI, ALB, and Istio at this time';
export const InvalidSetCanaryScaleTrafficPolicy = 'SetCanaryScale requires TrafficRouting to be set';
export const InvalidSetHeaderRouteTrafficPolicy = 'SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix';
export const InvalidSetMirrorRouteTrafficPolicy = 'SetMirrorRoute requires TrafficRouting, supports Istio only';
export const InvalidStringMatchMultipleValuePolicy = 'StringMatch match value must have exactly one of the following: exact, regex, prefix';
export const InvalidStringMatchMissedValuePolicy = 'StringMatch value missed, match value must have one of the following: exact, regex, prefix';
export const InvalidSetHeaderRouteALBValuePolicy = "SetHeaderRoute match value invalid. ALB supports 'exact' value only";
export const InvalidDurationMessage = 'Duration needs to be greater than 0';
export const InvalidMaxSurgeMaxUnavailable = 'MaxSurge and MaxUnavailable both can not be zero';
export const InvalidStepMessage = 'Step must have one of the following set: experiment, setWeight, setCanaryScale or pause';
export const InvalidStrategyMessage = 'Multiple Strategies can not be listed';
export const DuplicatedServicesBlueGreenMessage = 'This rollout uses the same service for the active and preview services, but two different services are required.';
export const DuplicatedServicesCanaryMessage = 'This rollout uses the same service for the stable and canary services, but two different services are required.';
export const InvalidAntiAffinityStrategyMessage = 'AntiAffinity must have exactly one strategy listed';
export const InvalidAntiAffinityWeightMessage = 'AntiAffinity weight must be between 1-100';
export const ScaleDownLimitLargerThanRevisionLimit = "This rollout's revision history limit can not be smaller than the rollout's scale down limit";
export const InvalidTrafficRoutingMessage = 'Canary service and Stable service must to be set to use Traffic Routing';
export const InvalidAnalysisArgsMessage = 'Analyses arguments must refer to valid object metadata supported by downwardAPI';
export const InvalidCanaryScaleDownDelay = 'Canary scaleDownDelaySeconds can only be used with traffic routing';
export const InvalidCanaryDynamicStableScale = 'Canary dynamicStableScale can only be used with traffic routing';
export const InvalidCanaryDynamicStableScaleWithScaleDownDelay = 'Canary dynamicStableScale cannot be used with scaleDownDelaySeconds';
export const InvalidCanaryMaxWeightOnlySupportInNginxAndPlugins = 'Canary maxTrafficWeight in traffic routing only support in Nginx and Plugins';
export const InvalidPingPongProvidedMessage = 'Ping service and Pong service must to be set to use Ping-Pong feature';
export const DuplicatedPingPongServicesMessage = 'This rollout uses the same service for the ping and pong services, but two different services are required.';
export const MissedAlbRootServiceMessage = 'Root service field is required for the configuration with ALB and ping-pong feature enabled';
export const PingPongWithAlbOnlyMessage = 'Ping-pong feature works with the ALB traffic routing only';
export const InvalideStepRouteNameNotFoundInManagedRoutes = 'Steps define a route that does not exist in spec.strategy.canary.trafficRouting.managedRoutes';

// utils/defaults/defaults.go
const DefaultReplicas = 1;
const DefaultRevisionHistoryLimit = 10;
const DefaultProgressDeadlineSeconds = 600;
/** DefaultMaxSurge and DefaultMaxUnavailable are "25": a number in a string, not a percent. */
const DefaultMaxSurgeOrUnavailable = '25';

const int32 = (n: number) => n >= -(2 ** 31) && n < 2 ** 31;

/**
 * v1alpha1 RolloutPause.DurationSeconds (types.go): an integer is seconds; a string is strconv.ParseInt(s, 10, 32)
 * seconds, else a time.ParseDuration duration truncated to whole seconds, else -1. No duration is 0.
 */
export function DurationSeconds(pause: unknown): number {
  const d = isObj(pause) ? pause.duration : undefined;
  if (typeof d === 'number') return d;
  if (typeof d !== 'string') return 0;
  if (/^[+-]?[0-9]+$/.test(d) && int32(Number(d))) return Number(d);
  const seconds = goDurationSeconds(d);
  // int32(d.Seconds()) truncates toward zero; past int32 Go's conversion is machine-dependent, left unmodelled.
  return seconds === undefined ? -1 : Math.trunc(seconds) || 0;
}

/** getIntOrPercentValue: a percent's number, else intstr IntValue (strconv.Atoi with its error ignored: 0). */
function getIntOrPercentValue(v: unknown): number {
  if (typeof v === 'number') return v;
  const s = str(v);
  if (IsValidPercent(s).length === 0) return Number(s.slice(0, -1));
  return /^[+-]?[0-9]+$/.test(s) ? Number(s) : 0;
}

/** k8s.io/kubernetes pkg/fieldpath ExtractFieldPathAsString: whether it can read `fieldPath` off an object's metadata. */
function extractableFieldPath(fieldPath: string): boolean {
  // SplitMaybeSubscriptedPath: `<path>['<subscript>']` with a non-empty path.
  const m = /^(.+?)\['(.*)'\]$/s.exec(fieldPath);
  if (m) {
    if (m[1] === 'metadata.annotations') return IsQualifiedName(m[2]!.toLowerCase()).length === 0;
    if (m[1] === 'metadata.labels') return IsQualifiedName(m[2]!).length === 0;
    return false;
  }
  return ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'].includes(fieldPath);
}

const fn = {
  spec: 'ValidateRolloutSpec',
  strategy: 'ValidateRolloutStrategy',
  blueGreen: 'ValidateRolloutStrategyBlueGreen',
  canary: 'ValidateRolloutStrategyCanary',
  antiAffinity: 'ValidateRolloutStrategyAntiAffinity',
  maxSurge: 'invalidMaxSurgeMaxUnavailable',
  steps: 'hasMultipleStepsType',
  managedRoutes: 'ValidateStepRouteFoundInManagedRoute',
  alb: 'hasALBInvalidValues',
  match: 'hasMultipleMatchValues',
} as const;

/** ValidateRollout: every error the controller would report, in its order. */
export function ValidateRollout(o: Record<string, any>): Errs {
  const spec = isObj(o.spec) ? o.spec : {};
  const out: Errs = [];
  out.push(...ValidateNonnegativeField(spec.replicas ?? DefaultReplicas, 'spec.replicas'));
  if (!has(spec.workloadRef)) {
    if (!isObj(spec.selector)) out.push(required('spec.selector', MissingFieldMessage('.spec.selector'), fn.spec, 'set spec.selector.matchLabels to the pod template’s stable labels, or take both from a Deployment with workloadRef'));
    else {
      out.push(...ValidateLabelSelector(spec.selector, 'spec.selector'));
      if (isEmptySelector(spec.selector)) out.push(invalid('spec.selector', undefined, 'empty selector is invalid for deployment', fn.spec, 'give the selector at least one matchLabels entry'));
    }
  }
  out.push(...ValidateNonnegativeField(spec.minReadySeconds, 'spec.minReadySeconds'));
  out.push(...ValidateNonnegativeField(spec.revisionHistoryLimit ?? DefaultRevisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const progressDeadlineSeconds = spec.progressDeadlineSeconds ?? DefaultProgressDeadlineSeconds;
  out.push(...ValidateNonnegativeField(progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
  if (typeof progressDeadlineSeconds === 'number' && progressDeadlineSeconds <= (spec.minReadySeconds ?? 0))
    out.push(invalid('spec.progressDeadlineSeconds', progressDeadlineSeconds, 'must be greater than minReadySeconds', fn.spec, 'give a pod more time to make progress than it needs to be ready: raise progressDeadlineSeconds above minReadySeconds'));
  out.push(...ValidateRolloutStrategy(o));
  return out;
}

export function ValidateRolloutStrategy(o: Record<string, any>): Errs {
  const strategy = o.spec?.strategy ?? {};
  const blueGreen = isObj(strategy.blueGreen);
  const canary = isObj(strategy.canary);
  if (!blueGreen && !canary)
    return [required('spec.strategy', MissingFieldMessage('.spec.strategy.canary or .spec.strategy.blueGreen'), fn.strategy, 'a Rollout needs a canary or a blueGreen strategy')];
  if (blueGreen && canary) return [invalid('spec.strategy', `blueGreen: true canary: true`, InvalidStrategyMessage, fn.strategy, 'keep one of canary and blueGreen')];
  return blueGreen ? ValidateRolloutStrategyBlueGreen(o) : ValidateRolloutStrategyCanary(o);
}

export function ValidateRolloutStrategyBlueGreen(o: Record<string, any>): Errs {
  const bg = o.spec.strategy.blueGreen;
  const base = 'spec.strategy.blueGreen';
  const out: Errs = [];
  if (str(bg.activeService) === str(bg.previewService))
    out.push(invalid(at(base, 'activeService'), str(bg.activeService), DuplicatedServicesBlueGreenMessage, fn.blueGreen, 'name two different Services for activeService and previewService'));
  const revisionHistoryLimit = o.spec.revisionHistoryLimit ?? DefaultRevisionHistoryLimit;
  if (typeof bg.scaleDownDelayRevisionLimit === 'number' && revisionHistoryLimit < bg.scaleDownDelayRevisionLimit)
    out.push(invalid(at(base, 'scaleDownDelayRevisionLimit'), bg.scaleDownDelayRevisionLimit, ScaleDownLimitLargerThanRevisionLimit, fn.blueGreen, `keep scaleDownDelayRevisionLimit at most revisionHistoryLimit (${revisionHistoryLimit})`));
  out.push(...ValidateRolloutStrategyAntiAffinity(bg.antiAffinity, at(base, 'antiAffinity')));
  return out;
}

/** requireCanaryStableServices: the traffic routers that split between the stable and canary Services. */
function requireCanaryStableServices(canary: Record<string, any>): boolean {
  const tr = canary.trafficRouting;
  if (!isObj(tr)) return false;
  return (
    (has(tr.alb) && !has(canary.pingPong)) ||
    (has(tr.istio) && !has(tr.istio.destinationRule)) ||
    ['smi', 'apisix', 'ambassador', 'nginx', 'appMesh', 'traefik'].some((k) => has(tr[k]))
  );
}

const stepTypes = ['setWeight', 'pause', 'experiment', 'analysis', 'setCanaryScale', 'setHeaderRoute', 'setMirrorRoute'] as const;
/** Upstream's errVal for a step of none of them: each `<type> == nil`, so all true. */
const emptyStepErrVal = 'step.Experiment: true step.Pause: true step.SetWeight: true step.Analysis: true step.SetCanaryScale: true step.SetHeaderRoute: true step.SetMirrorRoutes: true';

export function ValidateRolloutStrategyCanary(o: Record<string, any>): Errs {
  const canary = o.spec.strategy.canary;
  const base = 'spec.strategy.canary';
  const tr = isObj(canary.trafficRouting) ? canary.trafficRouting : undefined;
  const plugins = isObj(tr?.plugins) && Object.keys(tr.plugins).length > 0;
  const out: Errs = [];

  // invalidMaxSurgeMaxUnavailable (upstream reports it on maxSurge, whichever of the two was set)
  const maxSurge = canary.maxSurge ?? DefaultMaxSurgeOrUnavailable;
  if (getIntOrPercentValue(maxSurge) === 0 && getIntOrPercentValue(canary.maxUnavailable ?? DefaultMaxSurgeOrUnavailable) === 0)
    out.push(invalid(at(base, has(canary.maxSurge) ? 'maxSurge' : 'maxUnavailable'), maxSurge, InvalidMaxSurgeMaxUnavailable, fn.maxSurge, 'let the canary add a pod (maxSurge above 0) or take one away (maxUnavailable above 0)'));
  if (str(canary.canaryService) !== '' && canary.canaryService === canary.stableService)
    out.push(invalid(at(base, 'stableService'), canary.stableService, DuplicatedServicesCanaryMessage, fn.canary, 'name the split Services apart: <service>-stable and <service>-canary (generators/rollouts/canary.ts splitServicesFor)'));
  if (has(canary.pingPong)) {
    const pp = isObj(canary.pingPong) ? canary.pingPong : {};
    const p = at(base, 'pingPong');
    if (tr && !has(tr.alb)) out.push(invalid(p, undefined, PingPongWithAlbOnlyMessage, fn.canary, 'ping-pong needs ALB traffic routing; with another router use stableService and canaryService'));
    if (str(pp.pingService) === '') out.push(invalid(at(p, 'pingService'), '', InvalidPingPongProvidedMessage, fn.canary));
    if (str(pp.pongService) === '') out.push(invalid(at(p, 'pongService'), '', InvalidPingPongProvidedMessage, fn.canary));
    if (str(pp.pingService) === str(pp.pongService)) out.push(invalid(at(p, 'pingService'), str(pp.pingService), DuplicatedPingPongServicesMessage, fn.canary, 'name two different Services for pingService and pongService'));
    if (tr && isObj(tr.alb) && str(tr.alb.rootService) === '') out.push(invalid(at(base, 'trafficRouting.alb'), '', MissedAlbRootServiceMessage, fn.canary));
  }
  if (requireCanaryStableServices(canary)) {
    const hint = 'traffic routing splits between two Services: set both stableService and canaryService';
    if (str(canary.stableService) === '') out.push(invalid(at(base, 'stableService'), '', InvalidTrafficRoutingMessage, fn.canary, hint));
    if (str(canary.canaryService) === '') out.push(invalid(at(base, 'canaryService'), '', InvalidTrafficRoutingMessage, fn.canary, hint));
  }
  if (!tr) {
    if (has(canary.scaleDownDelaySeconds)) out.push(invalid(at(base, 'scaleDownDelaySeconds'), canary.scaleDownDelaySeconds, InvalidCanaryScaleDownDelay, fn.canary, 'remove scaleDownDelaySeconds, or add trafficRouting'));
    if (canary.dynamicStableScale === true) out.push(invalid(at(base, 'dynamicStableScale'), true, InvalidCanaryDynamicStableScale, fn.canary, 'remove dynamicStableScale, or add trafficRouting'));
  } else {
    if (has(canary.scaleDownDelaySeconds) && canary.dynamicStableScale === true)
      out.push(invalid(at(base, 'dynamicStableScale'), true, InvalidCanaryDynamicStableScaleWithScaleDownDelay, fn.canary, 'keep one of dynamicStableScale and scaleDownDelaySeconds'));
    if (has(tr.maxTrafficWeight) && !has(tr.nginx) && !plugins)
      out.push(invalid(at(base, 'trafficRouting.maxTrafficWeight'), tr.maxTrafficWeight, InvalidCanaryMaxWeightOnlySupportInNginxAndPlugins, fn.canary, 'remove maxTrafficWeight: this router always splits out of 100'));
  }
  // weightutil.MaxTrafficWeight
  const maxTrafficWeight = typeof tr?.maxTrafficWeight === 'number' ? tr.maxTrafficWeight : 100;

  arr(canary.steps).forEach((step: any, i: number) => {
    const sp = at(at(base, 'steps'), i);
    const s = isObj(step) ? step : {};
    out.push(...hasMultipleStepsType(s, sp));
    if (!stepTypes.some((k) => has(s[k])))
      out.push(invalid(sp, emptyStepErrVal, InvalidStepMessage, fn.canary, 'give the step one of setWeight, pause, analysis, experiment or setCanaryScale'));
    if (typeof s.setWeight === 'number' && (s.setWeight < 0 || s.setWeight > maxTrafficWeight))
      out.push(invalid(at(sp, 'setWeight'), s.setWeight, InvalidSetWeightMessage(maxTrafficWeight), fn.canary, `a weight is a share of traffic: 0 to ${maxTrafficWeight}`));
    if (has(s.pause) && DurationSeconds(s.pause) < 0) {
      const d = s.pause.duration;
      out.push({
        ...invalid(at(at(sp, 'pause'), 'duration'), DurationSeconds(s.pause), InvalidDurationMessage, fn.canary, 'write whole seconds (120) or a Go duration (2m, 1h30m; units ns, us, ms, s, m, h), not negative'),
        summary: typeof d === 'string' && goDurationSeconds(d) === undefined && !/^[+-]?[0-9]+$/.test(d) ? `pause duration ${JSON.stringify(d)} is neither seconds nor a Go duration` : `pause duration ${JSON.stringify(d)} is negative`,
      });
    }
    if (has(s.setCanaryScale) && !tr)
      out.push(required(at(sp, 'setCanaryScale'), InvalidSetCanaryScaleTrafficPolicy, fn.canary, 'without traffic routing the canary weight is its share of pods: use setWeight, or add trafficRouting'));
    if (has(s.setHeaderRoute)) {
      const hp = at(sp, 'setHeaderRoute');
      if (!tr || (!has(tr.istio) && !has(tr.alb) && !has(tr.apisix) && !plugins))
        out.push(invalid(hp, undefined, InvalidSetHeaderRouteTrafficPolicy, fn.canary, 'header routing needs Istio, ALB, Apisix or a traffic router plugin'));
      else
        arr(s.setHeaderRoute.match).forEach((m: any, j: number) => {
          const mp = at(at(hp, 'match'), j);
          out.push(...(has(tr.alb) ? hasALBInvalidValues(m?.headerValue, mp) : hasMultipleMatchValues(m?.headerValue, mp)));
        });
    }
    if (has(s.setMirrorRoute)) {
      const mp = at(sp, 'setMirrorRoute');
      if (!tr || !has(tr.istio)) out.push(invalid(mp, undefined, InvalidSetMirrorRouteTrafficPolicy, fn.canary, 'mirroring needs Istio traffic routing'));
      // Upstream checks method, path, then method again: the repeat adds the same error twice, one finding here.
      arr(s.setMirrorRoute.match).forEach((m: any, j: number) => {
        const p = at(at(mp, 'match'), j);
        if (has(m?.method)) out.push(...hasMultipleMatchValues(m.method, p));
        if (has(m?.path)) out.push(...hasMultipleMatchValues(m.path, p));
      });
    }
    const routes = (['setHeaderRoute', 'setMirrorRoute'] as const).filter((k) => has(s[k]));
    if (tr && routes.length) {
      if (!has(tr.managedRoutes))
        out.push(required(at(sp, routes[0]!), MissingFieldMessage('spec.strategy.canary.trafficRouting.managedRoutes'), fn.canary, 'list the route under spec.strategy.canary.trafficRouting.managedRoutes'));
      else
        for (const k of routes) {
          const name = str(s[k]?.name);
          if (!arr(tr.managedRoutes).some((r: any) => str(r?.name) === name))
            out.push(invalid(at(at(sp, k), 'name'), name, InvalideStepRouteNameNotFoundInManagedRoutes, fn.managedRoutes, `add ${JSON.stringify(name)} to spec.strategy.canary.trafficRouting.managedRoutes, or use a listed name`));
        }
    }
    arr(s.experiment?.templates).forEach((t: any, k: number) => {
      if (!has(t?.weight)) return;
      const wp = at(at(at(at(sp, 'experiment'), 'templates'), k), 'weight');
      if (!tr) out.push(invalid(wp, t.weight, InvalidCanaryExperimentTemplateWeightWithoutTrafficRouting, fn.canary, 'remove the weight: without traffic routing an experiment gets no share of traffic'));
      else if (!has(tr.alb) && !has(tr.smi) && !has(tr.istio)) out.push(invalid(wp, t.weight, InvalidCanaryExperimentTemplateWeightUnsupported, fn.canary, 'remove the weight: this traffic router cannot send a share to an experiment'));
    });
    // Analysis and experiment-analysis args: a fieldRef into metadata the downward API cannot read.
    const args: { arg: any; path: string }[] = [];
    arr(s.experiment?.analyses).forEach((a: any, k: number) => arr(a?.args).forEach((arg: any, l: number) => args.push({ arg, path: at(at(at(at(at(sp, 'experiment'), 'analyses'), k), 'args'), l) })));
    arr(s.analysis?.args).forEach((arg: any, l: number) => args.push({ arg, path: at(at(at(sp, 'analysis'), 'args'), l) }));
    for (const { arg, path } of args) {
      const fieldPath = arg?.valueFrom?.fieldRef?.fieldPath;
      if (typeof fieldPath === 'string' && fieldPath.startsWith('metadata') && !extractableFieldPath(fieldPath))
        out.push(invalid(`${path}.valueFrom.fieldRef.fieldPath`, undefined, InvalidAnalysisArgsMessage, fn.canary, "use metadata.name, metadata.namespace, metadata.uid, metadata.labels['<key>'] or metadata.annotations['<key>']"));
    }
  });
  out.push(...ValidateRolloutStrategyAntiAffinity(canary.antiAffinity, at(base, 'antiAffinity')));
  return out;
}

/**
 * hasMultipleStepsType: at most one of setWeight, pause, experiment and analysis per step. Upstream reports it on
 * the step; here it is on the type that made it two (in upstream's order), the field an overlay most likely added.
 */
export function hasMultipleStepsType(s: Record<string, any>, path: string): Errs {
  const set = (['setWeight', 'pause', 'experiment', 'analysis'] as const).filter((k) => has(s[k]));
  if (set.length < 2) return [];
  const errVal = `step.Experiment: ${has(s.experiment)} step.Pause: ${has(s.pause)} step.SetWeight: ${has(s.setWeight)} step.Analysis: ${has(s.analysis)}`;
  return [invalid(at(path, set[1]!), errVal, InvalidStepMessage, fn.steps, `one step does one thing: move ${set[1]} into a step of its own`)];
}

export function ValidateRolloutStrategyAntiAffinity(aa: unknown, path: string): Errs {
  if (!isObj(aa)) return [];
  const preferred = aa.preferredDuringSchedulingIgnoredDuringExecution;
  const requiredAA = aa.requiredDuringSchedulingIgnoredDuringExecution;
  const out: Errs = [];
  if (has(preferred) === has(requiredAA))
    out.push(invalid(path, `antiAffinity.PreferredDuringSchedulingIgnoredDuringExecution: ${has(preferred)} antiAffinity.RequiredDuringSchedulingIgnoredDuringExecution: ${has(requiredAA)}`, InvalidAntiAffinityStrategyMessage, fn.antiAffinity, 'set exactly one of preferredDuringSchedulingIgnoredDuringExecution and requiredDuringSchedulingIgnoredDuringExecution'));
  if (isObj(preferred) && (!(preferred.weight >= 1) || preferred.weight > 100))
    out.push(invalid(at(path, 'weight'), preferred.weight ?? 0, InvalidAntiAffinityWeightMessage, fn.antiAffinity));
  return out;
}

function hasALBInvalidValues(match: unknown, path: string): Errs {
  if (!isObj(match)) return [invalid(path, undefined, InvalidStringMatchMissedValuePolicy, fn.alb, 'ALB matches a header by exact value: set headerValue.exact')];
  if (str(match.exact) === '' || str(match.regex) !== '' || str(match.prefix) !== '') return [invalid(path, undefined, InvalidSetHeaderRouteALBValuePolicy, fn.alb, 'ALB matches a header by exact value only: set headerValue.exact and nothing else')];
  return [];
}

function hasMultipleMatchValues(match: unknown, path: string): Errs {
  if (!isObj(match)) return [invalid(path, undefined, InvalidStringMatchMissedValuePolicy, fn.match, 'set one of exact, regex and prefix')];
  const n = ['exact', 'regex', 'prefix'].filter((k) => str(match[k]) !== '').length;
  if (n > 1) return [invalid(path, undefined, InvalidStringMatchMultipleValuePolicy, fn.match, 'keep one of exact, regex and prefix')];
  if (n === 0) return [invalid(path, undefined, InvalidStringMatchMissedValuePolicy, fn.match, 'set one of exact, regex and prefix')];
  return [];
}

/** The controller's words (its field error, at our path), then the plain-words summary if any. */
function toViolation(e: FieldError): Violation {
  const text = `the Rollouts controller marks the Rollout InvalidSpec: ${apiServerText(e)} [${e.fn}]`;
  return { message: e.summary ? `${e.summary}; ${text}` : text, path: e.path, ...(e.hint ? { hint: e.hint } : {}) };
}

export default objectPolicy(
  {
    id: 'rollouts/spec-valid',
    title: 'Every Rollout spec passes the Argo Rollouts controller’s own validation',
    rationale:
      'The API server checks a Rollout only against its CRD schema; the controller validates the rest (setWeight within 0-100, a pause duration it can parse, one type per step, two different Services, maxSurge and maxUnavailable not both zero) and marks a Rollout that fails InvalidSpec. Argo CD shows it Synced while no release can start.',
    hint: 'change the field the message names (generators/rollouts/canary.ts, or the overlay patch that set it); the message quotes the controller’s rule',
    kinds: ['Rollout'],
    references: ['argo-rollouts v1.9.1 pkg/apis/rollouts/validation/validation.go ValidateRollout', 'argo-rollouts v1.9.1 pkg/apis/rollouts/v1alpha1/types.go RolloutPause.DurationSeconds'],
  },
  (subject) => ValidateRollout(subject.object).map(toViolation),
);

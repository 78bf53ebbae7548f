// Rules of kubernetes/kubernetes pkg/apis/autoscaling/validation/validation.go (Kubernetes 1.31): HorizontalPodAutoscaler (autoscaling/v2).
import { arr, at, has, invalid, invalidAll, isObj, notSupported, required, str, ValidateLabelSelector, type Errs } from './lib/field.ts';
import { quantitySign, readQuantity } from '../../kube/quantity.ts';
import { IsValidPathSegmentName } from './lib/validation.ts';

/** ValidateCrossVersionObjectReference */
function validateScaleTargetRef(ref: unknown, path: string): Errs {
  const r = isObj(ref) ? ref : {};
  const out: Errs = [];
  if (!str(r.kind)) out.push(required(at(path, 'kind'), '', 'ValidateCrossVersionObjectReference'));
  else out.push(...invalidAll(at(path, 'kind'), r.kind, IsValidPathSegmentName(r.kind), 'ValidateCrossVersionObjectReference'));
  if (!str(r.name)) out.push(required(at(path, 'name'), '', 'ValidateCrossVersionObjectReference'));
  else out.push(...invalidAll(at(path, 'name'), r.name, IsValidPathSegmentName(r.name), 'ValidateCrossVersionObjectReference'));
  return out;
}

const positiveQuantity = (v: unknown, path: string, fn: string): Errs => {
  const q = readQuantity(v);
  return q && quantitySign(q) <= 0 ? [invalid(path, String(v), 'must be positive', fn)] : [];
};

/** validateMetricTarget */
function validateMetricTarget(t: unknown, path: string): Errs {
  if (!isObj(t)) return [required(path, 'must specify a metric target', 'validateMetricSpec')];
  const out: Errs = [];
  if (!has(t.type)) out.push(required(at(path, 'type'), 'must specify a metric target type', 'validateMetricTarget'));
  else if (!['Utilization', 'Value', 'AverageValue'].includes(t.type)) out.push(notSupported(at(path, 'type'), t.type, ['AverageValue', 'Utilization', 'Value'], 'validateMetricTarget'));
  if (has(t.value)) out.push(...positiveQuantity(t.value, at(path, 'value'), 'validateMetricTarget'));
  if (has(t.averageValue)) out.push(...positiveQuantity(t.averageValue, at(path, 'averageValue'), 'validateMetricTarget'));
  if (typeof t.averageUtilization === 'number' && t.averageUtilization < 1) out.push(invalid(at(path, 'averageUtilization'), t.averageUtilization, 'must be greater than 0', 'validateMetricTarget'));
  if (t.type === 'Utilization' && !has(t.averageUtilization)) out.push(required(at(path, 'averageUtilization'), 'must set averageUtilization when type is Utilization', 'validateMetricTarget'));
  if (t.type === 'Value' && !has(t.value)) out.push(required(at(path, 'value'), 'must set value when type is Value', 'validateMetricTarget'));
  if (t.type === 'AverageValue' && !has(t.averageValue)) out.push(required(at(path, 'averageValue'), 'must set averageValue when type is AverageValue', 'validateMetricTarget'));
  return out;
}

const sourceField: Record<string, string> = { Object: 'object', Pods: 'pods', Resource: 'resource', ContainerResource: 'containerResource', External: 'external' };

/** validateMetricSpec */
function validateMetricSpec(m: any, path: string): Errs {
  const out: Errs = [];
  if (!has(m?.type)) return [required(at(path, 'type'), 'must specify a metric source type', 'validateMetricSpec')];
  if (!(m.type in sourceField)) return [notSupported(at(path, 'type'), m.type, Object.keys(sourceField), 'validateMetricSpec')];
  const set = Object.values(sourceField).filter((f) => has(m[f]));
  const want = sourceField[m.type]!;
  if (!has(m[want])) out.push(required(at(path, want), 'must populate information for the given metric source', 'validateMetricSpec'));
  if (set.some((f) => f !== want)) out.push(invalid(at(path, 'type'), m.type, 'must populate the given metric source only', 'validateMetricSpec'));
  const src = m[want];
  if (!isObj(src)) return out;
  const sp = at(path, want);
  if (want === 'resource' || want === 'containerResource') {
    if (!str(src.name)) out.push(required(at(sp, 'name'), 'must specify a resource name', 'validateResourceSource'));
    if (want === 'containerResource' && !str(src.container)) out.push(required(at(sp, 'container'), 'must specify a container', 'validateContainerResourceSource'));
  } else {
    if (!str(src.metric?.name)) out.push(required(at(at(sp, 'metric'), 'name'), 'must specify a metric name', 'validateMetricIdentifier'));
    out.push(...ValidateLabelSelector(src.metric?.selector, at(at(sp, 'metric'), 'selector')));
    if (want === 'object') {
      if (!str(src.describedObject?.kind)) out.push(required(at(at(sp, 'describedObject'), 'kind'), '', 'validateObjectSource'));
      if (!str(src.describedObject?.name)) out.push(required(at(at(sp, 'describedObject'), 'name'), '', 'validateObjectSource'));
    }
  }
  out.push(...validateMetricTarget(src.target, at(sp, 'target')));
  return out;
}

/** validateScalingRules (behavior.scaleUp / scaleDown) */
function validateScalingRules(r: unknown, path: string): Errs {
  if (!isObj(r)) return [];
  const out: Errs = [];
  if (typeof r.stabilizationWindowSeconds === 'number' && (r.stabilizationWindowSeconds < 0 || r.stabilizationWindowSeconds > 3600))
    out.push(invalid(at(path, 'stabilizationWindowSeconds'), r.stabilizationWindowSeconds, r.stabilizationWindowSeconds < 0 ? 'must be greater than or equal to zero' : 'must be less than or equal to 3600', 'validateScalingRules'));
  if (has(r.selectPolicy) && !['Max', 'Min', 'Disabled'].includes(r.selectPolicy)) out.push(notSupported(at(path, 'selectPolicy'), r.selectPolicy, ['Disabled', 'Max', 'Min'], 'validateScalingRules'));
  const policies = arr(r.policies);
  if (has(r.policies) && !policies.length) out.push(required(at(path, 'policies'), 'must specify at least one Policy', 'validateScalingRules'));
  policies.forEach((p: any, i: number) => {
    const pp = at(at(path, 'policies'), i);
    if (!['Pods', 'Percent'].includes(p?.type)) out.push(notSupported(at(pp, 'type'), p?.type, ['Percent', 'Pods'], 'validateScalingPolicy'));
    if (!(typeof p?.value === 'number' && p.value > 0)) out.push(invalid(at(pp, 'value'), p?.value, 'must be greater than zero', 'validateScalingPolicy'));
    if (!(typeof p?.periodSeconds === 'number' && p.periodSeconds > 0)) out.push(invalid(at(pp, 'periodSeconds'), p?.periodSeconds, 'must be greater than zero', 'validateScalingPolicy'));
    else if (p.periodSeconds > 1800) out.push(invalid(at(pp, 'periodSeconds'), p.periodSeconds, 'must be less than or equal to 1800', 'validateScalingPolicy'));
  });
  return out;
}

/** ValidateHorizontalPodAutoscaler (autoscaling/v2; HPAScaleToZero is alpha and off in 1.31, so minReplicas >= 1). */
export function ValidateHorizontalPodAutoscaler(o: Record<string, any>): Errs {
  const spec = isObj(o.spec) ? o.spec : {};
  const out: Errs = [];
  const min = spec.minReplicas;
  const max = spec.maxReplicas;
  if (typeof min === 'number' && min < 1) out.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1', 'validateHorizontalPodAutoscalerSpec', 'minReplicas is at least 1'));
  if (typeof max === 'number' && max < 1) out.push(invalid('spec.maxReplicas', max, 'must be greater than 0', 'validateHorizontalPodAutoscalerSpec', 'maxReplicas is at least 1'));
  if (typeof min === 'number' && typeof max === 'number' && min > max)
    out.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`', 'validateHorizontalPodAutoscalerSpec', `raise maxReplicas to at least ${min}, or lower minReplicas`));
  out.push(...validateScaleTargetRef(spec.scaleTargetRef, 'spec.scaleTargetRef'));
  arr(spec.metrics).forEach((m: any, i: number) => out.push(...validateMetricSpec(m, `spec.metrics[${i}]`)));
  if (isObj(spec.behavior)) {
    out.push(...validateScalingRules(spec.behavior.scaleUp, 'spec.behavior.scaleUp'));
    out.push(...validateScalingRules(spec.behavior.scaleDown, 'spec.behavior.scaleDown'));
  }
  return out;
}

// Rules of kubernetes/kubernetes pkg/apis/policy/validation/validation.go (Kubernetes 1.31): PodDisruptionBudget.
import { validatePositiveIntOrPercent } from './apps.ts';
import { has, invalid, isObj, notSupported, ValidateLabelSelector, type Errs } from './lib/field.ts';

/** ValidatePodDisruptionBudgetSpec */
export function ValidatePodDisruptionBudget(o: Record<string, any>): Errs {
  const spec = isObj(o.spec) ? o.spec : {};
  const out: Errs = [];
  // Upstream reports it on `spec`; we point at maxUnavailable, the second of the two, so the finding has a line.
  if (has(spec.minAvailable) && has(spec.maxUnavailable))
    out.push(invalid('spec.maxUnavailable', spec.maxUnavailable, 'minAvailable and maxUnavailable cannot be both set', 'ValidatePodDisruptionBudgetSpec', 'keep one of minAvailable and maxUnavailable'));
  if (has(spec.minAvailable)) out.push(...validatePositiveIntOrPercent(spec.minAvailable, 'spec.minAvailable', 'ValidatePodDisruptionBudgetSpec', true));
  if (has(spec.maxUnavailable)) out.push(...validatePositiveIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable', 'ValidatePodDisruptionBudgetSpec', true));
  out.push(...ValidateLabelSelector(spec.selector, 'spec.selector'));
  if (has(spec.unhealthyPodEvictionPolicy) && !['IfHealthyBudget', 'AlwaysAllow'].includes(spec.unhealthyPodEvictionPolicy))
    out.push(notSupported('spec.unhealthyPodEvictionPolicy', spec.unhealthyPodEvictionPolicy, ['AlwaysAllow', 'IfHealthyBudget'], 'ValidatePodDisruptionBudgetSpec'));
  return out;
}

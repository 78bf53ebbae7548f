// Rules of kubernetes/kubernetes pkg/apis/apps/validation/validation.go (Kubernetes 1.31):
// Deployment, StatefulSet, DaemonSet specs. Pod templates go through core.ts.
import { ValidatePodTemplateSpec, ValidatePodSpec } from './core.ts';
import { arr, at, forbidden, has, invalid, invalidAll, isObj, notSupported, required, ValidateLabels, ValidateLabelSelector, ValidateNonnegativeField, type Errs } from './lib/field.ts';
import { IsValidPercent } from './lib/validation.ts';
import { selectorMatches, isEmptySelector } from '../lib/k8s.ts';

/** Selector required, non-empty, valid, and matching the template's labels (ValidateDeploymentSpec & co). */
function validateSelectorAndTemplate(spec: Record<string, any>, kind: string, fn: string): Errs {
  const out: Errs = [];
  if (!isObj(spec.selector)) out.push(required('spec.selector', '', fn, 'set spec.selector.matchLabels to the stable labels of the pod template'));
  else {
    out.push(...ValidateLabelSelector(spec.selector, 'spec.selector'));
    if (isEmptySelector(spec.selector)) out.push(invalid('spec.selector', spec.selector, `empty selector is invalid for ${kind.toLowerCase()}`, fn));
    else if (isObj(spec.template) && !selectorMatches(spec.selector, spec.template.metadata?.labels ?? {}))
      out.push(invalid('spec.template.metadata.labels', spec.template.metadata?.labels ?? {}, '`selector` does not match template `labels`', fn, 'the pod template must carry every label the selector matches'));
  }
  return out;
}

/** ValidatePodTemplateSpecForReplicaSet's extra rules (Deployment, DaemonSet): restartPolicy Always, no activeDeadlineSeconds. */
function validateLongRunningTemplate(spec: Record<string, any>, kind: string): Errs {
  const out: Errs = [];
  const t = spec.template?.spec;
  if (!isObj(t)) return [required('spec.template', '', 'ValidatePodTemplateSpecForReplicaSet')];
  if (has(t.restartPolicy) && t.restartPolicy !== 'Always') out.push(notSupported('spec.template.spec.restartPolicy', t.restartPolicy, ['Always'], 'ValidatePodTemplateSpecForReplicaSet'));
  if (has(t.activeDeadlineSeconds)) out.push(forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${kind} is not Supported`, 'ValidatePodTemplateSpecForReplicaSet'));
  return out;
}

/** An int-or-percent (maxSurge, maxUnavailable): non-negative; percent at most 100% where `max100`. */
export function validatePositiveIntOrPercent(v: unknown, path: string, fn: string, max100 = false): Errs {
  if (typeof v === 'number') return v < 0 ? [invalid(path, v, 'must be greater than or equal to 0', fn)] : [];
  if (typeof v === 'string') {
    if (/^[0-9]+$/.test(v)) return [];
    const msgs = IsValidPercent(v);
    if (msgs.length) return invalidAll(path, v, msgs, fn);
    if (max100 && Number(v.slice(0, -1)) > 100) return [invalid(path, v, 'must not be greater than 100%', fn)];
  }
  return [];
}

const isZeroIntOrPercent = (v: unknown): boolean => v === 0 || v === '0' || v === '0%';

/** ValidateDeployment */
export function ValidateDeployment(o: Record<string, any>): Errs {
  const spec = isObj(o.spec) ? o.spec : {};
  const out: Errs = [];
  out.push(...ValidateNonnegativeField(spec.replicas, 'spec.replicas'));
  out.push(...validateSelectorAndTemplate(spec, 'Deployment', 'ValidateDeploymentSpec'));
  out.push(...ValidatePodTemplateSpec(spec.template, 'spec.template'));
  out.push(...validateLongRunningTemplate(spec, 'Deployment'));
  const st = spec.strategy;
  if (isObj(st)) {
    const type = st.type ?? 'RollingUpdate';
    if (!['Recreate', 'RollingUpdate'].includes(type)) out.push(notSupported('spec.strategy.type', type, ['Recreate', 'RollingUpdate'], 'ValidateDeploymentStrategy'));
    if (type === 'Recreate' && has(st.rollingUpdate)) out.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'", 'ValidateDeploymentStrategy', 'remove rollingUpdate, or use type RollingUpdate'));
    const ru = st.rollingUpdate;
    if (isObj(ru)) {
      out.push(...validatePositiveIntOrPercent(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable', 'ValidateRollingUpdateDeployment', true));
      out.push(...validatePositiveIntOrPercent(ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge', 'ValidateRollingUpdateDeployment'));
      if (has(ru.maxUnavailable) && has(ru.maxSurge) && isZeroIntOrPercent(ru.maxUnavailable) && isZeroIntOrPercent(ru.maxSurge))
        out.push(invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0', 'ValidateRollingUpdateDeployment'));
    }
  }
  out.push(...ValidateNonnegativeField(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  out.push(...ValidateNonnegativeField(spec.minReadySeconds, 'spec.minReadySeconds'));
  if (typeof spec.progressDeadlineSeconds === 'number') {
    out.push(...ValidateNonnegativeField(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0))
      out.push(invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds', 'ValidateDeploymentSpec'));
  }
  return out;
}

/** ValidateDaemonSet */
export function ValidateDaemonSet(o: Record<string, any>): Errs {
  const spec = isObj(o.spec) ? o.spec : {};
  const out: Errs = [...validateSelectorAndTemplate(spec, 'DaemonSet', 'ValidateDaemonSetSpec')];
  out.push(...ValidatePodTemplateSpec(spec.template, 'spec.template'));
  out.push(...validateLongRunningTemplate(spec, 'DaemonSet'));
  out.push(...ValidateNonnegativeField(spec.minReadySeconds, 'spec.minReadySeconds'));
  out.push(...ValidateNonnegativeField(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const us = spec.updateStrategy;
  if (isObj(us)) {
    const type = us.type ?? 'RollingUpdate';
    if (!['OnDelete', 'RollingUpdate'].includes(type)) out.push(notSupported('spec.updateStrategy.type', type, ['OnDelete', 'RollingUpdate'], 'ValidateDaemonSetUpdateStrategy'));
    if (isObj(us.rollingUpdate)) {
      out.push(...validatePositiveIntOrPercent(us.rollingUpdate.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable', 'ValidateRollingUpdateDaemonSet', true));
      out.push(...validatePositiveIntOrPercent(us.rollingUpdate.maxSurge, 'spec.updateStrategy.rollingUpdate.maxSurge', 'ValidateRollingUpdateDaemonSet', true));
      if (has(us.rollingUpdate.maxUnavailable) && has(us.rollingUpdate.maxSurge) && isZeroIntOrPercent(us.rollingUpdate.maxUnavailable) && isZeroIntOrPercent(us.rollingUpdate.maxSurge))
        out.push(invalid('spec.updateStrategy.rollingUpdate.maxUnavailable', us.rollingUpdate.maxUnavailable, 'may not be 0 when `maxSurge` is 0', 'ValidateRollingUpdateDaemonSet'));
    }
  }
  return out;
}

/**
 * ValidateStatefulSet. Upstream validates only the template's labels at StatefulSet
 * creation (ValidatePodTemplateSpecForStatefulSet, "TODO: Add validation for PodSpec"); the
 * pod spec is validated when the controller creates each Pod, which then fails. We check the
 * pod spec as the Pod's creation would, with volumeClaimTemplates counted as volumes.
 */
export function ValidateStatefulSet(o: Record<string, any>): Errs {
  const spec = isObj(o.spec) ? o.spec : {};
  const out: Errs = [];
  if (has(spec.podManagementPolicy) && !['OrderedReady', 'Parallel'].includes(spec.podManagementPolicy))
    out.push(notSupported('spec.podManagementPolicy', spec.podManagementPolicy, ['OrderedReady', 'Parallel'], 'ValidateStatefulSetSpec'));
  const us = spec.updateStrategy;
  if (isObj(us)) {
    const type = us.type ?? 'RollingUpdate';
    if (!['OnDelete', 'RollingUpdate'].includes(type)) out.push(notSupported('spec.updateStrategy.type', type, ['OnDelete', 'RollingUpdate'], 'ValidateStatefulSetUpdateStrategy'));
    if (type === 'OnDelete' && has(us.rollingUpdate)) out.push(invalid('spec.updateStrategy.rollingUpdate', us.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'", 'ValidateStatefulSetUpdateStrategy'));
    if (isObj(us.rollingUpdate)) {
      out.push(...ValidateNonnegativeField(us.rollingUpdate.partition, 'spec.updateStrategy.rollingUpdate.partition'));
      if (has(us.rollingUpdate.maxUnavailable)) {
        out.push(...validatePositiveIntOrPercent(us.rollingUpdate.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable', 'validateStatefulSetUpdateStrategy', true));
        if (isZeroIntOrPercent(us.rollingUpdate.maxUnavailable)) out.push(invalid('spec.updateStrategy.rollingUpdate.maxUnavailable', us.rollingUpdate.maxUnavailable, 'must be greater than 0', 'validateStatefulSetUpdateStrategy'));
      }
    }
  }
  out.push(...ValidateNonnegativeField(spec.replicas, 'spec.replicas'));
  out.push(...ValidateNonnegativeField(spec.minReadySeconds, 'spec.minReadySeconds'));
  const pol = spec.persistentVolumeClaimRetentionPolicy;
  if (isObj(pol))
    for (const f of ['whenDeleted', 'whenScaled'])
      if (has(pol[f]) && !['Retain', 'Delete'].includes(pol[f])) out.push(notSupported(at('spec.persistentVolumeClaimRetentionPolicy', f), pol[f], ['Delete', 'Retain'], 'ValidatePersistentVolumeClaimRetentionPolicyType'));
  out.push(...validateSelectorAndTemplate(spec, 'StatefulSet', 'ValidateStatefulSetSpec'));
  const t = spec.template;
  if (isObj(t)) {
    out.push(...ValidateLabels(t.metadata?.labels, 'spec.template.metadata.labels'));
    if (isObj(t.spec)) {
      const claims = arr(spec.volumeClaimTemplates).map((c: any) => ({ name: c?.metadata?.name, persistentVolumeClaim: { claimName: c?.metadata?.name } }));
      const withClaims = { ...t.spec, volumes: [...arr(t.spec.volumes), ...claims] };
      const n = arr(t.spec.volumes).length;
      // Errors on the synthetic claim volumes are not the author's: keep only the rest.
      out.push(...ValidatePodSpec(withClaims, 'spec.template.spec').filter((e) => !new RegExp(`^spec\\.template\\.spec\\.volumes\\[(\\d+)\\]`).test(e.path) || Number(/\[(\d+)\]/.exec(e.path)![1]) < n));
    }
  }
  out.push(...validateLongRunningTemplate(spec, 'StatefulSet'));
  return out;
}

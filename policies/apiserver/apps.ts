// Rules of kubernetes/kubernetes pkg/apis/apps/validation/validation.go (Kubernetes 1.31):
// Deployment, StatefulSet, DaemonSet specs. Pod templates go through core.ts.
import { ValidatePodTemplateSpec, ValidatePodSpec } from './core.ts';
import { arr, at, forbidden, has, invalid, invalidAll, isObj, notSupported, quotedNumberHint, required, ValidateLabels, ValidateLabelSelector, ValidateNonnegativeField, type Errs } from './lib/field.ts';
import { IsValidPercent } from './lib/validation.ts';
import { selectorMatches, isEmptySelector } from '../../kube/index.ts';

/** Selector required, non-empty, valid, and matching the template's labels (ValidateDeploymentSpec & co). */
function validateSelectorAndTemplate(spec: Record<string, any>, kind: string, fn: string): Errs {
  const out: Errs = [];
  if (!isObj(spec.selector)) out.push(required('spec.selector', '', fn, 'set spec.selector.matchLabels to the stable labels of the pod template'));
  else {
    out.push(...ValidateLabelSelector(spec.selector, 'spec.selector'));
    if (isEmptySelector(spec.selector)) out.push(invalid('spec.selector', spec.selector, `empty selector is invalid for ${kind.toLowerCase()}`, fn));
    else if (isObj(spec.template) && !selectorMatches(spec.selector, spec.template.metadata?.labels ?? {}))
      out.push({
        ...invalid('spec.template.metadata.labels', spec.template.metadata?.labels ?? {}, '`selector` does not match template `labels`', fn, 'the pod template must carry every label the selector matches'),
        // the labels are the generator's and a patch changed the selector: that patch is the mistake
        against: [{ path: 'spec.selector', selects: spec.template.metadata?.labels ?? {} }],
      });
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
    // a quoted number is a string (intstr.IntOrString), which must be a percent
    const msgs = IsValidPercent(v);
    if (msgs.length) return invalidAll(path, v, msgs, fn, quotedNumberHint(v, 'percent'));
    if (max100 && Number(v.slice(0, -1)) > 100) return [invalid(path, v, 'must not be greater than 100%', fn)];
  }
  return [];
}

/** getIntOrPercentValue(v) == 0 */
const isZeroIntOrPercent = (v: unknown): boolean =>
  typeof v === 'number' ? v === 0 : typeof v === 'string' && /^[0-9]+%?$/.test(v) ? Number(v.replace('%', '')) === 0 : false;

/** ValidateDeployment */
export function ValidateDeployment(o: Record<string, any>): Errs {
  const spec = isObj(o.spec) ? o.spec : {};
  const out: Errs = [];
  out.push(...ValidateNonnegativeField(spec.replicas, 'spec.replicas'));
  out.push(...validateSelectorAndTemplate(spec, 'Deployment', 'ValidateDeploymentSpec'));
  out.push(...ValidatePodTemplateSpec(spec.template, 'spec.template'));
  // ValidatePodTemplateSpecForReplicaSet's message names ReplicaSet for Deployments too.
  out.push(...validateLongRunningTemplate(spec, 'ReplicaSet'));
  const st = spec.strategy;
  if (isObj(st)) {
    const type = st.type ?? 'RollingUpdate';
    if (!['Recreate', 'RollingUpdate'].includes(type)) out.push(notSupported('spec.strategy.type', type, ['Recreate', 'RollingUpdate'], 'ValidateDeploymentStrategy'));
    if (type === 'Recreate' && has(st.rollingUpdate)) out.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'", 'ValidateDeploymentStrategy', 'remove rollingUpdate, or use type RollingUpdate'));
    const ru = st.rollingUpdate;
    if (isObj(ru)) {
      out.push(...validatePositiveIntOrPercent(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable', 'ValidateRollingUpdateDeployment', true));
      out.push(...validatePositiveIntOrPercent(ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge', 'ValidateRollingUpdateDeployment'));
      // Both default to 25% (SetDefaults_Deployment) when unset.
      if (isZeroIntOrPercent(ru.maxUnavailable ?? '25%') && isZeroIntOrPercent(ru.maxSurge ?? '25%'))
        out.push(invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0', 'ValidateRollingUpdateDeployment', 'let one of maxUnavailable and maxSurge be above 0'));
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

/** ValidateReplicaSetSpec */
export function ValidateReplicaSet(o: Record<string, any>): Errs {
  const spec = isObj(o.spec) ? o.spec : {};
  const out: Errs = [...ValidateNonnegativeField(spec.replicas, 'spec.replicas'), ...ValidateNonnegativeField(spec.minReadySeconds, 'spec.minReadySeconds')];
  // Upstream's message says "deployment" here too (ValidateReplicaSetSpec).
  out.push(...validateSelectorAndTemplate(spec, 'Deployment', 'ValidateReplicaSetSpec'));
  out.push(...ValidatePodTemplateSpec(spec.template, 'spec.template'));
  out.push(...validateLongRunningTemplate(spec, 'ReplicaSet'));
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
    const ru = us.rollingUpdate;
    if (isObj(ru)) {
      const p = 'spec.updateStrategy.rollingUpdate';
      out.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`, 'ValidateRollingUpdateDaemonSet', true));
      out.push(...validatePositiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`, 'ValidateRollingUpdateDaemonSet', true));
      // Exactly one of them non-zero; maxUnavailable defaults to 1 and maxSurge to 0 (SetDefaults_DaemonSet).
      const hasUnavailable = !isZeroIntOrPercent(ru.maxUnavailable ?? 1);
      const hasSurge = !isZeroIntOrPercent(ru.maxSurge ?? 0);
      if (hasUnavailable && hasSurge)
        out.push(invalid(`${p}.maxSurge`, ru.maxSurge, 'may not be set when maxUnavailable is non-zero', 'ValidateRollingUpdateDaemonSet', 'with maxSurge set, set maxUnavailable: 0 (it defaults to 1)'));
      else if (!hasUnavailable && !hasSurge) out.push(required(`${p}.maxUnavailable`, 'cannot be 0 when maxSurge is 0', 'ValidateRollingUpdateDaemonSet'));
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
    out.push(invalid('spec.podManagementPolicy', spec.podManagementPolicy, "must be 'OrderedReady' or 'Parallel'", 'ValidateStatefulSetSpec'));
  const us = spec.updateStrategy;
  if (isObj(us)) {
    const type = us.type ?? 'RollingUpdate';
    if (!['OnDelete', 'RollingUpdate'].includes(type)) out.push(invalid('spec.updateStrategy', us, "must be 'RollingUpdate' or 'OnDelete'", 'ValidateStatefulSetSpec'));
    if (type === 'OnDelete' && has(us.rollingUpdate)) out.push(invalid('spec.updateStrategy.rollingUpdate', us.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'", 'ValidateStatefulSetSpec'));
    if (type === 'RollingUpdate' && isObj(us.rollingUpdate)) {
      const p = 'spec.updateStrategy.rollingUpdate';
      out.push(...ValidateNonnegativeField(us.rollingUpdate.partition, `${p}.partition`));
      if (has(us.rollingUpdate.maxUnavailable)) {
        out.push(...validatePositiveIntOrPercent(us.rollingUpdate.maxUnavailable, `${p}.maxUnavailable`, 'validateRollingUpdateStatefulSet', true));
        if (isZeroIntOrPercent(us.rollingUpdate.maxUnavailable)) out.push(invalid(`${p}.maxUnavailable`, us.rollingUpdate.maxUnavailable, 'cannot be 0', 'validateRollingUpdateStatefulSet'));
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

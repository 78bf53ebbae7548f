// Fields the API server refuses to change on update (Kubernetes 1.31), as a pure function of
// the object live in the cluster (old: what the environment's branch renders, as Argo CD applied
// it) and the object about to be applied (new). Sources:
// - pkg/apis/apps/validation ValidateDeploymentUpdate / ValidateDaemonSetUpdate:
//   spec.selector "field is immutable" (apps/v1);
// - ValidateStatefulSetUpdate: only replicas, ordinals, template, updateStrategy, revisionHistoryLimit,
//   persistentVolumeClaimRetentionPolicy and minReadySeconds may change ("updates to statefulset spec
//   for fields other than ... are forbidden"): selector, volumeClaimTemplates, serviceName, podManagementPolicy;
// - pkg/apis/batch/validation ValidateJobUpdate: spec.selector, spec.template (but for scheduling
//   directives of a suspended Job), spec.completionMode, spec.podFailurePolicy are immutable;
// - pkg/apis/core/validation ValidateServiceUpdate (clusterIP once set, unless to/from ExternalName),
//   ValidatePersistentVolumeClaimUpdate (spec except resources.requests and volumeAttributesClassName),
//   ValidateConfigMapUpdate / ValidateSecretUpdate (data, binaryData and type when immutable: true,
//   Secret type always);
//   with RecoverVolumeExpansionFailure off (its 1.31 default) a storage request below the old one
//   ("field can not be less than previous value");
// - apimachinery ValidateObjectMetaUpdate: name and namespace (a rename is a delete and create, not a refusal).
// A CloudNativePG Cluster goes to the operator's admission webhook, which the API server calls on
// update: its storage rules are ported in policies/lib/cnpg-cluster-update.ts.
import { asDec, cmpDec, readQuantity } from '../../kube/quantity.ts';
import { cnpgClusterChanges, isCnpgCluster } from '../lib/cnpg-cluster-update.ts';
import { isBuiltin } from './object-meta.ts';

export interface ImmutableChange {
  /** JSON path of the field in the new object. */
  readonly path: string;
  readonly message: string;
  /** Upstream function that refuses the update. */
  readonly fn: string;
  readonly hint: string;
}

const eq = (a: unknown, b: unknown): boolean => JSON.stringify(canon(a)) === JSON.stringify(canon(b));

/** Key-order-independent form; empty maps/lists equal absent ones (apiequality.Semantic on defaulted objects). */
function canon(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? v.map(canon) : undefined;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => [k, canon(x)] as const)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return v === null ? undefined : v;
}

const recreate = (kind: string, name: string) =>
  `delete and recreate the ${kind} (Argo CD: Replace=true sync option on it), or keep the old value and roll the change out under a new name (${name}-v2)`;

/**
 * The changes from `old` to `new` that the API server refuses on update. Both are rendered
 * objects of the same kind, namespace and name; an empty list means the update is accepted
 * as far as immutability goes.
 */
export function immutableFieldChanges(old: Record<string, any>, neu: Record<string, any>): ImmutableChange[] {
  if (!old || !neu || old.kind !== neu.kind) return [];
  if (isCnpgCluster(neu)) return cnpgClusterChanges(old, neu);
  if (!isBuiltin(neu)) return [];
  const out: ImmutableChange[] = [];
  const name = String(neu.metadata?.name ?? '');
  const check = (path: string, a: unknown, b: unknown, fn: string, message = 'field is immutable') => {
    if (!eq(a, b)) out.push({ path, message, fn, hint: recreate(neu.kind, name) });
  };
  const o = old.spec ?? {};
  const n = neu.spec ?? {};
  switch (neu.kind) {
    case 'Deployment':
      check('spec.selector', o.selector, n.selector, 'ValidateDeploymentUpdate');
      break;
    case 'DaemonSet':
      check('spec.selector', o.selector, n.selector, 'ValidateDaemonSetUpdate');
      break;
    case 'StatefulSet': {
      const msg = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";
      check('spec.selector', o.selector, n.selector, 'ValidateStatefulSetUpdate', msg);
      check('spec.volumeClaimTemplates', stripStatus(o.volumeClaimTemplates), stripStatus(n.volumeClaimTemplates), 'ValidateStatefulSetUpdate', msg);
      check('spec.serviceName', o.serviceName, n.serviceName, 'ValidateStatefulSetUpdate', msg);
      check('spec.podManagementPolicy', o.podManagementPolicy ?? 'OrderedReady', n.podManagementPolicy ?? 'OrderedReady', 'ValidateStatefulSetUpdate', msg);
      break;
    }
    case 'Job':
      check('spec.selector', o.selector, n.selector, 'ValidateJobUpdate');
      check('spec.template', o.template, n.template, 'ValidateJobUpdate');
      check('spec.completionMode', o.completionMode ?? 'NonIndexed', n.completionMode ?? 'NonIndexed', 'ValidateJobUpdate');
      check('spec.podFailurePolicy', o.podFailurePolicy, n.podFailurePolicy, 'ValidateJobUpdate');
      break;
    case 'Service':
      if (o.clusterIP && o.type !== 'ExternalName' && n.type !== 'ExternalName') check('spec.clusterIP', o.clusterIP, n.clusterIP ?? o.clusterIP, 'validateUpgradeDowngradeClusterIPs', 'may not change once set');
      break;
    case 'PersistentVolumeClaim': {
      const strip = (s: any) => ({ ...s, resources: { ...(s?.resources ?? {}), requests: undefined }, volumeAttributesClassName: undefined, volumeName: undefined });
      check('spec', strip(o), strip(n), 'ValidatePersistentVolumeClaimUpdate', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims');
      // newSize.Cmp(oldSize) < 0, an absent request being the zero Quantity
      const [was, now] = [o.resources?.requests?.storage, n.resources?.requests?.storage].map((v) => readQuantity(v ?? '0'));
      if (was && now && cmpDec(asDec(now), asDec(was)) < 0)
        out.push({
          path: 'spec.resources.requests.storage',
          message: 'Forbidden: field can not be less than previous value',
          fn: 'ValidatePersistentVolumeClaimUpdate',
          hint: `keep the request at ${o.resources.requests.storage} or more: a claim grows but never shrinks; for less space, create a new claim under another name and copy the data`,
        });
      break;
    }
    case 'ConfigMap':
    case 'Secret':
      if (old.immutable === true) {
        if (neu.immutable !== true) out.push({ path: 'immutable', message: 'field is immutable when `immutable` is set', fn: `Validate${neu.kind}Update`, hint: recreate(neu.kind, name) });
        check('data', old.data, neu.data, `Validate${neu.kind}Update`, 'field is immutable when `immutable` is set');
        if (neu.kind === 'ConfigMap') check('binaryData', old.binaryData, neu.binaryData, 'ValidateConfigMapUpdate', 'field is immutable when `immutable` is set');
      }
      if (neu.kind === 'Secret') check('type', old.type ?? 'Opaque', neu.type ?? 'Opaque', 'ValidateSecretUpdate');
      break;
  }
  return out;
}

const stripStatus = (claims: unknown): unknown => (Array.isArray(claims) ? claims.map((c) => ({ ...c, status: undefined })) : claims);

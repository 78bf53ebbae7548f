// The API server's own validation, offline: one policy per upstream validation package,
// each a port of kubernetes/kubernetes pkg/apis/<group>/validation (Kubernetes 1.31, the
// version of both clusters in generators/environments.ts). Findings are errors and cannot be
// exempted (policies/lib/exemptions.ts): the API server refuses the object whatever we declare.
import { objectPolicy } from '../lib/define.ts';
import type { ObjectPolicy, Violation } from '../types.ts';
import { ValidateCustomResourceDefinition } from './apiextensions.ts';
import { ValidateDaemonSet, ValidateDeployment, ValidateReplicaSet, ValidateStatefulSet } from './apps.ts';
import { ValidateHorizontalPodAutoscaler } from './autoscaling.ts';
import { ValidateCronJob, ValidateJob } from './batch.ts';
import { ValidateConfigMap, ValidatePersistentVolumeClaimSpec, ValidatePodSpec, ValidateSecret, ValidateService } from './core.ts';
import { apiServerText, type Errs, type FieldError } from './lib/field.ts';
import { ValidateIngress, ValidateNetworkPolicy } from './networking.ts';
import { isBuiltin, ValidateObjectMeta } from './object-meta.ts';
import { ValidatePodDisruptionBudget } from './policy.ts';
import { ValidateRole, ValidateRoleBinding } from './rbac.ts';

export { immutableFieldChanges, type ImmutableChange } from './immutable.ts';

/** The Kubernetes version whose validation these rules port (generators/environments.ts clusters). */
export const kubernetesVersion = '1.31';

/** One finding per field: the API server's text, the upstream function, and the fix. */
export function toViolation(e: FieldError): Violation {
  const text = `the API server refuses it: ${apiServerText(e)} [${e.fn}]`;
  return { message: e.summary ? `${e.summary}; ${text}` : text, path: e.path, ...(e.hint ? { hint: e.hint } : {}), ...(e.against ? { against: e.against } : {}) };
}

/** Several errors at one path (an invalid value and a duplicate, say) become one finding. */
export function toViolations(errs: Errs): Violation[] {
  // most objects have none: no map for them
  if (!errs.length) return [];
  if (errs.length === 1) return [toViolation(errs[0]!)];
  const byPath = new Map<string, FieldError[]>();
  for (const e of errs) byPath.set(e.path, [...(byPath.get(e.path) ?? []), e]);
  return [...byPath.values()].map((es) => {
    if (es.length === 1) return toViolation(es[0]!);
    const first = toViolation(es[0]!);
    return { ...first, message: [first.message, ...es.slice(1).map((e) => `${apiServerText(e)} [${e.fn}]`)].join('; ') };
  });
}

const meta = {
  hint: 'change the value the API server names; the message quotes its rule and the Kubernetes function that enforces it',
};

type Validate = (o: Record<string, any>) => Errs;

/**
 * The policy of one upstream package, kubernetes/kubernetes pkg/apis/<name>/validation:
 * the kinds it checks, each with its Validate<Kind>.
 */
const group = (name: string, title: string, rationale: string, validators: Readonly<Record<string, Validate>>): ObjectPolicy => {
  const kinds = Object.keys(validators);
  const references = [`kubernetes/kubernetes pkg/apis/${name}/validation/validation.go (v${kubernetesVersion})`];
  return objectPolicy({ ...meta, id: `apiserver/${name}`, title, rationale, kinds, references }, (subject) =>
    isBuiltin(subject.object, kinds) ? toViolations(validators[subject.object.kind]!(subject.object)) : undefined,
  );
};

export const objectMeta = objectPolicy(
  {
    ...meta,
    id: 'apiserver/object-meta',
    title: 'Names, labels and annotations are what the API server accepts',
    rationale: 'The API server refuses an object whose name breaks its kind\'s rule (Services are DNS-1035 labels, Namespaces DNS-1123 labels, most kinds DNS-1123 subdomains), or whose label keys, label values or annotation keys are malformed: a label value with a space or over 63 characters never reaches the cluster.',
    kinds: '*',
    references: [`kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go ValidateObjectMetaAccessor, pkg/apis/meta/v1/validation ValidateLabels (v${kubernetesVersion})`],
  },
  (subject) => (typeof subject.object?.kind === 'string' && subject.object.kind !== 'List' ? toViolations(ValidateObjectMeta(subject.object)) : undefined),
);

export const core = group(
  'core',
  'Pods, Services, ConfigMaps, Secrets and claims pass core validation',
  'pkg/apis/core/validation refuses a pod with a resource request above its limit, an unknown resource name (memroy), a probe with two handlers, a mount of an undeclared volume, a port outside 1-65535 or a port name over 15 characters, and a Service with duplicate or unnamed ports: Argo CD then reports the app Degraded, hours after the merge.',
  {
    Pod: (o) => (o.spec ? ValidatePodSpec(o.spec, 'spec') : []),
    Service: ValidateService,
    ConfigMap: ValidateConfigMap,
    Secret: ValidateSecret,
    PersistentVolumeClaim: (o) => ValidatePersistentVolumeClaimSpec(o.spec, 'spec'),
  },
);

export const apps = group(
  'apps',
  'Deployments, StatefulSets and DaemonSets pass apps validation',
  'pkg/apis/apps/validation refuses a workload whose selector is missing, empty or does not match its template labels, whose rollout strategy is inconsistent, or whose pod template fails core validation.',
  { Deployment: ValidateDeployment, StatefulSet: ValidateStatefulSet, DaemonSet: ValidateDaemonSet, ReplicaSet: ValidateReplicaSet },
);

export const batch = group(
  'batch',
  'Jobs and CronJobs pass batch validation',
  'pkg/apis/batch/validation refuses a CronJob whose schedule is not a cron expression (robfig/cron ParseStandard) or whose name exceeds 52 characters, and a Job whose pods restart Always or whose counts are negative.',
  { Job: ValidateJob, CronJob: ValidateCronJob },
);

export const networking = group(
  'networking',
  'Ingresses and NetworkPolicies pass networking validation',
  'pkg/apis/networking/validation refuses an Ingress path that is not absolute under pathType Prefix or Exact, a backend without a valid Service name and port, and NetworkPolicy ports or CIDRs that do not parse.',
  { Ingress: ValidateIngress, NetworkPolicy: ValidateNetworkPolicy },
);

export const autoscaling = group(
  'autoscaling',
  'HorizontalPodAutoscalers pass autoscaling validation',
  'pkg/apis/autoscaling/validation refuses an HPA with minReplicas below 1 or above maxReplicas, a scale target without kind or name, or a metric whose source does not match its type.',
  { HorizontalPodAutoscaler: ValidateHorizontalPodAutoscaler },
);

export const policy = group(
  'policy',
  'PodDisruptionBudgets pass policy validation',
  'pkg/apis/policy/validation refuses a PodDisruptionBudget that sets both minAvailable and maxUnavailable, a percentage above 100% or a negative count, or an invalid selector.',
  { PodDisruptionBudget: ValidatePodDisruptionBudget },
);

export const rbac = group(
  'rbac',
  'Roles and bindings pass RBAC validation',
  'pkg/apis/rbac/validation refuses a rule without verbs, apiGroups or resources, a binding whose roleRef is not an rbac.authorization.k8s.io Role or ClusterRole, and subjects of unknown kinds or without namespace.',
  { Role: ValidateRole, ClusterRole: ValidateRole, RoleBinding: ValidateRoleBinding, ClusterRoleBinding: ValidateRoleBinding },
);

export const apiextensions = objectPolicy(
  {
    ...meta,
    id: 'apiserver/apiextensions',
    title: 'CustomResourceDefinitions pass apiextensions validation',
    rationale:
      'The API server refuses a CustomResourceDefinition whose scope is not Namespaced or Cluster, whose name is not <plural>.<group>, whose group has no dot, whose plural or singular is not a lower-case DNS label, whose versions are not uniquely named with exactly one storage version, whose schema is not structural (a field without a type, additionalProperties beside properties, x-kubernetes-preserve-unknown-fields: false), or whose schema holds a default it refuses (of the wrong type, outside its enum, with fields the schema does not declare): the CRD is not created, and every custom resource of its kind fails after it.',
    kinds: ['CustomResourceDefinition'],
    references: [
      `kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation/validation.go ValidateCustomResourceDefinition, validateCustomResourceDefinitionSpec, ValidateCustomResourceDefinitionNames, ValidateCustomResourceDefinitionOpenAPISchema (v${kubernetesVersion})`,
      `kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/validation.go ValidateStructural, complete.go validateStructuralCompleteness, convert.go NewStructural (v${kubernetesVersion})`,
      `kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting/validation.go ValidateDefaults, pruning/algorithm.go Prune, objectmeta/algorithm.go Coerce and validation.go Validate (v${kubernetesVersion})`,
    ],
  },
  (subject) => (isBuiltin(subject.object, ['CustomResourceDefinition']) ? toViolations(ValidateCustomResourceDefinition(subject.object)) : undefined),
);

export const apiserverPolicies: readonly ObjectPolicy[] = [objectMeta, core, apps, batch, networking, autoscaling, policy, rbac, apiextensions];

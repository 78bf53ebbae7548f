// ObjectMeta as the API server validates it on create: the name rule of each kind
// (pkg/apis/*/validation Validate<Kind>Name), labels and annotations
// (staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go ValidateObjectMetaAccessor,
// meta/v1/validation ValidateLabels), namespace and finalizer names. Kubernetes 1.31.
import { arr, at, has, invalid, invalidAll, isObj, required, str, ValidateLabels, type Errs } from './lib/field.ts';
import { ValidateAnnotations } from './core.ts';
import { IsDNS1035Label, IsDNS1123Label, IsDNS1123Subdomain, IsQualifiedName, IsValidPathSegmentName } from './lib/validation.ts';

type NameFn = (name: string) => string[];

/** The built-in API groups whose objects these rules know (a CRD may reuse a kind name in another group). */
export const builtinGroups: Readonly<Record<string, readonly string[]>> = {
  v1: ['Pod', 'Service', 'ConfigMap', 'Secret', 'ServiceAccount', 'PersistentVolumeClaim', 'Namespace', 'ReplicationController', 'Endpoints', 'LimitRange', 'ResourceQuota'],
  'apps/v1': ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'],
  'batch/v1': ['Job', 'CronJob'],
  'networking.k8s.io/v1': ['Ingress', 'NetworkPolicy', 'IngressClass'],
  'autoscaling/v2': ['HorizontalPodAutoscaler'],
  'autoscaling/v1': ['HorizontalPodAutoscaler'],
  'policy/v1': ['PodDisruptionBudget'],
  'rbac.authorization.k8s.io/v1': ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
};

export function isBuiltin(o: Record<string, any>, kinds?: readonly string[]): boolean {
  // every object is asked (its name rule): its apiVersion found in a table of sets, read as a property key would be
  // (String(v)) but never as one of Object.prototype's names (`apiVersion: toString`)
  const known = builtinKinds.get(String(o?.apiVersion));
  return !!known?.has(o?.kind) && (!kinds || kinds.includes(o.kind));
}
const builtinKinds: ReadonlyMap<string, ReadonlySet<string>> = new Map(Object.entries(builtinGroups).map(([v, kinds]) => [v, new Set(kinds)]));

/** Validate<Kind>Name: which name rule each kind follows. */
const nameRules: Readonly<Record<string, { fn: string; check: NameFn; what: string }>> = {
  // ValidateServiceName = NameIsDNS1035Label
  Service: { fn: 'ValidateServiceName', check: IsDNS1035Label, what: 'a DNS-1035 label (lower-case letters, digits and -, starting with a letter, at most 63 characters)' },
  // ValidateNamespaceName = NameIsDNSLabel
  Namespace: { fn: 'ValidateNamespaceName', check: IsDNS1123Label, what: 'a DNS-1123 label (lower-case letters, digits and -, at most 63 characters)' },
  // ValidateStatefulSetName: upstream now validates it as a DNS label ("we used to allow DNS subdomain
  // for name, but that can't actually create pods"); either way a longer or dotted name never gets pods.
  StatefulSet: { fn: 'ValidateStatefulSetName', check: IsDNS1123Label, what: 'a DNS-1123 label (its pods\' hostnames derive from it)' },
  // ValidateRBACName = path.IsValidPathSegmentName
  Role: { fn: 'ValidateRBACName', check: IsValidPathSegmentName, what: "a path segment (no '/' or '%')" },
  ClusterRole: { fn: 'ValidateRBACName', check: IsValidPathSegmentName, what: "a path segment (no '/' or '%')" },
  RoleBinding: { fn: 'ValidateRBACName', check: IsValidPathSegmentName, what: "a path segment (no '/' or '%')" },
  ClusterRoleBinding: { fn: 'ValidateRBACName', check: IsValidPathSegmentName, what: "a path segment (no '/' or '%')" },
};
/** Everything else (Pods, Deployments, ConfigMaps, Ingresses, HPAs, PDBs, custom resources, ...): NameIsDNSSubdomain. */
const subdomain = { fn: 'NameIsDNSSubdomain', check: IsDNS1123Subdomain, what: 'a DNS-1123 subdomain (lower-case letters, digits, - and ., at most 253 characters)' };

const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'IngressClass', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'Node']);

/** ValidateObjectMeta (create) for one object. */
export function ValidateObjectMeta(o: Record<string, any>): Errs {
  const md = isObj(o.metadata) ? o.metadata : {};
  const out: Errs = [];
  const rule = (isBuiltin(o) && nameRules[o.kind]) || subdomain;
  const name = str(md.name);
  // objectmeta.go ValidateObjectMetaAccessor: "name or generateName is required" (the registry fills name from
  // generateName before validating a create)
  // A List (v1 List, RoleBindingList, ...) is the client's envelope: kubectl sends its items, never the list.
  const envelope = typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items);
  if (!name && !str(md.generateName) && !envelope)
    out.push(required('metadata.name', 'name or generateName is required', 'ValidateObjectMeta', `give the ${o.kind} a metadata.name`));
  if (name) {
    const msgs = rule.check(name);
    if (msgs.length) out.push({ ...invalid('metadata.name', name, msgs.join('; '), rule.fn, `a ${o.kind} name is ${rule.what}`), summary: `${o.kind} name ${JSON.stringify(name)} is not valid` });
  }
  if (has(md.namespace) && str(md.namespace) && !clusterScoped.has(o.kind))
    out.push(...invalidAll('metadata.namespace', md.namespace, IsDNS1123Label(str(md.namespace)), 'ValidateNamespaceName'));
  out.push(...ValidateLabels(md.labels, 'metadata.labels'));
  out.push(...ValidateAnnotations(md.annotations, 'metadata.annotations'));
  const finalizers = arr(md.finalizers);
  for (let i = 0; i < finalizers.length; i++) {
    const f = str(finalizers[i]);
    const msgs = IsQualifiedName(f);
    if (msgs.length) out.push(invalid(at('metadata.finalizers', i), f, msgs.join('; '), 'ValidateFinalizerName'));
  }
  return out;
}

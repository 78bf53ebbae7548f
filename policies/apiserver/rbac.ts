// Rules of kubernetes/kubernetes pkg/apis/rbac/validation/validation.go (Kubernetes 1.31):
// Role, ClusterRole, RoleBinding, ClusterRoleBinding.
import { arr, at, invalid, invalidAll, isObj, notSupported, required, str, ValidateLabelSelector, type Errs } from './lib/field.ts';
import { IsDNS1123Subdomain, IsValidPathSegmentName } from './lib/validation.ts';

const rbacGroup = 'rbac.authorization.k8s.io';

/** ValidatePolicyRule */
export function ValidatePolicyRule(rule: any, isNamespaced: boolean, path: string): Errs {
  const out: Errs = [];
  if (!arr(rule?.verbs).length) out.push(required(at(path, 'verbs'), 'verbs must contain at least one value', 'ValidatePolicyRule'));
  if (arr(rule?.nonResourceURLs).length) {
    if (isNamespaced) out.push(invalid(at(path, 'nonResourceURLs'), rule.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs', 'ValidatePolicyRule'));
    if (arr(rule.apiGroups).length || arr(rule.resources).length || arr(rule.resourceNames).length)
      out.push(invalid(at(path, 'nonResourceURLs'), rule.nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs', 'ValidatePolicyRule'));
    return out;
  }
  if (!arr(rule?.apiGroups).length) out.push(required(at(path, 'apiGroups'), 'resource rules must supply at least one api group', 'ValidatePolicyRule', 'apiGroups: [""] for the core group'));
  if (!arr(rule?.resources).length) out.push(required(at(path, 'resources'), 'resource rules must supply at least one resource', 'ValidatePolicyRule'));
  return out;
}

/** ValidateRole / ValidateClusterRole */
export function ValidateRole(o: Record<string, any>): Errs {
  const namespaced = o.kind === 'Role';
  const out: Errs = [];
  arr(o.rules).forEach((r: any, i: number) => out.push(...ValidatePolicyRule(r, namespaced, `rules[${i}]`)));
  if (!namespaced && isObj(o.aggregationRule)) {
    if (!arr(o.aggregationRule.clusterRoleSelectors).length) out.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil', 'ValidateClusterRole'));
    arr(o.aggregationRule.clusterRoleSelectors).forEach((s: any, i: number) => out.push(...ValidateLabelSelector(s, `aggregationRule.clusterRoleSelectors[${i}]`)));
  }
  return out;
}

/** ValidateRoleBindingSubject */
function ValidateRoleBindingSubject(s: any, isNamespacedBinding: boolean, path: string): Errs {
  const out: Errs = [];
  if (!str(s?.name)) out.push(required(at(path, 'name'), '', 'ValidateRoleBindingSubject'));
  switch (s?.kind) {
    case 'ServiceAccount':
      if (str(s.name)) out.push(...invalidAll(at(path, 'name'), s.name, IsDNS1123Subdomain(str(s.name)), 'ValidateRoleBindingSubject'));
      if (str(s.apiGroup)) out.push(notSupported(at(path, 'apiGroup'), s.apiGroup, [''], 'ValidateRoleBindingSubject', 'a ServiceAccount subject has apiGroup ""'));
      if (!isNamespacedBinding && !str(s.namespace)) out.push(required(at(path, 'namespace'), '', 'ValidateRoleBindingSubject', 'a ServiceAccount subject of a ClusterRoleBinding names its namespace'));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== rbacGroup) out.push(notSupported(at(path, 'apiGroup'), s.apiGroup ?? '', [rbacGroup], 'ValidateRoleBindingSubject'));
      break;
    default:
      out.push(notSupported(at(path, 'kind'), s?.kind ?? '', ['ServiceAccount', 'User', 'Group'], 'ValidateRoleBindingSubject'));
  }
  return out;
}

/** ValidateRoleBinding / ValidateClusterRoleBinding */
export function ValidateRoleBinding(o: Record<string, any>): Errs {
  const namespaced = o.kind === 'RoleBinding';
  const out: Errs = [];
  const ref = isObj(o.roleRef) ? o.roleRef : {};
  if (ref.apiGroup !== rbacGroup) out.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [rbacGroup], namespaced ? 'ValidateRoleBinding' : 'ValidateClusterRoleBinding'));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind)) out.push(notSupported('roleRef.kind', ref.kind ?? '', kinds, namespaced ? 'ValidateRoleBinding' : 'ValidateClusterRoleBinding'));
  if (!str(ref.name)) out.push(required('roleRef.name', '', namespaced ? 'ValidateRoleBinding' : 'ValidateClusterRoleBinding'));
  else out.push(...invalidAll('roleRef.name', ref.name, IsValidPathSegmentName(ref.name), namespaced ? 'ValidateRoleBinding' : 'ValidateClusterRoleBinding'));
  arr(o.subjects).forEach((s: any, i: number) => out.push(...ValidateRoleBindingSubject(s, namespaced, `subjects[${i}]`)));
  return out;
}

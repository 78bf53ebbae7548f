// What an AppProject permits, with Argo CD's own rules (pkg/apis/application/v1alpha1
// AppProject.IsSourcePermitted / isDestinationMatched / IsGroupKindPermitted):
// glob patterns, `!` deny patterns, nil-vs-empty whitelists.
import { isDenyPattern, normalizeGitURL, pathMatch, projectGlobMatch } from './glob.ts';

export interface ProjectSpec {
  readonly sourceRepos?: readonly string[];
  readonly destinations?: readonly { readonly server?: string; readonly name?: string; readonly namespace?: string }[];
  readonly clusterResourceWhitelist?: readonly { readonly group: string; readonly kind: string; readonly name?: string }[];
  readonly clusterResourceBlacklist?: readonly { readonly group: string; readonly kind: string; readonly name?: string }[];
  readonly namespaceResourceWhitelist?: readonly { readonly group: string; readonly kind: string }[];
  readonly namespaceResourceBlacklist?: readonly { readonly group: string; readonly kind: string }[];
}

export function isSourcePermitted(project: ProjectSpec, repoURL: string): boolean {
  const src = normalizeGitURL(repoURL);
  let any = false;
  for (const pattern of project.sourceRepos ?? []) {
    const normalized = isDenyPattern(pattern) ? `!${normalizeGitURL(pattern.slice(1))}` : normalizeGitURL(pattern);
    const matched = projectGlobMatch(normalized, src, '/');
    if (matched) any = true;
    else if (isDenyPattern(normalized)) return false;
  }
  return any;
}

export function isDestinationPermitted(project: ProjectSpec, dst: { server?: string; name?: string; namespace?: string }): boolean {
  let any = false;
  let noDeny = true;
  for (const item of project.destinations ?? []) {
    const nameMatched = !!dst.name && projectGlobMatch(item.name ?? '', dst.name);
    const serverMatched = !!dst.server && projectGlobMatch(item.server ?? '', dst.server);
    const nsMatched = projectGlobMatch(item.namespace ?? '', dst.namespace ?? '');
    if ((serverMatched || nameMatched) && nsMatched) any = true;
    else if ((!nameMatched && isDenyPattern(item.name)) || (!serverMatched && isDenyPattern(item.server)) || (!nsMatched && isDenyPattern(item.namespace)))
      noDeny = false;
  }
  return any && noDeny;
}

const safeMatch = (pattern: string, value: string): boolean => {
  try {
    return pathMatch(pattern, value);
  } catch {
    return false;
  }
};

function inList(list: readonly { group: string; kind: string; name?: string }[], group: string, kind: string, name?: string): boolean {
  return list.some((i) => safeMatch(i.kind, kind) && safeMatch(i.group, group) && (!i.name || (name !== undefined && safeMatch(i.name, name))));
}

/** IsGroupKindPermitted (+ the name filter of cluster-scoped restriction items). */
export function isGroupKindPermitted(project: ProjectSpec, group: string, kind: string, namespaced: boolean, name?: string): boolean {
  if (namespaced) {
    const wl = project.namespaceResourceWhitelist;
    const bl = project.namespaceResourceBlacklist ?? [];
    // Argo CD: no whitelist = everything allowed; an empty whitelist = nothing allowed.
    const white = wl === undefined || (wl.length > 0 && inList(wl, group, kind));
    return white && !(bl.length > 0 && inList(bl, group, kind));
  }
  const wl = project.clusterResourceWhitelist ?? [];
  const bl = project.clusterResourceBlacklist ?? [];
  return wl.length > 0 && inList(wl, group, kind, name) && !(bl.length > 0 && inList(bl, group, kind, name));
}

/**
 * Kinds that are cluster-scoped in Kubernetes and the operators marquee uses.
 * (A live Argo CD asks the API server; offline, this is the discovery table.)
 */
export const clusterScopedKinds: ReadonlySet<string> = new Set(
  [
    '/Namespace', '/Node', '/PersistentVolume', '/ComponentStatus',
    'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
    'apiextensions.k8s.io/CustomResourceDefinition', 'apiregistration.k8s.io/APIService',
    'storage.k8s.io/StorageClass', 'storage.k8s.io/VolumeAttachment', 'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode',
    'scheduling.k8s.io/PriorityClass', 'node.k8s.io/RuntimeClass', 'networking.k8s.io/IngressClass',
    'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
    'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
    'certificates.k8s.io/CertificateSigningRequest', 'flowcontrol.apiserver.k8s.io/FlowSchema',
    'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration', 'policy/PodSecurityPolicy',
    'external-secrets.io/ClusterSecretStore', 'external-secrets.io/ClusterExternalSecret', 'cert-manager.io/ClusterIssuer',
  ],
);

export const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

export const isNamespaced = (apiVersion: string, kind: string): boolean => !clusterScopedKinds.has(`${groupOf(apiVersion)}/${kind}`);

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

/** Where a custom resource's scope was read: `group/Kind` → its CRD's name, scope and the path that renders it. */
export type CrdScopes = ReadonlyMap<string, { readonly crd: string; readonly namespaced: boolean; readonly renderedBy?: string }>;

/**
 * The scope of every kind a rendered CustomResourceDefinition defines. Argo CD asks the
 * API server whether a kind is namespaced (IsResourcePermitted passes `namespace != ""`
 * to IsGroupKindPermitted), and for a custom resource the API server answers with its
 * CRD's spec.scope: ClusterAnalysisTemplate is cluster-scoped because its CRD says so.
 */
export function crdScopes(objects: Iterable<{ readonly object: Record<string, any>; readonly target?: { readonly path: string } }>): CrdScopes {
  const out = new Map<string, { crd: string; namespaced: boolean; renderedBy?: string }>();
  for (const { object: o, target } of objects) {
    if (o.kind !== 'CustomResourceDefinition' || groupOf(String(o.apiVersion ?? '')) !== 'apiextensions.k8s.io') continue;
    const group = o.spec?.group;
    const kind = o.spec?.names?.kind;
    if (typeof group !== 'string' || typeof kind !== 'string' || (o.spec?.scope !== 'Cluster' && o.spec?.scope !== 'Namespaced')) continue;
    out.set(`${group}/${kind}`, { crd: String(o.metadata?.name), namespaced: o.spec.scope === 'Namespaced', ...(target ? { renderedBy: target.path } : {}) });
  }
  return out;
}

/** Whether a kind is namespaced: its CRD's scope when one is rendered, else the discovery table above. */
export const isNamespaced = (apiVersion: string, kind: string, crds?: CrdScopes): boolean =>
  crds?.get(`${groupOf(apiVersion)}/${kind}`)?.namespaced ?? !clusterScopedKinds.has(`${groupOf(apiVersion)}/${kind}`);

/** An Application that already deploys an object to the same cluster, permitted by its own project. */
export interface DeployedBy {
  readonly applications: readonly string[];
  readonly path: string;
  readonly project: string;
}

/**
 * The fix for an object isGroupKindPermitted refused, naming the project field that decides
 * (Argo CD pkg/apis/application/v1alpha1/app_project_types.go IsGroupKindPermitted):
 * a namespaced kind needs no entry unless namespaceResourceWhitelist is set (nil = every
 * kind, empty = none) and must not match namespaceResourceBlacklist; a cluster-scoped kind
 * must match clusterResourceWhitelist (nil or empty = none) and not clusterResourceBlacklist.
 * An object another Application on the cluster already deploys (a CRD of the platform
 * overlay) is not to be whitelisted a second time: two Applications would own it, and
 * each would prune or overwrite the other's copy.
 */
export function deniedKindHint(
  project: ProjectSpec,
  projectName: string,
  o: { readonly group: string; readonly kind: string; readonly name?: string; readonly namespaced: boolean },
  context: { readonly deployedBy?: DeployedBy; readonly crd?: { readonly name: string; readonly renderedBy?: string } } = {},
): string {
  const { deployedBy, crd } = context;
  if (deployedBy)
    return `${o.kind} ${o.name} is already deployed to this cluster by ${deployedBy.path} (Application ${deployedBy.applications.join(', ')}, project ${deployedBy.project}): remove it from this overlay${
      o.kind === 'CustomResourceDefinition' ? ' (its custom resources need no copy of the CRD)' : ''
    }; do not add it to project ${projectName} as well (two Applications would own one object)`;
  const field = o.namespaced ? 'namespaceResourceBlacklist' : 'clusterResourceBlacklist';
  const black = (o.namespaced ? project.namespaceResourceBlacklist : project.clusterResourceBlacklist) ?? [];
  if (black.length > 0 && inList(black, o.group, o.kind, o.namespaced ? undefined : o.name))
    return `project ${projectName}'s ${field} denies ${o.group || '""'}/${o.kind}: drop the entry (generators/argocd/projects.ts) or the object`;
  const entry = `{ group: "${o.group}", kind: ${o.kind}${!o.namespaced && o.name ? `, name: ${o.name}` : ''} }`;
  const scope = crd ? ` (${o.kind} is ${o.namespaced ? 'namespaced' : 'cluster-scoped'}: its CRD ${crd.name}${crd.renderedBy ? ` in ${crd.renderedBy}` : ''} says so)` : '';
  if (o.namespaced) return `add ${entry} to project ${projectName}'s namespaceResourceWhitelist (generators/argocd/projects.ts)${scope}`;
  return `add ${entry} to project ${projectName}'s clusterResourceWhitelist (generators/argocd/projects.ts)${scope}${
    o.kind === 'CustomResourceDefinition' ? ", or install it from the cluster's platform overlay (overlays/platform/<cluster>)" : ''
  }`;
}

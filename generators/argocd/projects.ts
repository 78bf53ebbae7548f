// AppProjects: one per environment, one platform project per cluster, one for PR
// previews, one for the delivery objects themselves. Each is as tight as the
// contract allows: this repository only, its own namespace(s) only, and only the
// cluster-scoped kinds (by name where Argo CD supports it) its overlays create.
import { AppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import type { IClusterResourceRestrictionItem } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ClusterResourceRestrictionItem';
import { clusters, environments, repository, type ClusterName, type EnvName } from '../environments.ts';
import { partOf } from '../lib/labels.ts';
import { rolloutsCrdNames } from '../rollouts/version.ts';
import {
  argocdNamespace,
  inClusterServer,
  labelKeys,
  platformClusters,
  previews,
  projectName,
  resourcesFinalizer,
} from './delivery.ts';

const labels = (name: string, extra: Record<string, string>): Record<string, string> => ({
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/part-of': partOf,
  'app.kubernetes.io/component': 'delivery',
  ...extra,
});

/** AppProjects are created before the ApplicationSets that reference them (bootstrap sync wave -1). */
const projectAnnotations = {
  'argocd.argoproj.io/sync-wave': '-1',
  // Removing a project from Git must never cascade into its Applications: delete by hand.
  'argocd.argoproj.io/sync-options': 'Prune=false',
};

const namespaceKind = (name: string): IClusterResourceRestrictionItem => ({ group: '', kind: 'Namespace', name });

function project(name: string, description: string, extraLabels: Record<string, string>, spec: Partial<AppProject['spec']>): AppProject {
  return new AppProject({
    metadata: {
      name,
      namespace: argocdNamespace,
      labels: labels(name, extraLabels),
      annotations: projectAnnotations,
      // Argo CD refuses to delete a project that Applications still reference.
      finalizers: [resourcesFinalizer],
    },
    spec: {
      description,
      sourceRepos: [repository.url],
      // Warn (in the UI and as an Application condition) about resources in the
      // destination namespaces that no Application manages.
      orphanedResources: { warn: true },
      ...spec,
    },
  });
}

/** One environment's project: its namespace on its cluster; the only cluster-scoped object is that Namespace. */
export function environmentProject(env: EnvName): AppProject {
  const e = environments[env];
  return project(projectName.env(env), `marquee ${env}: ${e.namespace} on the ${e.cluster} cluster, from ${e.branch}`, { [labelKeys.environment]: env }, {
    destinations: [{ server: clusters[e.cluster].server, namespace: e.namespace }],
    clusterResourceWhitelist: [namespaceKind(e.namespace)],
  });
}

/**
 * A cluster's platform project (monitoring): the platform namespace, and the
 * cluster-scoped kinds the monitoring stack needs (its Namespace, ClusterRoles
 * and bindings for Kubernetes service discovery and kube-state-metrics).
 */
export function platformProject(cluster: ClusterName): AppProject {
  const c = clusters[cluster];
  return project(projectName.platform(cluster), `marquee platform (monitoring) on the ${cluster} cluster`, { [labelKeys.cluster]: cluster }, {
    destinations: [{ server: c.server, namespace: c.platformNamespace }],
    clusterResourceWhitelist: [
      namespaceKind(c.platformNamespace),
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
      // The Argo Rollouts CRDs (base/argo-rollouts), by name: nothing else of that kind.
      ...rolloutsCrdNames.map((name) => ({ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', name })),
    ],
  });
}

/** PR previews: only `marquee-pr-*` namespaces on the previews' cluster, and only those Namespaces cluster-wide. */
export function previewsProject(): AppProject {
  const e = environments[previews.env];
  const pattern = `${previews.namespacePrefix}*`;
  return project(projectName.previews, `marquee pull-request previews: ${pattern} on the ${e.cluster} cluster`, { [labelKeys.preview]: 'true' }, {
    destinations: [{ server: clusters[e.cluster].server, namespace: pattern }],
    clusterResourceWhitelist: [namespaceKind(pattern)],
  });
}

/**
 * The delivery project: Argo CD's own objects (projects, ApplicationSets, the
 * bootstrap Application) in Argo CD's namespace, nothing else.
 */
export function deliveryProject(): AppProject {
  return new AppProject({
    metadata: { name: projectName.delivery, namespace: argocdNamespace, labels: labels(projectName.delivery, {}), finalizers: [resourcesFinalizer] },
    spec: {
      description: 'marquee delivery: AppProjects and ApplicationSets in the argocd namespace, from the main branch',
      sourceRepos: [repository.url],
      destinations: [{ server: inClusterServer, namespace: argocdNamespace }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: [
        { group: 'argoproj.io', kind: 'AppProject' },
        { group: 'argoproj.io', kind: 'ApplicationSet' },
        { group: 'argoproj.io', kind: 'Application' },
      ],
      orphanedResources: { warn: false },
    },
  });
}

export function projects(): AppProject[] {
  return [
    ...(Object.keys(environments) as EnvName[]).map(environmentProject),
    ...platformClusters().map(platformProject),
    previewsProject(),
  ];
}

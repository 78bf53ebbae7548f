// The CloudNativePG operator install (base/cnpg-system), one Application per cluster that hosts an
// environment with a Cluster, in its own AppProject: the install is cluster-wide (CRDs, webhooks,
// ClusterRoles) and lives in cnpg-system, which neither an environment's nor the platform's project
// allows. Order: inside the Application the vendored waves put the CRDs (-10) before the operator and
// plugin (-5); the environments' data Applications, whose Cluster needs both, retry their sync
// (application-sets.ts `retry`) until this Application has installed them (docs/data.md).
import { ApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet';
import { AppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import { clusters, environmentsOn, repository, type ClusterName } from '../environments.ts';
import { cnpgClusterScopedObjects, cnpgInstallPath, cnpgPrerequisites, cnpgSystemNamespace } from '../cloudnative-pg-install.ts';
import { partOf } from '../lib/labels.ts';
import { argocdNamespace, labelKeys, platformBranchFor, resourcesFinalizer } from './delivery.ts';
import { syncOptions, syncRetry } from './application-sets.ts';

export const cnpgAppSetName = 'marquee-cnpg';
export const cnpgProjectName = (cluster: ClusterName): string => `marquee-cnpg-${cluster}`;

/** Clusters that run a CloudNativePG Cluster for at least one environment (the contract's postgresCluster). */
export const cnpgClusters = (): ClusterName[] =>
  (Object.keys(clusters) as ClusterName[]).filter((c) => environmentsOn(c).some((e) => 'postgresCluster' in e && e.postgresCluster));

const labels = (name: string, extra: Record<string, string> = {}): Record<string, string> => ({
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/part-of': partOf,
  'app.kubernetes.io/component': 'delivery',
  ...extra,
});

/** Shown in the Application (Argo CD UI, `argocd app get`): what must be in the cluster before this syncs. */
export const cnpgRequires = cnpgPrerequisites.map((p) => `${p.kinds.map((k) => `${p.group}/${k}`).join(', ')}: ${p.provider}`).join('; ');

/** One cluster's install project: cnpg-system only, and by name exactly the cluster-scoped objects the vendored manifests create. */
export function cnpgProject(cluster: ClusterName): AppProject {
  return new AppProject({
    metadata: {
      name: cnpgProjectName(cluster),
      namespace: argocdNamespace,
      labels: labels(cnpgProjectName(cluster), { [labelKeys.cluster]: cluster }),
      annotations: { 'argocd.argoproj.io/sync-wave': '-1', 'argocd.argoproj.io/sync-options': 'Prune=false' },
      finalizers: [resourcesFinalizer],
    },
    spec: {
      description: `CloudNativePG operator and Barman Cloud plugin (${cnpgInstallPath}) in ${cnpgSystemNamespace} on the ${cluster} cluster`,
      sourceRepos: [repository.url],
      destinations: [{ server: clusters[cluster].server, namespace: cnpgSystemNamespace }],
      clusterResourceWhitelist: cnpgClusterScopedObjects(),
      orphanedResources: { warn: true },
    },
  });
}

/** The install, one Application per cluster; tracks the same branch as the cluster's platform overlay. */
export function cnpgAppSet(): ApplicationSet {
  const elements = cnpgClusters().map((c) => ({ cluster: c, server: clusters[c].server, branch: platformBranchFor(c) }));
  return new ApplicationSet({
    metadata: {
      name: cnpgAppSetName,
      namespace: argocdNamespace,
      labels: labels(cnpgAppSetName),
      // Long-lived: deleting this file must not uninstall the operator (and with it every Cluster's CRD).
      annotations: { 'argocd.argoproj.io/sync-wave': '0', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' },
    },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ list: { elements } }],
      syncPolicy: { preserveResourcesOnDeletion: true, applicationsSync: 'create-update' },
      template: {
        metadata: {
          name: `${cnpgAppSetName}-{{ .cluster }}`,
          namespace: argocdNamespace,
          labels: { ...labels(`${cnpgAppSetName}-{{ .cluster }}`), [labelKeys.cluster]: '{{ .cluster }}', [labelKeys.component]: 'operators' },
          // No resources finalizer: deleting the Application must never delete the CRDs, which would delete every Cluster.
        },
        spec: {
          project: `${cnpgAppSetName}-{{ .cluster }}`,
          info: [{ name: 'Requires', value: cnpgRequires }],
          source: { repoURL: repository.url, targetRevision: '{{ .branch }}', path: cnpgInstallPath },
          destination: { server: '{{ .server }}', namespace: cnpgSystemNamespace },
          syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions, retry: syncRetry },
          revisionHistoryLimit: 10,
        },
      },
    },
  });
}

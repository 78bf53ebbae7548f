// Delivery facts derived from the environment contract: Argo CD's namespace, project
// names, which branch each cluster's platform overlay tracks, where PR previews go.
// Imported by the Argo CD generators and by scripts/lib/argocd (preview, promote).
import {
  clusters,
  environments,
  envNames,
  environmentsOn,
  type ClusterName,
  type EnvName,
  type Environment,
} from '../environments.ts';

/** Namespace Argo CD runs in: every AppProject, Application and ApplicationSet lives there. */
export const argocdNamespace = 'argocd';

/** The cluster Argo CD itself runs in, as Argo CD names it. */
export const inClusterServer = 'https://kubernetes.default.svc';

/** Environments in promotion order (dev → test → prod): the order of `envNames` in the contract. */
export const promotionOrder: readonly EnvName[] = envNames;

/** The branch Argo CD installs the delivery objects (projects, ApplicationSets) from: the last environment's. */
export const deliveryBranch: Environment['branch'] = environments[promotionOrder[promotionOrder.length - 1]!].branch;

/**
 * The branch a cluster's platform overlay (monitoring) tracks: the branch of the
 * earliest environment on that cluster, so platform changes are exercised on the
 * least critical environment first and promoted with it.
 */
export function platformBranchFor(cluster: ClusterName): Environment['branch'] {
  const first = promotionOrder.map((n) => environments[n]).find((e) => e.cluster === cluster);
  if (!first) throw new Error(`generators/argocd: cluster ${cluster} hosts no environment, so no branch to track`);
  return first.branch;
}

/** Clusters that host at least one environment (each gets one platform Application). */
export const platformClusters = (): ClusterName[] =>
  (Object.keys(clusters) as ClusterName[]).filter((c) => environmentsOn(c).length > 0);

/** The one naming rule for an environment's Argo CD objects (its AppProject and ApplicationSet): `marquee-<env>`. */
export const envObjectName = (env: EnvName): string => `marquee-${env}`;

export const projectName = {
  env: envObjectName,
  platform: (cluster: ClusterName): string => `marquee-platform-${cluster}`,
  previews: 'marquee-previews',
  delivery: 'marquee-delivery',
} as const;

/** Pull-request previews: GitHub label that opts a PR in, the branch PRs must target, namespaces. */
export const previews = {
  label: 'preview',
  /** PRs into the first environment's branch get a preview. */
  targetBranch: environments[promotionOrder[0]!].branch,
  /** The environment whose cluster (and data profile) previews use. */
  env: promotionOrder[0]!,
  namespacePrefix: 'marquee-pr-',
  /** The namespace overlays/preview renders into offline (Argo CD sets `marquee-pr-<number>` at sync). */
  renderNamespace: 'marquee-pr-0',
  overlay: 'overlays/preview',
  /** Public host of a preview: `pr-<number>.<hostSuffix>`. */
  hostSuffix: 'preview.marquee.example.com',
  /** How often Argo CD polls GitHub for pull requests. */
  requeueAfterSeconds: 300,
} as const;

/** Platform overlay of a cluster (built by the monitoring work). */
export const platformOverlay = (cluster: ClusterName): string => `overlays/platform/${cluster}`;

/** Argo CD's resources finalizer: deleting the Application deletes what it deployed. */
export const resourcesFinalizer = 'resources-finalizer.argocd.argoproj.io';

/** Label keys the delivery objects carry; the preview table and RollingSync-style selectors use them. */
export const labelKeys = {
  environment: 'marquee.dev/environment',
  component: 'marquee.dev/component',
  cluster: 'marquee.dev/cluster',
  preview: 'marquee.dev/pull-request',
} as const;

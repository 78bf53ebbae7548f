// The environment contract: plain typed data, no logic. Bases, Argo CD objects,
// CODEOWNERS, docs tables and the validate guardrails are all derived from it.

export type EnvName = 'dev' | 'test' | 'prod';
export type ClusterName = 'nonprod' | 'prod';

export interface Cluster {
  readonly name: ClusterName;
  /** Argo CD destination server URL (as registered with `argocd cluster add`). */
  readonly server: string;
  /** Namespace of the per-cluster platform stack (monitoring), deployed once per cluster. */
  readonly platformNamespace: string;
  /** Kubernetes minor version the cluster runs: API deprecation checks target it. */
  readonly kubernetesVersion: `1.${number}`;
  /** Cloud region of the cluster's nodes (backups must go elsewhere). */
  readonly region: string;
}

/** CPU in millicores, memory in MiB, per container. */
export interface ResourceProfile {
  readonly cpuRequestMillis: number;
  readonly cpuLimitMillis: number;
  readonly memoryRequestMiB: number;
  readonly memoryLimitMiB: number;
}

export interface Environment {
  readonly name: EnvName;
  /** Git branch Argo CD tracks for this environment (Gitflow). */
  readonly branch: 'develop' | 'release' | 'main';
  readonly namespace: `marquee-${string}`;
  readonly cluster: ClusterName;
  /** Overlay directory, relative to the repository root. */
  readonly overlay: `overlays/${EnvName}`;
  /**
   * Replica bounds the overlay must stay within for the gateway and the APIs
   * (HPA minReplicas >= min, HPA maxReplicas <= max).
   */
  readonly replicas: { readonly min: number; readonly max: number };
  /** Resource profile name the overlay is expected to use (see resourceProfiles). */
  readonly resources: keyof typeof resourceProfiles;
  readonly ingressHost: string;
  readonly sync: {
    /** Argo CD automated sync with prune and selfHeal. */
    readonly automated: boolean;
    /** Keep the app's resources when its Application is deleted (long-lived envs). */
    readonly preserveResourcesOnDeletion: boolean;
  };
  /** Team that owns changes to this environment's overlay (CODEOWNERS). */
  readonly owners: readonly `@${string}`[];
  /** Image tags must be digests in this environment (warning elsewhere). */
  readonly requireDigests: boolean;
  /**
   * Recovery budget of the environment's PostgreSQL (CloudNativePG Cluster). archive_timeout,
   * backup cadence and retention are derived from it (generators/recovery-budget.ts); unset =
   * the single StatefulSet with its nightly pg_dump (no WAL archive, no failover).
   */
  readonly recovery?: RecoveryBudget;
  /** The CloudNativePG Cluster of this environment (generators/cloudnative-pg.ts); unset = the StatefulSet. */
  readonly postgresCluster?: PostgresClusterProps;
}

export interface PostgresClusterProps {
  /** PostgreSQL instances (one primary, the rest streaming standbys), each in its own zone when `zones` is set. */
  readonly instances: number;
  /**
   * `required`: a commit waits for a synchronous standby even when none is healthy (no acknowledged
   * write is ever on one node only); `preferred`: writes continue on the primary alone meanwhile.
   */
  readonly dataDurability: 'required' | 'preferred';
  /** Instances must land in distinct zones (hard anti-affinity); false = spread when possible. */
  readonly zones: boolean;
  readonly storageGiB: number;
  readonly storageClassName: string;
  /** Per PostgreSQL container. */
  readonly resources: ResourceProfile;
  /** Base backups and the WAL archive: a bucket in another region than the cluster's. */
  readonly objectStore: { readonly destinationPath: `s3://${string}`; readonly region: string };
}

/** What the business accepts to lose and to wait, and the figures the arithmetic needs. */
export interface RecoveryBudget {
  /** Most history a region loss may cost (seconds of acknowledged commits). */
  readonly rpoSeconds: number;
  /** Longest a restore from the object store may take, start to accepting writes. */
  readonly rtoSeconds: number;
  /** Size of the data directory the restore copies (all databases). */
  readonly databaseSizeGiB: number;
  /** WAL written per minute at the busiest hour (replayed after the base backup on restore). */
  readonly walRateMiBPerMin: number;
  /** Throughput of a restore, base backup and WAL replay alike (measured: npm run dr:drill, docs/data.md). */
  readonly restoreRateMiBPerSec: number;
}

export const resourceProfiles = {
  small: { cpuRequestMillis: 50, cpuLimitMillis: 500, memoryRequestMiB: 96, memoryLimitMiB: 192 },
  standard: { cpuRequestMillis: 100, cpuLimitMillis: 1000, memoryRequestMiB: 128, memoryLimitMiB: 256 },
  large: { cpuRequestMillis: 250, cpuLimitMillis: 2000, memoryRequestMiB: 192, memoryLimitMiB: 384 },
} as const satisfies Record<string, ResourceProfile>;

export const clusters = {
  nonprod: {
    name: 'nonprod',
    server: 'https://nonprod.k8s.marquee.internal',
    platformNamespace: 'monitoring',
    kubernetesVersion: '1.31',
    region: 'eu-west-1',
  },
  prod: {
    name: 'prod',
    server: 'https://prod.k8s.marquee.internal',
    platformNamespace: 'monitoring',
    kubernetesVersion: '1.31',
    region: 'eu-west-1',
  },
} as const satisfies Record<ClusterName, Cluster>;

export const environments = {
  dev: {
    name: 'dev',
    branch: 'develop',
    namespace: 'marquee-dev',
    cluster: 'nonprod',
    overlay: 'overlays/dev',
    replicas: { min: 1, max: 3 },
    resources: 'small',
    ingressHost: 'dev.marquee.example.com',
    sync: { automated: true, preserveResourcesOnDeletion: false },
    owners: ['@marquee-shop/developers'],
    requireDigests: false,
  },
  test: {
    name: 'test',
    branch: 'release',
    namespace: 'marquee-test',
    cluster: 'nonprod',
    overlay: 'overlays/test',
    replicas: { min: 2, max: 6 },
    resources: 'standard',
    ingressHost: 'test.marquee.example.com',
    sync: { automated: true, preserveResourcesOnDeletion: true },
    owners: ['@marquee-shop/developers', '@marquee-shop/qa'],
    requireDigests: false,
    // restoreRateMiBPerSec: set below what npm run dr:drill measures (docs/benchmarks.md, docs/data.md);
    // the restore-drill Cluster reading the real bucket is the figure to replace it with.
    recovery: { rpoSeconds: 300, rtoSeconds: 3600, databaseSizeGiB: 5, walRateMiBPerMin: 2, restoreRateMiBPerSec: 30 },
    postgresCluster: {
      instances: 2,
      // Two instances: with `required`, losing the standby would stop every write in test.
      dataDurability: 'preferred',
      zones: false,
      storageGiB: 20,
      storageClassName: 'gp3',
      resources: { cpuRequestMillis: 250, cpuLimitMillis: 1000, memoryRequestMiB: 1024, memoryLimitMiB: 1024 },
      objectStore: { destinationPath: 's3://marquee-backups-test-eu-central-1/postgres', region: 'eu-central-1' },
    },
  },
  prod: {
    name: 'prod',
    branch: 'main',
    namespace: 'marquee-prod',
    cluster: 'prod',
    overlay: 'overlays/prod',
    replicas: { min: 3, max: 12 },
    resources: 'large',
    ingressHost: 'marquee.example.com',
    sync: { automated: true, preserveResourcesOnDeletion: true },
    owners: ['@marquee-shop/platform'],
    requireDigests: true,
    // The design's targets (RPO 5 min, RTO 30 min); size and WAL rate are prod's forecast for the year.
    recovery: { rpoSeconds: 300, rtoSeconds: 1800, databaseSizeGiB: 40, walRateMiBPerMin: 16, restoreRateMiBPerSec: 30 },
    postgresCluster: {
      instances: 3,
      dataDurability: 'required',
      zones: true,
      storageGiB: 100,
      storageClassName: 'gp3-retain',
      // As the StatefulSet had in overlays/prod/data/patches/postgres.yaml.
      resources: { cpuRequestMillis: 1000, cpuLimitMillis: 4000, memoryRequestMiB: 4096, memoryLimitMiB: 4096 },
      objectStore: { destinationPath: 's3://marquee-backups-prod-eu-central-1/postgres', region: 'eu-central-1' },
    },
  },
} as const satisfies Record<EnvName, Environment>;

export const envNames = Object.keys(environments) as EnvName[];

/** The repository Argo CD pulls from; AppProjects allow only this source. */
export const repository = {
  url: 'https://github.com/marquee-shop/marquee.git',
  github: { owner: 'marquee-shop', repo: 'marquee' },
  platformTeam: '@marquee-shop/platform',
} as const;

/** The sub-applications each environment's overlay is split into (one Argo CD Application each). */
export const envComponents = ['data', 'services'] as const;
export type EnvComponent = (typeof envComponents)[number];

/** Clusters and the environments they host: platform overlays are per cluster, not per environment. */
export function environmentsOn(cluster: ClusterName): Environment[] {
  return Object.values(environments).filter((e) => e.cluster === cluster);
}

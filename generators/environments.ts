// The environment contract: plain typed data, no logic. Bases, Argo CD objects,
// CODEOWNERS, docs tables and the validate guardrails are all derived from it.

export type EnvName = 'dev' | 'test' | 'prod';
export type ClusterName = 'nonprod' | 'prod';

export interface Cluster {
  /** Also the name the cluster is registered under in Argo CD (`argocd cluster add --name`): the cluster generator's `name`. */
  readonly name: ClusterName;
  /** Argo CD destination server URL (as registered with `argocd cluster add`). */
  readonly server: string;
  /** Namespace of the per-cluster platform stack (monitoring), deployed once per cluster. */
  readonly platformNamespace: string;
  /** Kubernetes minor version the cluster runs: API deprecation checks target it. */
  readonly kubernetesVersion: `1.${number}`;
  /** Cloud region of the cluster's nodes (backups must go elsewhere). */
  readonly region: string;
  /**
   * The cluster's Vault, which every SecretStore on it reads (each environment's data overlay and the
   * platform overlay patch base/secret-store to it): a store pointing at another cluster's Vault or
   * auth mount was copied from that cluster's overlay, and its ExternalSecrets never sync.
   */
  readonly vault: { readonly server: string; readonly kubernetesAuthMountPath: string };
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
   * How the API tier (contract serviceGroups['api-tier']) is released: canary Rollouts with
   * analysis (Argo Rollouts), or absent for plain rolling Deployments.
   */
  readonly canary?: CanaryRelease;
  /**
   * Recovery budget of the environment's PostgreSQL (CloudNativePG Cluster). archive_timeout,
   * backup cadence and retention are derived from it (generators/recovery-budget.ts); unset =
   * the single StatefulSet with its nightly pg_dump (no WAL archive, no failover).
   */
  readonly recovery?: RecoveryBudget;
  /** The CloudNativePG Cluster of this environment (generators/cloudnative-pg.ts); unset = the StatefulSet. */
  readonly postgresCluster?: PostgresClusterProps;
}

/** One canary step: shift traffic (percent), wait, or run the analysis to completion. */
export type CanaryStep =
  | { readonly weight: number }
  | { readonly pause: `${number}${'s' | 'm' | 'h'}` }
  | { readonly analysis: true };

/** What a canary's metrics must show, and how many measurements decide it (Argo Rollouts Metric fields). */
export interface CanaryAnalysis {
  /** Time between measurements. */
  readonly interval: `${number}${'s' | 'm'}`;
  /** PromQL rate window each measurement reads: at least four scrapes (scrape interval 30s). */
  readonly window: `${number}${'s' | 'm'}`;
  /** Measurements per analysis step; the step succeeds once all are taken without breaching the limits. */
  readonly count: number;
  /** Failed measurements tolerated; one more fails the step and aborts the Rollout. */
  readonly failureLimit: number;
  /** Inconclusive measurements (no traffic, NaN) tolerated; one more pauses the Rollout for a human. */
  readonly inconclusiveLimit: number;
  /** Consecutive query errors (Prometheus unreachable) tolerated before the run errors and aborts. */
  readonly consecutiveErrorLimit: number;
  /** Highest ratio of 5xx responses among the canary's requests that passes. */
  readonly maxErrorRatio: number;
  /** Highest p99 request duration of the canary, in seconds, that passes. */
  readonly maxP99Seconds: number;
}

export interface CanaryRelease {
  readonly steps: readonly CanaryStep[];
  readonly analysis: CanaryAnalysis;
  /** Seconds an aborted canary's pods stay up (for `kubectl logs`) before they are scaled down. */
  readonly abortScaleDownDelaySeconds: number;
  /** Seconds the previous stable pods stay up after promotion while ingress-nginx reloads (traffic-routed only). */
  readonly scaleDownDelaySeconds: number;
  /** Extra canary pods while replica-weighted: never below the stable count, so the PDB's maxUnavailable 1 always holds. */
  readonly maxSurge: `${number}%` | number;
  readonly maxUnavailable: 0;
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
    vault: { server: 'https://vault.nonprod.marquee.internal:8200', kubernetesAuthMountPath: 'kubernetes-nonprod' },
  },
  prod: {
    name: 'prod',
    server: 'https://prod.k8s.marquee.internal',
    platformNamespace: 'monitoring',
    kubernetesVersion: '1.31',
    region: 'eu-west-1',
    vault: { server: 'https://vault.prod.marquee.internal:8200', kubernetesAuthMountPath: 'kubernetes-prod' },
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
    canary: {
      steps: [{ weight: 10 }, { pause: '1m' }, { analysis: true }, { weight: 50 }, { analysis: true }],
      analysis: {
        interval: '1m',
        window: '2m',
        count: 3,
        failureLimit: 0,
        inconclusiveLimit: 1,
        consecutiveErrorLimit: 2,
        maxErrorRatio: 0.02,
        maxP99Seconds: 1,
      },
      abortScaleDownDelaySeconds: 600,
      scaleDownDelaySeconds: 30,
      maxSurge: '25%',
      maxUnavailable: 0,
    },
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
    canary: {
      steps: [
        { weight: 10 },
        { pause: '2m' },
        { analysis: true },
        { weight: 25 },
        { analysis: true },
        { weight: 50 },
        { analysis: true },
        { weight: 75 },
        { analysis: true },
      ],
      analysis: {
        interval: '1m',
        window: '2m',
        count: 5,
        failureLimit: 1,
        inconclusiveLimit: 2,
        consecutiveErrorLimit: 3,
        maxErrorRatio: 0.01,
        maxP99Seconds: 0.5,
      },
      abortScaleDownDelaySeconds: 1800,
      scaleDownDelaySeconds: 30,
      maxSurge: '25%',
      maxUnavailable: 0,
    },
    // The design's targets (RPO 5 min, RTO 30 min); size and WAL rate are prod's forecast for the year.
    recovery: { rpoSeconds: 300, rtoSeconds: 1800, databaseSizeGiB: 40, walRateMiBPerMin: 16, restoreRateMiBPerSec: 30 },
    postgresCluster: {
      instances: 3,
      dataDurability: 'required',
      zones: true,
      storageGiB: 100,
      storageClassName: 'gp3-retain',
      // What the StatefulSet had in prod before the switch to CloudNativePG.
      resources: { cpuRequestMillis: 1000, cpuLimitMillis: 4000, memoryRequestMiB: 4096, memoryLimitMiB: 4096 },
      objectStore: { destinationPath: 's3://marquee-backups-prod-eu-central-1/postgres', region: 'eu-central-1' },
    },
  },
} as const satisfies Record<EnvName, Environment>;

/**
 * What a pull-request preview (overlays/preview, one namespace per PR next to dev) is held to.
 * validate runs every policy and the environment contract on it; this is its own profile, not
 * a set of exemptions: the replica bounds of its API tier and the policies it is not held to.
 */
export interface PreviewProfile {
  /** HPA bounds of the API tier (contract/replicas, as an environment's `replicas`). */
  readonly replicas: { readonly min: number; readonly max: number };
  /** Policy id → why a preview is not held to it. Every other policy applies as everywhere. */
  readonly relaxes: Readonly<Record<string, string>>;
}

export const previewProfile = {
  // overlays/preview/services/patches/scaling.yaml: one replica per service.
  replicas: { min: 1, max: 1 },
  relaxes: {
    'availability/min-replicas': 'a preview runs one replica per service: it is for looking at a change, not for load, drains or rollouts without downtime',
    'availability/spread-replicas': 'one replica: there is nothing to spread across nodes or zones',
  },
} as const satisfies PreviewProfile;

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

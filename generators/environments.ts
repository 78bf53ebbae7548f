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
  },
  prod: {
    name: 'prod',
    server: 'https://prod.k8s.marquee.internal',
    platformNamespace: 'monitoring',
    kubernetesVersion: '1.31',
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

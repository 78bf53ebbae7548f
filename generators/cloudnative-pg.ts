// base/postgres-cnpg/<env>: PostgreSQL as a CloudNativePG Cluster (issue 20) for every environment
// whose contract declares `postgresCluster` — streaming standbys with synchronous commit, WAL
// archived continuously to another region's bucket by the Barman Cloud plugin, scheduled base
// backups, declarative roles and databases, and a restore-drill Cluster kept out of the sync.
// archive_timeout, backup cadence and retention come from the recovery budget (recovery-budget.ts).
//
// No kubernetes-models package exists for CloudNativePG: the interfaces below are the subset of
// the v1.30.0 / plugin v0.14.0 CRDs this generator writes, and test/generators/cloudnative-pg.test.ts
// checks every object against the vendored CRD schemas (vendor/crds/), unknown fields rejected.
import { isolatePods } from './lib/network-policy.ts';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import type { ITopologySpreadConstraint } from 'kubernetes-models/v1/TopologySpreadConstraint';
import { postgres, services, type DatabaseName, type ServiceName } from '@marquee/contract';
import { postgresOperandImage } from './vendored.ts';
import { clusters, environments, type EnvName, type PostgresClusterProps, type RecoveryBudget } from './environments.ts';
import { credentialsSecret, externalSecretFor } from './external-secrets.ts';
import type { Component, KubeObject } from './lib/component.ts';
import { labelsFor, selectorFor } from './lib/labels.ts';
import { resourcesFor } from './lib/pod.ts';
import { syncWave } from './lib/argocd-waves.ts';
import { assertDnsLabel } from './lib/validate-props.ts';
import { databaseSecret, postgresNames, postgresSecrets } from './postgres.ts';
import { recoveryPlan, type RecoveryPlan } from './recovery-budget.ts';
import { peers } from './services.ts';

const source = 'generators/cloudnative-pg.ts';

export const cnpg = {
  group: cnpgApiGroup,
  apiVersion: `${cnpgApiGroup}/v1`,
  barmanApiVersion: 'barmancloud.cnpg.io/v1',
  barmanPlugin: barmanCloudPlugin,
  /** Where the operator and plugin run (vendor/operators manifests). */
  operatorNamespace: 'cnpg-system',
  /** The operator Deployment's pod label app.kubernetes.io/name (vendor/operators/cloudnative-pg). */
  operatorPodName: 'cloudnative-pg',
  /** Instance manager's status port (the operator polls it) and metrics port. */
  statusPort: 8000,
  /** Label on a Secret the operator should watch and reload (utils.WatchedLabelName). */
  reloadLabel: 'cnpg.io/reload',
  metricsPort: 9187,
} as const;

export { cnpgNames } from './data-names.ts';
import { barmanCloudPlugin, cnpgApiGroup, cnpgNames } from './data-names.ts';

// ---------------------------------------------------------------------------------------------
// Minimal typed models (L1 stand-ins): the fields this generator sets, nothing more.
// ---------------------------------------------------------------------------------------------

interface Metadata {
  readonly name: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}
interface SecretKeySelector {
  readonly name: string;
  readonly key: string;
}
interface PluginConfiguration {
  readonly name: string;
  readonly isWALArchiver?: boolean;
  readonly enabled?: boolean;
  readonly parameters?: Readonly<Record<string, string>>;
}
interface RoleConfiguration {
  readonly name: string;
  readonly ensure: 'present' | 'absent';
  readonly login: boolean;
  readonly superuser: boolean;
  readonly createdb: boolean;
  readonly createrole: boolean;
  readonly replication: boolean;
  readonly bypassrls: boolean;
  readonly connectionLimit: number;
  readonly passwordSecret: { readonly name: string };
  readonly comment?: string;
}
export interface ClusterSpec {
  readonly description?: string;
  readonly instances: number;
  readonly imageName: string;
  readonly primaryUpdateStrategy?: 'supervised' | 'unsupervised';
  readonly enablePDB?: boolean;
  readonly postgresql?: {
    readonly parameters?: Readonly<Record<string, string>>;
    readonly synchronous?: {
      readonly method: 'any' | 'first';
      readonly number: number;
      readonly dataDurability?: 'required' | 'preferred';
      readonly failoverQuorum?: boolean;
    };
  };
  readonly storage: { readonly size: string; readonly storageClass: string };
  readonly resources?: IResourceRequirements;
  readonly affinity?: {
    readonly enablePodAntiAffinity: boolean;
    readonly topologyKey: string;
    readonly podAntiAffinityType: 'preferred' | 'required';
  };
  readonly topologySpreadConstraints?: ITopologySpreadConstraint[];
  readonly inheritedMetadata?: { readonly labels?: Record<string, string> };
  readonly managed?: { readonly roles: readonly RoleConfiguration[] };
  readonly plugins?: readonly PluginConfiguration[];
  readonly monitoring?: { readonly enablePodMonitor: boolean };
  readonly bootstrap?:
    | { readonly initdb: { readonly database: string; readonly owner: string; readonly secret: { readonly name: string } } }
    | {
        readonly recovery: {
          readonly source: string;
          readonly recoveryTarget?: { readonly targetTime: string };
        };
      };
  readonly externalClusters?: readonly { readonly name: string; readonly plugin: PluginConfiguration }[];
}
export interface DatabaseSpec {
  readonly name: string;
  readonly owner: string;
  readonly cluster: { readonly name: string };
  readonly ensure: 'present' | 'absent';
  readonly databaseReclaimPolicy: 'retain' | 'delete';
}
export interface ScheduledBackupSpec {
  readonly schedule: string;
  readonly cluster: { readonly name: string };
  readonly method: 'plugin';
  readonly pluginConfiguration: { readonly name: string };
  readonly backupOwnerReference: 'none' | 'self' | 'cluster';
  readonly immediate: boolean;
  readonly target?: 'primary' | 'prefer-standby';
}
export interface ObjectStoreSpec {
  readonly retentionPolicy: string;
  readonly configuration: {
    readonly destinationPath: string;
    readonly s3Credentials: { readonly accessKeyId: SecretKeySelector; readonly secretAccessKey: SecretKeySelector; readonly region?: SecretKeySelector };
    readonly wal: { readonly compression: 'gzip' | 'bzip2' | 'snappy'; readonly maxParallel: number };
    readonly data: { readonly compression: 'gzip' | 'bzip2' | 'snappy'; readonly jobs: number };
  };
}

type Kind = 'Cluster' | 'Database' | 'ScheduledBackup' | 'ObjectStore';
type SpecOf<K extends Kind> = K extends 'Cluster' ? ClusterSpec : K extends 'Database' ? DatabaseSpec : K extends 'ScheduledBackup' ? ScheduledBackupSpec : ObjectStoreSpec;

/** A CloudNativePG or Barman Cloud object shaped like a kubernetes-models one (renderComponent calls validate/toJSON). */
export class CnpgObject<K extends Kind = Kind> {
  readonly apiVersion: string;
  constructor(
    readonly kind: K,
    readonly metadata: Metadata,
    readonly spec: SpecOf<K>,
  ) {
    this.apiVersion = kind === 'ObjectStore' ? cnpg.barmanApiVersion : cnpg.apiVersion;
  }
  /** Schema checks are against the vendored CRDs, in the tests and (later) validate; nothing cheap to do here. */
  validate(): void {}
  toJSON(): Record<string, unknown> {
    return { apiVersion: this.apiVersion, kind: this.kind, metadata: this.metadata, spec: this.spec };
  }
}

const asKube = (o: CnpgObject): KubeObject => o as unknown as KubeObject;

// ---------------------------------------------------------------------------------------------
// Components
// ---------------------------------------------------------------------------------------------

const labels = labelsFor({ name: postgresNames.server, component: 'database' });
const clusterRef = { name: cnpgNames.cluster };

function clientsOf(db: DatabaseName): ServiceName[] {
  return (Object.keys(services) as ServiceName[]).filter((s) => services[s].database === db);
}

/** Throws, naming the contract field, on a Cluster that would not survive what it claims to. */
export function validateClusterProps(env: EnvName, p: PostgresClusterProps): void {
  const field = `generators/environments.ts: environments.${env}.postgresCluster`;
  if (!Number.isInteger(p.instances) || p.instances < 2)
    throw new Error(`${field}.instances is ${p.instances}: a Cluster needs at least 2 instances (one synchronous standby) to fail over without loss`);
  if (p.dataDurability === 'required' && p.instances < 3)
    throw new Error(`${field}.dataDurability is required with ${p.instances} instances: losing the only standby would stop every write; use 3 instances or 'preferred'`);
  if (!Number.isInteger(p.storageGiB) || p.storageGiB < 1) throw new Error(`${field}.storageGiB is ${p.storageGiB}; use a whole number of GiB >= 1`);
  assertDnsLabel(source, `environments.${env}.postgresCluster.storageClassName`, p.storageClassName);
  const cluster = clusters[environments[env].cluster];
  if (p.objectStore.region === cluster.region)
    throw new Error(
      `${field}.objectStore.region is ${p.objectStore.region}, the region of cluster ${cluster.name}: a region loss would take the backups with it; choose a bucket in another region`,
    );
  const budget = (environments[env] as { recovery?: unknown }).recovery;
  if (!budget) throw new Error(`${field} is set but environments.${env}.recovery is not: archive_timeout and backup cadence come from the recovery budget`);
}

/** The Cluster's synchronous replication: quorum (ANY 1) over the standbys, see docs/data.md. */
export function synchronousFor(p: PostgresClusterProps): NonNullable<NonNullable<ClusterSpec['postgresql']>['synchronous']> {
  return {
    method: 'any',
    number: 1,
    dataDurability: p.dataDurability,
    // Only promote a standby that is known to hold every synchronously committed transaction.
    ...(p.instances >= 3 ? { failoverQuorum: true } : {}),
  };
}

export function clusterSpec(env: EnvName, p: PostgresClusterProps, plan: RecoveryPlan): ClusterSpec {
  const dbs = Object.keys(databaseSecret) as DatabaseName[];
  const first = dbs[0]!;
  const zone = 'topology.kubernetes.io/zone';
  const instanceSelector = { 'cnpg.io/cluster': cnpgNames.cluster };
  return {
    description: `marquee ${env}: ${dbs.join(' and ')} databases`,
    instances: p.instances,
    imageName: postgresOperandImage,
    // Minor upgrades restart the standbys, then switch over to one of them: no manual step.
    primaryUpdateStrategy: 'unsupervised',
    // CloudNativePG manages its own PodDisruptionBudgets (one for the primary, one for the
    // standbys) and keeps them in step with failovers; a static PDB here would fight it.
    enablePDB: true,
    postgresql: {
      parameters: {
        archive_timeout: `${plan.archiveTimeoutSeconds}s`,
        max_connections: '400',
        shared_buffers: `${Math.floor(p.resources.memoryLimitMiB / 4)}MB`,
        log_min_duration_statement: '1000',
        // 'true', not 'on': an unquoted on is a boolean to YAML 1.1 readers (kustomize), and parameters are strings.
        log_lock_waits: 'true',
      },
      synchronous: synchronousFor(p),
    },
    storage: { size: `${p.storageGiB}Gi`, storageClass: p.storageClassName },
    resources: resourcesFor(p.resources),
    affinity: { enablePodAntiAffinity: true, topologyKey: p.zones ? zone : 'kubernetes.io/hostname', podAntiAffinityType: p.zones ? 'required' : 'preferred' },
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: zone, whenUnsatisfiable: p.zones ? 'DoNotSchedule' : 'ScheduleAnyway', labelSelector: { matchLabels: instanceSelector } },
    ],
    // Every pod and Service the operator creates carries the app labels: the NetworkPolicies of the
    // services and migrations and the `postgres` scrape job select PostgreSQL by them.
    inheritedMetadata: { labels },
    managed: {
      roles: dbs.map((db) => ({
        name: db,
        ensure: 'present',
        login: true,
        superuser: false,
        createdb: false,
        createrole: false,
        replication: false,
        bypassrls: false,
        connectionLimit: -1,
        passwordSecret: { name: databaseSecret[db] },
        comment: `owner of ${db}; used by ${clientsOf(db).join(', ')}`,
      })),
    },
    plugins: [{ name: cnpg.barmanPlugin, isWALArchiver: true, parameters: { barmanObjectName: cnpgNames.objectStore } }],
    monitoring: { enablePodMonitor: false },
    bootstrap: { initdb: { database: first, owner: first, secret: { name: databaseSecret[first] } } },
  };
}

/** The restore-drill Cluster: recovers the environment's archive to `targetTime` into a new one-instance Cluster. */
export function restoreDrillSpec(env: EnvName, p: PostgresClusterProps, targetTime: string): ClusterSpec {
  return {
    description: `marquee ${env}: restore drill of ${cnpgNames.cluster} (point in time ${targetTime})`,
    instances: 1,
    imageName: postgresOperandImage,
    storage: { size: `${p.storageGiB}Gi`, storageClass: p.storageClassName },
    resources: resourcesFor(p.resources),
    // No WAL archiver plugin: the drill must never write into the archive it reads.
    bootstrap: { recovery: { source: 'origin', recoveryTarget: { targetTime } } },
    externalClusters: [
      { name: 'origin', plugin: { name: cnpg.barmanPlugin, parameters: { barmanObjectName: cnpgNames.objectStore, serverName: cnpgNames.cluster } } },
    ],
  };
}

/**
 * The drill's recovery target until the runbook sets it (docs/data.md, "Restore drill"): a fixed
 * instant so the manifest renders and validates; `kustomize edit`/a patch sets the real one.
 */
export const restoreDrillPlaceholderTime = '2026-01-01T00:00:00Z';

export function cnpgObjects(env: EnvName, p: PostgresClusterProps, plan: RecoveryPlan): KubeObject[] {
  validateClusterProps(env, p);
  const dbs = Object.keys(databaseSecret) as DatabaseName[];
  const instancePeer: INetworkPolicyPeer = { podSelector: { matchLabels: { 'cnpg.io/cluster': cnpgNames.cluster } } };
  const clientPeers: INetworkPolicyPeer[] = [
    ...[...new Set(dbs.flatMap(clientsOf))].map((c) => ({ podSelector: { matchLabels: selectorFor(c) } })),
    { podSelector: { matchLabels: selectorFor(postgresNames.migrations) } },
  ];
  return [
    // cnpg.io/reload (pkg/specs/pods.go WatchedLabelName): the operator watches the Secret, so a password
    // rotated in Vault reaches the managed role without a restart.
    ...dbs.map((db) => credentialsSecret(databaseSecret[db], { ...labelsFor({ name: databaseSecret[db], component: 'database' }), [cnpg.reloadLabel]: 'true' })),
    externalSecretFor({
      name: postgresSecrets.backupS3,
      labels,
      data: {
        AWS_ACCESS_KEY_ID: { remoteKey: postgresSecrets.backupS3, property: 'access-key-id' },
        AWS_SECRET_ACCESS_KEY: { remoteKey: postgresSecrets.backupS3, property: 'secret-access-key' },
      },
    }),
    asKube(
      new CnpgObject('ObjectStore', { name: cnpgNames.objectStore, labels, annotations: syncWave('secrets') }, {
        retentionPolicy: plan.retentionPolicy,
        configuration: {
          destinationPath: p.objectStore.destinationPath,
          s3Credentials: {
            accessKeyId: { name: postgresSecrets.backupS3, key: 'AWS_ACCESS_KEY_ID' },
            secretAccessKey: { name: postgresSecrets.backupS3, key: 'AWS_SECRET_ACCESS_KEY' },
          },
          wal: { compression: 'gzip', maxParallel: 2 },
          data: { compression: 'gzip', jobs: 2 },
        },
      }),
    ),
    asKube(new CnpgObject('Cluster', { name: cnpgNames.cluster, labels, annotations: syncWave('data') }, clusterSpec(env, p, plan))),
    ...dbs.map((db) =>
      asKube(
        new CnpgObject('Database', { name: db, labels, annotations: syncWave('bootstrap') }, {
          name: db,
          owner: db,
          cluster: clusterRef,
          ensure: 'present',
          // Deleting the object (or the Application) must never drop a database.
          databaseReclaimPolicy: 'retain',
        }),
      ),
    ),
    asKube(
      new CnpgObject('ScheduledBackup', { name: cnpgNames.scheduledBackup, labels, annotations: syncWave('bootstrap') }, {
        schedule: plan.backupSchedule,
        cluster: clusterRef,
        method: 'plugin',
        pluginConfiguration: { name: cnpg.barmanPlugin },
        backupOwnerReference: 'self',
        // A first base backup as soon as the Cluster exists: the archive is useless without one.
        immediate: true,
        // Read the base backup from a standby: the primary serves the shop meanwhile.
        target: 'prefer-standby',
      }),
    ),
    isolatePods({ name: cnpgNames.cluster, labels, annotations: syncWave('secrets') }, { 'cnpg.io/cluster': cnpgNames.cluster }, {
      ingress: [
        { from: [...clientPeers, instancePeer], ports: [{ protocol: 'TCP', port: postgres.port }] },
        { from: [operatorPeer], ports: [{ protocol: 'TCP', port: cnpg.statusPort }, { protocol: 'TCP', port: postgres.port }] },
        { from: [peers.monitoring], ports: [{ protocol: 'TCP', port: cnpg.metricsPort }] },
      ],
      egress: [
        // Streaming replication between the instances.
        { to: [instancePeer], ports: [{ protocol: 'TCP', port: postgres.port }] },
        // The instance manager watches its Cluster through the API server; the plugin sidecar ships WAL
        // to the bucket. Both addresses are outside the namespace and unknown to the base.
        { ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] },
      ],
    }),
  ];
}

// The operator's pods only (not the Barman Cloud plugin next to them): it polls each instance
// manager's status port and connects to PostgreSQL. As CloudNativePG's own sample
// (docs/src/samples/networkpolicy-example.yaml: ports 8000 and 5432 from the operator pod).
const operatorPeer: INetworkPolicyPeer = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': cnpg.operatorNamespace } },
  podSelector: { matchLabels: { 'app.kubernetes.io/name': cnpg.operatorPodName } },
};
const drillLabels = labelsFor({ name: cnpgNames.restoreDrill, component: 'database' });

export function cnpgComponents(): Component[] {
  return Object.values(environments).flatMap((e): Component[] => {
    const p = 'postgresCluster' in e ? e.postgresCluster : undefined;
    if (!p) return [];
    validateClusterProps(e.name, p);
    const plan = recoveryPlan(e.name, (e as { recovery: RecoveryBudget }).recovery);
    return [
      { dir: `base/postgres-cnpg/${e.name}`, source, objects: cnpgObjects(e.name, p, plan) },
      // Not listed by the environment's kustomization, so Argo CD never syncs it: the runbook applies
      // it on purpose (kubectl apply -k) with the recovery target set, and deletes it afterwards.
      {
        dir: `base/postgres-cnpg/${e.name}/restore-drill`,
        source,
        objects: [
          asKube(new CnpgObject('Cluster', { name: cnpgNames.restoreDrill, labels: drillLabels }, restoreDrillSpec(e.name, p, restoreDrillPlaceholderTime))),
          // The namespace denies by default: the drill instance must reach the bucket and the API server,
          // and the operator its status port. Nobody else connects to it.
          isolatePods({ name: cnpgNames.restoreDrill, labels: drillLabels }, { 'cnpg.io/cluster': cnpgNames.restoreDrill }, {
            ingress: [{ from: [operatorPeer], ports: [{ protocol: 'TCP', port: cnpg.statusPort }, { protocol: 'TCP', port: postgres.port }] }],
            egress: [{ ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] }],
          }),
        ],
      },
    ];
  });
}

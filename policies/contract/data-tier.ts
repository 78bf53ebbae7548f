// What must hold in an environment's rendered data tier (npm run validate and
// test/generators/data.test.ts). Light imports only: it runs on every validate.
import { environments, type EnvName } from '../../generators/environments.ts';
import { cnpgApiGroup, cnpgNames, postgresHost, postgresNames, rabbitmqNames, secretStoreName } from '../../generators/data-names.ts';
import { bytesOf } from '../../generators/lib/validate-props.ts';
import { cadenceChoicesHours, worstCaseRpoFor, worstCaseRtoFor, walSegmentMiB } from '../../generators/recovery-budget.ts';
import type { KubeObject } from '../../kube/index.ts';
import { containersOf, podTemplateOf, type ContainerAt } from '../../kube/workload.ts';
import { gucValue } from '../lib/postgres-guc.ts';
import { storeIssue } from './secret-store.ts';

/** The rendered object, as everywhere (kube/object.ts). */
export type Rendered = KubeObject;

/**
 * One data-tier problem; `object`/`path` (when set) let validate point at the line that set the field, or, for a
 * value that is `absent`, at the nearest parent the object has: the map that should hold it.
 */
export interface DataTierIssue {
  readonly message: string;
  /** The object the problem is in, as `Kind/name`. */
  readonly object?: { readonly kind: string; readonly name: string };
  /** Dotted path of the field, e.g. `spec.instances`. */
  readonly path?: string;
  /** The field at `path` is not there (validate places the finding at its nearest present parent). */
  readonly absent?: true;
  /** The fix, when it is more than the data overlay's general advice. */
  readonly hint?: string;
  /** Other objects the problem was judged against (their values may be the mistake's cause). */
  readonly reads?: readonly { readonly kind: string; readonly name: string }[];
}

/**
 * What must hold in an environment's rendered data tier. Returns one message per problem,
 * each naming the object and field; empty when the overlay is sound.
 */
export function dataTierFindings(env: EnvName, objects: readonly Rendered[]): string[] {
  return dataTierIssues(env, objects).map((i) => i.message);
}

/** A StatefulSet's containers that are objects, with their paths (none when a patch left the template out or broke it). */
const stsContainers = (o: Rendered): ContainerAt[] => {
  const t = podTemplateOf(o);
  return t ? containersOf(t, { init: false }) : [];
};

/** dataTierFindings() with the object and field of each problem. */
export function dataTierIssues(env: EnvName, objects: readonly Rendered[]): DataTierIssue[] {
  const issues: DataTierIssue[] = [];
  const out = { push: (...messages: string[]) => issues.push(...messages.map((message) => ({ message }))) };
  const get = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  // (a Secret with data in Git is security/no-plaintext-secrets' finding, in every target)
  const rabbit = get('StatefulSet', rabbitmqNames.server);
  const sts = get('StatefulSet', postgresNames.server);
  const cluster = objects.find((o) => o.kind === 'Cluster' && o.apiVersion.startsWith(`${cnpgApiGroup}/`) && o.metadata.name === cnpgNames.cluster);
  const declared = (environments[env] as { postgresCluster?: unknown }).postgresCluster !== undefined;
  if (!rabbit) out.push(`StatefulSet/${rabbitmqNames.server} is missing`);
  if (cluster && sts) out.push(`StatefulSet/${postgresNames.server} and Cluster/${cnpgNames.cluster} are both rendered in ${env}: two PostgreSQL servers; include base/postgres or base/postgres-cnpg/${env}, not both`);
  else if (declared && !cluster)
    out.push(`Cluster/${cnpgNames.cluster} (postgresql.cnpg.io) is missing: environments.${env}.postgresCluster is declared, so overlays/${env}/data must include base/postgres-cnpg/${env}`);
  else if (!declared && !sts) out.push(`StatefulSet/${postgresNames.server} is missing`);
  if (cluster) issues.push(...clusterIssues(env, cluster), ...budgetIssues(env, cluster, objects));
  issues.push(...hostIssues(objects));
  const pg = cluster ? undefined : sts;
  if (!rabbit || (!pg && !cluster)) return issues;

  // each with its object and field: placed at the line that set it
  const at = (name: string, path: string, message: string) => issues.push({ message, object: { kind: 'StatefulSet', name }, path });
  // a patch may leave any of these fields out, or null: the schema check says so; these checks then say nothing
  const replicas = rabbit['spec']?.replicas as number;
  if (replicas % 2 === 0 || replicas < 1) at(rabbit.metadata.name, 'spec.replicas', `StatefulSet/rabbitmq spec.replicas is ${replicas}: use an odd number (a quorum needs a strict majority)`);
  else if (env !== 'dev' && replicas < 3) at(rabbit.metadata.name, 'spec.replicas', `StatefulSet/rabbitmq spec.replicas is ${replicas} in ${env}: quorum queues need 3 nodes to survive one loss`);
  if (pg && pg['spec']?.replicas !== 1) at(pg.metadata.name, 'spec.replicas', `StatefulSet/postgres spec.replicas is ${pg['spec']?.replicas}: one primary (replicas without replication are independent databases)`);

  for (const sts of pg ? [pg, rabbit] : [rabbit]) {
    const name = sts.metadata.name;
    const claim = sts['spec']?.volumeClaimTemplates?.[0]?.spec;
    const size = String(claim?.resources?.requests?.storage ?? '');
    const storage = 'spec.volumeClaimTemplates[0].spec.resources.requests.storage';
    try {
      bytesOf(`StatefulSet/${name}`, storage, size);
    } catch (e) {
      // with its field: a size the schema already refused is reported once, at the line that set it
      at(name, storage, (e as Error).message);
    }
    // values that are not there have no line of their own: they are placed at the nearest parent the object has
    const absent = (path: string, message: string) => issues.push({ message, object: { kind: 'StatefulSet', name }, path, absent: true });
    if (!claim?.storageClassName) absent('spec.volumeClaimTemplates[0].spec.storageClassName', `StatefulSet/${name} spec.volumeClaimTemplates[0].spec.storageClassName is not set in ${env}: choose the class (and its reclaim policy) explicitly`);
    for (const { container: c, path } of stsContainers(sts)) {
      const missing = !c.resources?.limits?.['memory'] ? 'limits' : !c.resources?.requests?.['memory'] ? 'requests' : undefined;
      if (missing) absent(`${path}.resources.${missing}.memory`, `StatefulSet/${name} container ${c.name}: resources.requests/limits.memory must be set`);
    }
  }

  // RabbitMQ computes its memory alarm from memory.conf, which must follow the container limit.
  const limit = stsContainers(rabbit).find((c) => c.container.name === 'rabbitmq')?.container.resources?.limits?.memory;
  const conf = get('ConfigMap', rabbitmqNames.config)?.['data']?.['memory.conf'] as string | undefined;
  const overrideBytes = Number(/total_memory_available_override_value = (\d+)/.exec(conf ?? '')?.[1]);
  if (limit && overrideBytes) {
    const limitBytes = bytesOf('StatefulSet/rabbitmq', 'resources.limits.memory', limit);
    const ratio = overrideBytes / limitBytes;
    // at memory.conf, the value to change: the limit may be the overlay's or (a patch that missed) the base's
    if (ratio < 0.6 || ratio > 0.9)
      issues.push({
        message: `memory.conf is ${Math.round(ratio * 100)}% of the rabbitmq memory limit ${limit}: keep it at about 80%`,
        object: { kind: 'ConfigMap', name: rabbitmqNames.config },
        path: 'data["memory.conf"]',
        reads: [{ kind: 'StatefulSet', name: rabbit.metadata.name }],
        hint: `set total_memory_available_override_value in ConfigMap/${rabbitmqNames.config} data.memory.conf to ${Math.round(0.8 * limitBytes)} (80% of ${limit}) with the limit, see docs/data.md`,
      });
  } else {
    const config = get('ConfigMap', rabbitmqNames.config);
    const message = `ConfigMap/${rabbitmqNames.config} data.memory.conf has no total_memory_available_override_value`;
    // at memory.conf when it is there without the setting, else at the ConfigMap's nearest part
    if (config) issues.push({ message, object: { kind: 'ConfigMap', name: rabbitmqNames.config }, path: 'data["memory.conf"]', ...(typeof config['data']?.['memory.conf'] === 'string' ? {} : { absent: true as const }) });
    else out.push(message);
  }

  const store = get('SecretStore', secretStoreName);
  if (!store) out.push(`SecretStore/${secretStoreName} is missing: the ExternalSecrets cannot resolve`);
  else {
    // a store copied from another environment's or cluster's data overlay: at the first wrong line of the patch
    // (a field left out is placed at its nearest present parent)
    const wrong = storeIssue(store, { cluster: environments[env].cluster, mount: `marquee-${env}`, where: env });
    if (wrong) {
      const written = wrong.path.split('.').reduce<any>((o, k) => o?.[k], store);
      issues.push({ ...wrong, message: `SecretStore/${secretStoreName} ${wrong.message}`, object: { kind: 'SecretStore', name: secretStoreName }, ...(written === undefined ? { absent: true as const } : {}) });
    }
  }
  return issues;
}

/**
 * A CloudNativePG Cluster as the data tier: it must fail over without losing an acknowledged
 * commit (a synchronous standby), keep what the environment contract promises (instances,
 * durability, one instance per zone), archive WAL, and have its storage and memory set.
 */
function clusterIssues(env: EnvName, cluster: Rendered): DataTierIssue[] {
  const issues: DataTierIssue[] = [];
  const object = { kind: 'Cluster', name: cluster.metadata.name };
  const at = (path: string, message: string) => issues.push({ message: `Cluster/${object.name} ${path} ${message}`, object, path });
  // A field that is absent has no line of its own: it is placed at the nearest parent the Cluster has (the map
  // that should hold it), which validate's locator finds in the overlay's patch or, through blame, the op that removed it.
  const absent = (path: string, message: string) => issues.push({ message: `Cluster/${object.name} ${path} ${message}`, object, path, absent: true });
  const spec = cluster['spec'] ?? {};
  const contract = (environments[env] as { postgresCluster?: { instances: number; dataDurability: string; zones: boolean } }).postgresCluster;
  const instances = spec.instances;
  if (typeof instances !== 'number' || instances < 2)
    at('spec.instances', `is ${instances}: a Cluster needs at least 2 instances (a synchronous standby) to fail over without losing acknowledged commits`);
  else if (contract && instances < contract.instances)
    at('spec.instances', `is ${instances} in ${env}: the contract (generators/environments.ts environments.${env}.postgresCluster.instances) promises ${contract.instances}`);
  const sync = spec.postgresql?.synchronous;
  const legacySync = (spec.minSyncReplicas ?? 0) >= 1;
  if (!sync && !legacySync)
    absent('spec.postgresql.synchronous', `is not set in ${env}: without synchronous replication a failover loses the commits the standby had not received; set {method: any, number: 1}`);
  else if (sync) {
    if (!(sync.number >= 1)) at('spec.postgresql.synchronous.number', `is ${sync.number}: at least one standby must confirm each commit`);
    else if (typeof instances === 'number' && sync.number >= instances)
      at('spec.postgresql.synchronous.number', `is ${sync.number} with ${instances} instances: more synchronous standbys than standbys; every write would wait for ever`);
    if (contract?.dataDurability === 'required' && sync.dataDurability !== 'required')
      at('spec.postgresql.synchronous.dataDurability', `is ${sync.dataDurability ?? 'unset'} in ${env}: the contract requires 'required' (no commit acknowledged on one node alone)`);
  }
  if (contract?.zones) {
    const zone = 'topology.kubernetes.io/zone';
    const hardAffinity = spec.affinity?.podAntiAffinityType === 'required' && spec.affinity?.topologyKey === zone && spec.affinity?.enablePodAntiAffinity !== false;
    const hardSpread = (spec.topologySpreadConstraints ?? []).some((t: { topologyKey?: string; whenUnsatisfiable?: string }) => t.topologyKey === zone && t.whenUnsatisfiable === 'DoNotSchedule');
    if (!hardAffinity && !hardSpread)
      at('spec.affinity', `does not keep the instances in distinct zones in ${env}: set podAntiAffinityType: required on ${zone} (or a DoNotSchedule zone topology spread), or a zone loss can take the primary and its standby`);
  }
  const plugins: { name?: string; isWALArchiver?: boolean; enabled?: boolean }[] = spec.plugins ?? [];
  if (!plugins.some((p) => p.isWALArchiver && p.enabled !== false) && !spec.backup?.barmanObjectStore)
    at('spec.plugins', `has no WAL archiver in ${env}: without continuous archiving a region loss loses everything since the last base backup`);
  try {
    bytesOf(`Cluster/${object.name}`, 'spec.storage.size', String(spec.storage?.size ?? ''));
  } catch (e) {
    issues.push({ message: (e as Error).message, object, path: 'spec.storage.size' });
  }
  if (!spec.storage?.storageClass) absent('spec.storage.storageClass', `is not set in ${env}: choose the class (and its reclaim policy) explicitly`);
  if (!spec.resources?.limits?.memory || !spec.resources?.requests?.memory) at('spec.resources', 'must set requests.memory and limits.memory');
  return issues;
}

/**
 * Every PGHOST the rendered pods use (literal env or their ConfigMaps) names PostgreSQL's client
 * host, and something serves it: a rendered Service, or the `<cluster>-rw` Service a rendered
 * CloudNativePG Cluster makes the operator create.
 */
function hostIssues(objects: readonly Rendered[]): DataTierIssue[] {
  const served = new Set(objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name));
  for (const o of objects) if (o.kind === 'Cluster' && o.apiVersion.startsWith(`${cnpgApiGroup}/`)) served.add(`${o.metadata.name}-rw`);
  const hosts = new Map<string, string>();
  for (const o of objects) {
    if (o.kind === 'ConfigMap' && typeof o['data']?.PGHOST === 'string') hosts.set(`ConfigMap/${o.metadata.name} data.PGHOST`, o['data'].PGHOST);
    const pod = o['spec']?.jobTemplate?.spec?.template?.spec ?? o['spec']?.template?.spec;
    // lists of anything else (a patch's mistake) are the schema check's findings
    const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);
    for (const c of [...list(pod?.initContainers), ...list(pod?.containers)] as ({ name: string; env?: { name: string; value?: unknown }[] } | null)[])
      for (const e of list(c?.env)) if (e?.name === 'PGHOST' && typeof e.value === 'string') hosts.set(`${o.kind}/${o.metadata.name} container ${c!.name} env PGHOST`, e.value);
  }
  const issues: DataTierIssue[] = [];
  for (const [where, host] of hosts) {
    if (host !== postgresHost) issues.push({ message: `${where} is ${host}: PostgreSQL's clients connect to ${postgresHost} in every environment (generators/data-names.ts postgresHost)` });
    else if (!served.has(host)) issues.push({ message: `${where} is ${host}, but no Service ${host} is rendered and no Cluster/${cnpgNames.cluster} makes the operator create it` });
  }
  return issues;
}

/** archive_timeout in seconds, as PostgreSQL reads it (a bare number is seconds); undefined when PostgreSQL refuses it. */
export function pgSeconds(value: unknown): number | undefined {
  const ms = gucValue('archive_timeout', value);
  return ms === undefined ? undefined : ms / 1000;
}

/**
 * Hours between the runs of a six-field cron (seconds first, as CloudNativePG's ScheduledBackup reads
 * it) that fires every day: the longest gap between its hours, across midnight. Undefined for any
 * other shape (a weekly or monthly schedule, ranges), which the caller reports as unreadable.
 */
export function cadenceHoursOf(schedule: unknown): number | undefined {
  const f = String(schedule ?? '').trim().split(/\s+/);
  if (f.length !== 6 || f.slice(3).some((x) => x !== '*')) return undefined;
  const hours = f[2]!;
  if (hours === '*') return 1;
  const step = /^\*\/(\d+)$/.exec(hours);
  if (step) return 24 % Number(step[1]) === 0 ? Number(step[1]) : undefined;
  if (!/^\d+(,\d+)*$/.test(hours)) return undefined;
  const hs = [...new Set(hours.split(',').map(Number))].sort((a, b) => a - b);
  if (hs.some((h) => h > 23)) return undefined;
  return Math.max(...hs.map((h, i) => (i + 1 < hs.length ? hs[i + 1]! - h : hs[0]! + 24 - h)));
}

/**
 * The recovery budget (environments.<env>.recovery) against what the overlay renders: archive_timeout,
 * the ScheduledBackup's cadence and the ObjectStore's retention must still meet rpoSeconds/rtoSeconds
 * by the arithmetic of generators/recovery-budget.ts. Each message names the number to change.
 */
function budgetIssues(env: EnvName, cluster: Rendered, objects: readonly Rendered[]): DataTierIssue[] {
  const b = (environments[env] as { recovery?: import('../../generators/environments.ts').RecoveryBudget }).recovery;
  if (!b) return [];
  const issues: DataTierIssue[] = [];
  const budget = `generators/environments.ts environments.${env}.recovery`;
  const archivePath = 'spec.postgresql.parameters.archive_timeout';
  const written = cluster['spec']?.postgresql?.parameters?.archive_timeout;
  const archive = pgSeconds(written);
  const clusterRef = { kind: 'Cluster', name: cluster.metadata.name };
  const maxArchive = Math.floor(b.rpoSeconds - walSegmentMiB / b.restoreRateMiBPerSec);
  // a value PostgreSQL refuses is correctness/postgres-parameters' finding, at its line: one mistake, one finding
  const refused = written !== undefined && archive === undefined;
  if (!refused && (archive === undefined || archive <= 0))
    issues.push({
      message: `Cluster/${cluster.metadata.name} ${archivePath} is not set in ${env}: a quiet database may then never switch segments, and the RPO has no bound; set it to at most ${maxArchive}s (${budget}.rpoSeconds is ${b.rpoSeconds})`,
      object: clusterRef,
      path: archivePath,
      ...(written === undefined ? { absent: true as const } : {}),
    });
  else if (archive !== undefined && worstCaseRpoFor(b, archive) > b.rpoSeconds)
    issues.push({
      message: `Cluster/${cluster.metadata.name} ${archivePath} is ${archive} s: worst-case RPO ${worstCaseRpoFor(b, archive)} s exceeds ${budget}.rpoSeconds ${b.rpoSeconds}; lower archive_timeout to at most ${maxArchive}s or raise rpoSeconds`,
      object: clusterRef,
      path: archivePath,
    });

  const backup = objects.find((o) => o.kind === 'ScheduledBackup' && o['spec']?.cluster?.name === cluster.metadata.name);
  const fitting = cadenceChoicesHours.find((h) => worstCaseRtoFor(b, h) <= b.rtoSeconds);
  if (!backup) {
    issues.push({ message: `ScheduledBackup for Cluster/${cluster.metadata.name} is missing in ${env}: without base backups a restore replays WAL from the first one; ${budget}.rtoSeconds is ${b.rtoSeconds}` });
    return issues;
  }
  const backupRef = { kind: 'ScheduledBackup', name: backup.metadata.name };
  const cadence = cadenceHoursOf(backup['spec']?.schedule);
  if (cadence === undefined)
    issues.push({ message: `ScheduledBackup/${backup.metadata.name} spec.schedule is "${backup['spec']?.schedule}": not a daily six-field cron (seconds first) whose cadence validate can check against ${budget}.rtoSeconds`, object: backupRef, path: 'spec.schedule' });
  else {
    const rto = Math.ceil(worstCaseRtoFor(b, cadence));
    if (rto > b.rtoSeconds)
      issues.push({
        message:
          `ScheduledBackup/${backup.metadata.name} spec.schedule backs up every ${cadence} h: worst-case restore ${rto} s exceeds ${budget}.rtoSeconds ${b.rtoSeconds}; ` +
          (fitting ? `back up at least every ${fitting} h (the generated schedule does) or raise rtoSeconds` : `raise rtoSeconds`),
        object: backupRef,
        path: 'spec.schedule',
      });
    // Two cadences of base backups must be in the store: the restore starts from the second-newest.
    const store = objects.find((o) => o.kind === 'ObjectStore');
    const days = /^(\d+)([dwm])$/.exec(String(store?.['spec']?.retentionPolicy ?? ''));
    const retentionHours = days ? Number(days[1]) * { d: 24, w: 168, m: 720 }[days[2] as 'd' | 'w' | 'm'] : undefined;
    if (store && (retentionHours === undefined || retentionHours < 2 * cadence))
      issues.push({
        message: `ObjectStore/${store.metadata.name} spec.retentionPolicy is "${store['spec']?.retentionPolicy}": keep at least two base backups (${2 * cadence} h at a ${cadence} h cadence) or the worst-case restore has nothing to start from`,
        object: { kind: 'ObjectStore', name: store.metadata.name },
        path: 'spec.retentionPolicy',
      });
  }
  return issues;
}

// Alerts on the CloudNativePG Clusters (issue 20), kept apart from alerts.ts so the service and
// rollout alerts can change without conflicts. Metric names are CloudNativePG v1.30.0's: the
// default monitoring queries of its release manifest (cnpg_<query>_<column>, vendor/operators/
// cloudnative-pg), the instance manager's collector (cnpg_collector_*) and the Barman Cloud
// plugin's backup timestamps (barman_cloud_cloudnative_pg_io_*); the list the tests check them
// against is test/monitoring/exporter-metrics/cloudnative-pg.txt. The pods carry the app labels
// (inheritedMetadata), so the `postgres` scrape job reads them on the metrics port.
import { environments } from '../environments.ts';
import { cnpgNames } from '../data-names.ts';
import { recoveryPlans } from '../recovery-budget.ts';
import type { RuleGroup } from './alerts.ts';
import { jobs } from './scrape.ts';

export const databaseThresholds = {
  /** Seconds a standby may replay behind the primary: a promotion first replays what it holds. */
  replicationLagSeconds: 60,
  /** A base backup runs this long at most before the next-older one counts as the newest. */
  backupGraceHours: 2,
  /** Fencing is an incident tool; left on this long it is forgotten. */
  fencedMinutes: 30,
} as const;

const job = `job="${jobs.postgres}"`;

/** Environments with a CloudNativePG Cluster, their namespace and the figures their rules need. */
function clusterEnvs() {
  return recoveryPlans().map((plan) => {
    const env = environments[plan.env] as { namespace: string; recovery: { rpoSeconds: number }; postgresCluster: { instances: number } };
    return { plan, namespace: env.namespace, rpoSeconds: env.recovery.rpoSeconds, instances: env.postgresCluster.instances };
  });
}

/** `(a) or (b) …` over the environments: one threshold per namespace, from the contract. */
const perEnv = (f: (e: ReturnType<typeof clusterEnvs>[number]) => string): string =>
  clusterEnvs()
    .map((e) => `(${f(e)})`)
    .join('\nor\n');

export function cloudnativePgRuleGroup(): RuleGroup {
  const minRpo = Math.min(...clusterEnvs().map((e) => e.rpoSeconds));
  return {
    name: 'cloudnative-pg',
    rules: [
      {
        alert: 'WalArchivingFailing',
        // The archiver's last failure is newer than its last success: the segment it is on keeps failing.
        expr: `cnpg_pg_stat_archiver_last_failed_time{${job}} > cnpg_pg_stat_archiver_last_archived_time{${job}}`,
        for: '5m',
        severity: 'critical',
        summary: 'WAL archiving fails on {{ $labels.pod }} ({{ $labels.namespace }})',
        description: 'The Barman Cloud plugin cannot ship WAL to the bucket: the RPO grows with every minute and pg_wal fills up.',
        runbook: 'walarchivingfailing',
      },
      {
        alert: 'WalArchivingLagging',
        // WAL is waiting to be shipped and nothing has been shipped for longer than the smallest RPO budget.
        expr:
          `cnpg_collector_pg_wal_archive_status{${job}, value="ready"} > 0\n` +
          `and on (namespace, pod)\ncnpg_pg_stat_archiver_seconds_since_last_archival{${job}} > ${minRpo}`,
        for: '2m',
        severity: 'critical',
        summary: 'WAL waits longer than the RPO budget to reach the bucket on {{ $labels.pod }} ({{ $labels.namespace }})',
        description: `Segments are ready but none was archived for over ${minRpo} s: a region loss now would lose more than the budget allows.`,
        runbook: 'walarchivinglagging',
      },
      {
        alert: 'PostgresBackupTooOld',
        // Per environment: the cadence its recovery budget derived, plus a grace for the backup's own run.
        expr: perEnv(
          (e) =>
            `time() - max by (namespace) (barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{${job}, namespace="${e.namespace}"})\n` +
            `  > ${(e.plan.backupCadenceHours + databaseThresholds.backupGraceHours) * 3600}`,
        ),
        for: '10m',
        severity: 'warning',
        summary: 'The newest base backup of {{ $labels.namespace }} is older than its cadence',
        description: 'ScheduledBackup missed a run: a restore replays more WAL than the RTO budget assumed.',
        runbook: 'postgresbackuptooold',
      },
      {
        alert: 'PostgresReplicationLagging',
        expr: `max by (namespace, pod) (cnpg_pg_replication_lag{${job}}) > ${databaseThresholds.replicationLagSeconds}`,
        for: '5m',
        severity: 'warning',
        summary: 'Standby {{ $labels.pod }} ({{ $labels.namespace }}) replays more than a minute behind',
        description: 'Promoting it would first replay the backlog: failover takes longer than the drill measured.',
        runbook: 'postgresreplicationlagging',
      },
      {
        alert: 'PostgresReplicaMissing',
        // On the primary (not in recovery): fewer streaming standbys than the Cluster's instances - 1.
        expr: perEnv(
          (e) =>
            `max by (namespace) (cnpg_pg_replication_streaming_replicas{${job}, namespace="${e.namespace}"}\n` +
            `  and on (namespace, pod) cnpg_pg_replication_in_recovery{${job}, namespace="${e.namespace}"} == 0) < ${e.instances - 1}`,
        ),
        for: '5m',
        severity: 'critical',
        summary: 'The PostgreSQL primary in {{ $labels.namespace }} streams to fewer standbys than the Cluster has',
        description: 'A standby is gone: one more loss and writes stop (dataDurability required) or run unprotected (preferred).',
        runbook: 'postgresreplicamissing',
      },
      {
        alert: 'PostgresFenced',
        expr: `max by (namespace, pod) (cnpg_collector_fencing_on{${job}}) == 1`,
        for: `${databaseThresholds.fencedMinutes}m`,
        severity: 'warning',
        summary: 'PostgreSQL instance {{ $labels.pod }} ({{ $labels.namespace }}) has been fenced for 30 minutes',
        description: 'A fenced instance serves nobody and cannot be promoted: lift the fence (kubectl cnpg fencing off) once the incident is over.',
        runbook: 'postgresfenced',
      },
      {
        alert: 'PostgresHibernated',
        // Hibernation (cnpg.io/hibernation=on) deletes the instance pods and keeps their volumes
        // (<cluster>-<n>): volumes present, no instance reporting. Also true when every instance is gone.
        expr:
          `count by (namespace) (kube_persistentvolumeclaim_info{job="${jobs.kubeStateMetrics}", persistentvolumeclaim=~"${cnpgNames.cluster}-[0-9]+"})\n` +
          `unless on (namespace)\ncount by (namespace) (cnpg_collector_postgres_version{${job}})`,
        for: '15m',
        severity: 'critical',
        summary: 'PostgreSQL in {{ $labels.namespace }} has volumes but no running instance (hibernated or down)',
        description: 'The Cluster is hibernated or every instance is gone: inventory and billing cannot work.',
        runbook: 'postgreshibernated',
      },
    ],
  };
}

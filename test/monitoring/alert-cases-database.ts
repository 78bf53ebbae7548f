// promtool cases for the CloudNativePG alerts (generators/monitoring/alerts-database.ts): one that
// must fire and one that must stay quiet per alert, merged into alert-cases.ts. Thresholds come
// from the contract: prod backs up every 4 h (+2 h grace), test every 24 h (recovery budget).
import { jobs } from '../../generators/monitoring/scrape.ts';
import type { CasePair } from './alert-cases.ts';

const sel = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;

const pod = (namespace: string, n: number) => ({ job: jobs.postgres, namespace, pod: `postgres-${n}`, instance: `10.0.2.${n}:9187` });
const primary = pod('marquee-prod', 1);
const standby = pod('marquee-prod', 2);
const standby3 = pod('marquee-prod', 3);
const testPrimary = pod('marquee-test', 1);
const pvc = (namespace: string, name: string) => ({ job: jobs.kubeStateMetrics, namespace, persistentvolumeclaim: name });

export const databaseAlertCases: Record<string, CasePair> = {
  WalArchivingFailing: {
    firing: {
      series: { [sel('cnpg_pg_stat_archiver_last_failed_time', primary)]: '2000x10', [sel('cnpg_pg_stat_archiver_last_archived_time', primary)]: '1000x10' },
      evalTime: '8m',
      firing: [primary],
    },
    // It failed once, then archived again: recovered.
    quiet: {
      series: { [sel('cnpg_pg_stat_archiver_last_failed_time', primary)]: '1000x10', [sel('cnpg_pg_stat_archiver_last_archived_time', primary)]: '2000x10' },
      evalTime: '8m',
      firing: [],
    },
  },
  WalArchivingLagging: {
    firing: {
      series: {
        [sel('cnpg_collector_pg_wal_archive_status', { ...primary, value: 'ready' })]: '3x10',
        [sel('cnpg_pg_stat_archiver_seconds_since_last_archival', primary)]: '400+60x10',
      },
      evalTime: '8m',
      firing: [{ ...primary, value: 'ready' }],
    },
    // Segments are ready now and then, but archived within seconds.
    quiet: {
      series: {
        [sel('cnpg_collector_pg_wal_archive_status', { ...primary, value: 'ready' })]: '3x10',
        [sel('cnpg_pg_stat_archiver_seconds_since_last_archival', primary)]: '10x10',
      },
      evalTime: '8m',
      firing: [],
    },
  },
  PostgresBackupTooOld: {
    // At 21 h (time() = 75600): prod's newest backup is from t=1000 s, 74600 s old > (4 + 2) h.
    firing: {
      interval: '10m',
      series: { [sel('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', primary)]: '1000x130' },
      evalTime: '21h',
      firing: [{ namespace: 'marquee-prod' }],
    },
    // The same age is within test's daily cadence (+2 h), and prod's backup from t=70000 s is fresh.
    quiet: {
      interval: '10m',
      series: {
        [sel('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', testPrimary)]: '1000x130',
        [sel('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', primary)]: '70000x130',
      },
      evalTime: '21h',
      firing: [],
    },
  },
  PostgresReplicationLagging: {
    firing: { series: { [sel('cnpg_pg_replication_lag', standby)]: '120x10' }, evalTime: '8m', firing: [{ namespace: standby.namespace, pod: standby.pod }] },
    quiet: { series: { [sel('cnpg_pg_replication_lag', standby)]: '5x10' }, evalTime: '8m', firing: [] },
  },
  PostgresReplicaMissing: {
    // prod's primary streams to 1 standby of the 2 its 3-instance Cluster has; the standbys' own zeros do not count.
    firing: {
      series: {
        [sel('cnpg_pg_replication_streaming_replicas', primary)]: '1x10',
        [sel('cnpg_pg_replication_in_recovery', primary)]: '0x10',
        [sel('cnpg_pg_replication_streaming_replicas', standby)]: '0x10',
        [sel('cnpg_pg_replication_in_recovery', standby)]: '1x10',
      },
      evalTime: '8m',
      firing: [{ namespace: 'marquee-prod' }],
    },
    // Both standbys streaming in prod; test's 2-instance Cluster needs only one.
    quiet: {
      series: {
        [sel('cnpg_pg_replication_streaming_replicas', primary)]: '2x10',
        [sel('cnpg_pg_replication_in_recovery', primary)]: '0x10',
        [sel('cnpg_pg_replication_streaming_replicas', standby3)]: '0x10',
        [sel('cnpg_pg_replication_in_recovery', standby3)]: '1x10',
        [sel('cnpg_pg_replication_streaming_replicas', testPrimary)]: '1x10',
        [sel('cnpg_pg_replication_in_recovery', testPrimary)]: '0x10',
      },
      evalTime: '8m',
      firing: [],
    },
  },
  PostgresFenced: {
    firing: { series: { [sel('cnpg_collector_fencing_on', standby)]: '1x40' }, evalTime: '35m', firing: [{ namespace: standby.namespace, pod: standby.pod }] },
    // Fenced for 20 minutes, then lifted.
    quiet: { series: { [sel('cnpg_collector_fencing_on', standby)]: '1x20 0x20' }, evalTime: '35m', firing: [] },
  },
  PostgresHibernated: {
    firing: {
      series: {
        [sel('kube_persistentvolumeclaim_info', pvc('marquee-prod', 'postgres-1'))]: '1x20',
        [sel('kube_persistentvolumeclaim_info', pvc('marquee-prod', 'postgres-2'))]: '1x20',
        [sel('cnpg_collector_postgres_version', testPrimary)]: '16.6x20',
        [sel('kube_persistentvolumeclaim_info', pvc('marquee-test', 'postgres-1'))]: '1x20',
      },
      evalTime: '18m',
      firing: [{ namespace: 'marquee-prod' }],
    },
    // Instances report next to their volumes; the StatefulSet's data-postgres-0 is not a Cluster volume.
    quiet: {
      series: {
        [sel('kube_persistentvolumeclaim_info', pvc('marquee-prod', 'postgres-1'))]: '1x20',
        [sel('cnpg_collector_postgres_version', primary)]: '16.6x20',
        [sel('kube_persistentvolumeclaim_info', pvc('marquee-dev', 'data-postgres-0'))]: '1x20',
      },
      evalTime: '18m',
      firing: [],
    },
  },
  // The three PostgreSQL alerts of dev's postgres_exporter, on a CloudNativePG instance's metrics
  // (test and prod): the same scrape job, CloudNativePG's names.
  'PostgresDown (CloudNativePG)': {
    alert: 'PostgresDown',
    firing: { series: { [sel('cnpg_collector_up', { ...standby, cluster: 'postgres' })]: '0x10' }, evalTime: '5m', firing: [{ ...standby, cluster: 'postgres' }] },
    quiet: { series: { [sel('cnpg_collector_up', { ...standby, cluster: 'postgres' })]: '1x10' }, evalTime: '5m', firing: [] },
  },
  'PostgresTooManyConnections (CloudNativePG)': {
    alert: 'PostgresTooManyConnections',
    firing: {
      series: {
        [sel('cnpg_backends_total', { ...primary, datname: 'billing', usename: 'billing', application_name: 'billing-api', state: 'active' })]: '70x15',
        [sel('cnpg_backends_total', { ...primary, datname: 'inventory', usename: 'inventory', application_name: 'inventory', state: 'idle' })]: '20x15',
        [sel('cnpg_pg_settings_setting', { ...primary, name: 'max_connections' })]: '100x15',
        [sel('cnpg_pg_settings_setting', { ...primary, name: 'shared_buffers' })]: '16384x15',
      },
      evalTime: '10m',
      firing: [{ namespace: primary.namespace, pod: primary.pod }],
    },
    quiet: {
      series: {
        [sel('cnpg_backends_total', { ...primary, datname: 'billing', usename: 'billing', application_name: 'billing-api', state: 'active' })]: '30x15',
        [sel('cnpg_pg_settings_setting', { ...primary, name: 'max_connections' })]: '100x15',
        [sel('cnpg_pg_settings_setting', { ...primary, name: 'shared_buffers' })]: '16384x15',
      },
      evalTime: '10m',
      firing: [],
    },
  },
  'PostgresDeadlocks (CloudNativePG)': {
    alert: 'PostgresDeadlocks',
    firing: {
      series: { [sel('cnpg_pg_stat_database_deadlocks', { ...primary, datname: 'inventory' })]: '0x5 0+1x10' },
      evalTime: '12m',
      firing: [{ ...primary, datname: 'inventory' }],
    },
    quiet: {
      series: {
        [sel('cnpg_pg_stat_database_deadlocks', { ...primary, datname: 'inventory' })]: '2x20',
        [sel('cnpg_pg_stat_database_deadlocks', { ...primary, datname: 'postgres' })]: '0+1x20',
      },
      evalTime: '15m',
      firing: [],
    },
  },
};

// promtool unit-test cases: for every alert a scenario that must fire and one
// that must stay quiet. Series use promtool's expanding notation
// (`a+bxn` = a, a+b, ..., a+n*b; `_` = no sample), one sample per `interval`.
// Resource limits are taken from the environment contract's profiles.
import { broker, metricLabels, metrics } from '@marquee/contract';
import { resourceProfiles } from '../../generators/environments.ts';
import { jobs } from '../../generators/monitoring/scrape.ts';
import { rolloutAlertCases } from './rollout-alert-cases.ts';
import { databaseAlertCases } from './alert-cases-database.ts';

export interface AlertCase {
  /** series selector → values */
  readonly series: Readonly<Record<string, string>>;
  /** @default '1m' */
  readonly interval?: string;
  readonly evalTime: string;
  /**
   * Labels of every alert of this name expected to fire at evalTime (without the
   * rule's static labels, which the harness adds). Empty = must stay quiet.
   */
  readonly firing: readonly Readonly<Record<string, string>>[];
}

export interface CasePair {
  /** the alert the pair proves, when its key names a variant (`PostgresDown (CloudNativePG)`) @default the key */
  readonly alert?: string;
  readonly firing: AlertCase;
  readonly quiet: AlertCase;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const sel = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;

const prom = { job: jobs.prometheus, instance: 'localhost:9090' };
const am = { job: jobs.alertmanager, instance: '10.0.0.7:9093' };
const gatewayPod = { job: jobs.services, namespace: 'marquee-prod', service: 'api-gateway', pod: 'api-gateway-7d9f8b6c5d-abcde' };
const billingPod = { job: jobs.services, namespace: 'marquee-test', service: 'billing-api', pod: 'billing-api-5f6d7c8b9a-qwert' };
const ksm = { job: jobs.kubeStateMetrics, namespace: 'marquee-dev', pod: 'inventory-6b7c8d9e0f-zxcvb', container: 'inventory' };
const cadvisor = { job: jobs.cadvisor, namespace: 'marquee-dev', pod: 'inventory-6b7c8d9e0f-zxcvb', container: 'inventory' };
const limits = (resource: string, unit: string) => sel('kube_pod_container_resource_limits', { ...ksm, job: jobs.kubeStateMetrics, resource, unit });
const pvc = { job: jobs.kubelet, namespace: 'marquee-prod', persistentvolumeclaim: 'data-postgres-0' };
/** The claim's volume: 10 GiB, with `available` bytes (promtool notation) over `samples` samples. */
const volume = (available: string, samples: number) => ({
  [sel('kubelet_volume_stats_capacity_bytes', pvc)]: `${10 * GiB}x${samples}`,
  [sel('kubelet_volume_stats_available_bytes', pvc)]: `${available}x${samples}`,
});
const pg = { job: jobs.postgres, namespace: 'marquee-prod', pod: 'postgres-0', instance: '10.0.1.5:9187' };
const rabbit = { job: jobs.rabbitmq, namespace: 'marquee-prod', pod: 'rabbitmq-0', instance: '10.0.1.6:15692' };
const queue = (q: string) => ({ job: jobs.rabbitmqQueues, namespace: 'marquee-prod', pod: 'rabbitmq-0', instance: '10.0.1.6:15692', vhost: broker.vhost, queue: q });
const requests = `${metrics.httpDuration}_count`;
const small = resourceProfiles.small;
const standard = resourceProfiles.standard;

/**
 * A share-of-failures alert: `total` grows by 10 a sample while `failed` grows by 1 (fires, with
 * `labels`) or stays at 0 (quiet), over `samples` samples.
 */
const failingShare = (failed: string, total: string, labels: Record<string, string>, samples: number, evalTime: string): CasePair => ({
  firing: { series: { [sel(failed, labels)]: `0+1x${samples}`, [sel(total, labels)]: `0+10x${samples}` }, evalTime, firing: [labels] },
  quiet: { series: { [sel(failed, labels)]: `0x${samples}`, [sel(total, labels)]: `0+10x${samples}` }, evalTime, firing: [] },
});

/** Hand-written cases, keyed by alert name. Burn-rate alerts are generated (slo-cases.ts). */
export const alertCases: Record<string, CasePair> = {
  Watchdog: {
    firing: { series: { [sel('up', prom)]: '1x10' }, evalTime: '5m', firing: [{}] },
    // Self-scrape failing: the heartbeat stops and the external dead man's switch pages.
    quiet: { series: { [sel('up', prom)]: '0x10' }, evalTime: '5m', firing: [] },
  },
  TargetDown: {
    firing: {
      series: {
        [sel('up', { job: jobs.kubeStateMetrics, namespace: 'monitoring', instance: '10.0.0.9:8080' })]: '0x20',
        [sel('up', { job: jobs.kubeStateMetrics, namespace: 'monitoring', instance: '10.0.0.9:8081' })]: '1x20',
      },
      evalTime: '15m',
      firing: [{ job: jobs.kubeStateMetrics, namespace: 'monitoring' }],
    },
    quiet: {
      series: { [sel('up', { job: jobs.kubeStateMetrics, namespace: 'monitoring', instance: '10.0.0.9:8080' })]: '1x20' },
      evalTime: '15m',
      firing: [],
    },
  },
  PrometheusConfigReloadFailed: {
    firing: { series: { [sel('prometheus_config_last_reload_successful', prom)]: '0x25' }, evalTime: '20m', firing: [prom] },
    quiet: { series: { [sel('prometheus_config_last_reload_successful', prom)]: '1x25' }, evalTime: '20m', firing: [] },
  },
  PrometheusRuleEvaluationFailures: {
    firing: {
      series: { [sel('prometheus_rule_evaluation_failures_total', { ...prom, rule_group: 'meta' })]: '0+1x30' },
      evalTime: '25m',
      firing: [{ ...prom, rule_group: 'meta' }],
    },
    quiet: { series: { [sel('prometheus_rule_evaluation_failures_total', { ...prom, rule_group: 'meta' })]: '4x30' }, evalTime: '25m', firing: [] },
  },
  PrometheusNotConnectedToAlertmanagers: {
    firing: { series: { [sel('prometheus_notifications_alertmanagers_discovered', prom)]: '0x25' }, evalTime: '20m', firing: [prom] },
    quiet: { series: { [sel('prometheus_notifications_alertmanagers_discovered', prom)]: '2x25' }, evalTime: '20m', firing: [] },
  },
  PrometheusNotificationsFailing: failingShare('prometheus_notifications_errors_total', 'prometheus_notifications_sent_total', { ...prom, alertmanager: 'http://10.0.0.7:9093/api/v2/alerts' }, 30, '25m'),
  AlertmanagerConfigReloadFailed: {
    firing: { series: { [sel('alertmanager_config_last_reload_successful', am)]: '0x25' }, evalTime: '20m', firing: [am] },
    quiet: { series: { [sel('alertmanager_config_last_reload_successful', am)]: '1x25' }, evalTime: '20m', firing: [] },
  },
  AlertmanagerNotificationsFailing: failingShare('alertmanager_notifications_failed_total', 'alertmanager_notifications_total', { ...am, integration: 'webhook' }, 20, '15m'),
  ServiceDown: {
    firing: {
      series: {
        [sel('up', { ...billingPod })]: '0x10',
        [sel('up', { ...billingPod, pod: 'billing-api-5f6d7c8b9a-asdfg' })]: '0x10',
      },
      evalTime: '5m',
      firing: [{ namespace: billingPod.namespace, service: billingPod.service }],
    },
    // One replica down, one up: degraded, not down.
    quiet: {
      series: {
        [sel('up', { ...billingPod })]: '0x10',
        [sel('up', { ...billingPod, pod: 'billing-api-5f6d7c8b9a-asdfg' })]: '1x10',
      },
      evalTime: '5m',
      firing: [],
    },
  },
  HttpErrorRateHigh: {
    firing: {
      series: {
        [sel(requests, { ...gatewayPod, [metricLabels.route]: '/api/orders', [metricLabels.method]: 'POST', [metricLabels.statusCode]: '502' })]: '0+10x20',
        [sel(requests, { ...gatewayPod, [metricLabels.route]: '/api/orders', [metricLabels.method]: 'POST', [metricLabels.statusCode]: '201' })]: '0+90x20',
      },
      evalTime: '15m',
      firing: [{ namespace: gatewayPod.namespace, service: gatewayPod.service }],
    },
    quiet: {
      series: {
        [sel(requests, { ...gatewayPod, [metricLabels.route]: '/api/orders', [metricLabels.method]: 'POST', [metricLabels.statusCode]: '502' })]: '0+2x20',
        [sel(requests, { ...gatewayPod, [metricLabels.route]: '/api/orders', [metricLabels.method]: 'POST', [metricLabels.statusCode]: '201' })]: '0+98x20',
        // 4xx are the client's fault: they never count as errors.
        [sel(requests, { ...gatewayPod, [metricLabels.route]: '/api/orders', [metricLabels.method]: 'POST', [metricLabels.statusCode]: '422' })]: '0+50x20',
      },
      evalTime: '15m',
      firing: [],
    },
  },
  EventLoopLagHigh: {
    firing: { series: { [sel('nodejs_eventloop_lag_p99_seconds', gatewayPod)]: '0.5x20' }, evalTime: '15m', firing: [gatewayPod] },
    quiet: { series: { [sel('nodejs_eventloop_lag_p99_seconds', gatewayPod)]: '0.05x20' }, evalTime: '15m', firing: [] },
  },
  MemoryLeakSuspected: {
    // RSS grows 0.5 MiB/min from 64 MiB: after 100 min it is 114 MiB, under the 192 MiB limit
    // of the small profile, but the 4h extrapolation crosses it.
    firing: {
      series: {
        [sel('process_resident_memory_bytes', gatewayPod)]: `${64 * MiB}+${0.5 * MiB}x120`,
        [sel('kube_pod_container_resource_limits', { job: jobs.kubeStateMetrics, namespace: gatewayPod.namespace, pod: gatewayPod.pod, container: 'api-gateway', resource: 'memory', unit: 'byte' })]: `${small.memoryLimitMiB * MiB}x120`,
      },
      evalTime: '100m',
      firing: [gatewayPod],
    },
    // Same high but flat RSS: no leak.
    quiet: {
      series: {
        [sel('process_resident_memory_bytes', gatewayPod)]: `${150 * MiB}x120`,
        [sel('kube_pod_container_resource_limits', { job: jobs.kubeStateMetrics, namespace: gatewayPod.namespace, pod: gatewayPod.pod, container: 'api-gateway', resource: 'memory', unit: 'byte' })]: `${small.memoryLimitMiB * MiB}x120`,
      },
      evalTime: '100m',
      firing: [],
    },
  },
  OrdersOutboxBacklog: {
    firing: { series: { [sel(metrics.outboxBacklog, billingPod)]: '500x20' }, evalTime: '15m', firing: [{ namespace: billingPod.namespace }] },
    quiet: { series: { [sel(metrics.outboxBacklog, billingPod)]: '5x20' }, evalTime: '15m', firing: [] },
  },
  PodCrashLooping: {
    firing: {
      series: { [sel('kube_pod_container_status_waiting_reason', { ...ksm, reason: 'CrashLoopBackOff' })]: '1x30' },
      evalTime: '25m',
      firing: [{ ...ksm, reason: 'CrashLoopBackOff' }],
    },
    quiet: { series: { [sel('kube_pod_container_status_waiting_reason', { ...ksm, reason: 'ContainerCreating' })]: '1x30' }, evalTime: '25m', firing: [] },
  },
  PodRestartingOften: {
    firing: { series: { [sel('kube_pod_container_status_restarts_total', ksm)]: '0+1x60' }, evalTime: '30m', firing: [ksm] },
    quiet: { series: { [sel('kube_pod_container_status_restarts_total', ksm)]: '0x30 1x30' }, evalTime: '50m', firing: [] },
  },
  ContainerOOMKilled: {
    firing: {
      series: {
        [sel('kube_pod_container_status_restarts_total', ksm)]: '0x10 1x10',
        // kube-state-metrics exports the reason only once a container has terminated.
        [sel('kube_pod_container_status_last_terminated_reason', { ...ksm, reason: 'OOMKilled' })]: '_x10 1x10',
      },
      evalTime: '15m',
      firing: [ksm],
    },
    quiet: {
      series: {
        [sel('kube_pod_container_status_restarts_total', ksm)]: '0x10 1x10',
        [sel('kube_pod_container_status_last_terminated_reason', { ...ksm, reason: 'Error' })]: '_x10 1x10',
      },
      evalTime: '15m',
      firing: [],
    },
  },
  ContainerCpuNearLimit: {
    // 54 CPU-seconds per minute = 0.9 cores against a 1-core limit.
    firing: {
      series: { [sel('container_cpu_usage_seconds_total', cadvisor)]: '0+54x30', [limits('cpu', 'core')]: '1x30' },
      evalTime: '25m',
      firing: [{ namespace: ksm.namespace, pod: ksm.pod, container: ksm.container }],
    },
    quiet: { series: { [sel('container_cpu_usage_seconds_total', cadvisor)]: '0+30x30', [limits('cpu', 'core')]: '1x30' }, evalTime: '25m', firing: [] },
  },
  ContainerMemoryNearLimit: {
    firing: {
      series: {
        [sel('container_memory_working_set_bytes', cadvisor)]: `${Math.round(0.95 * standard.memoryLimitMiB * MiB)}x30`,
        [limits('memory', 'byte')]: `${standard.memoryLimitMiB * MiB}x30`,
      },
      evalTime: '25m',
      firing: [{ namespace: ksm.namespace, pod: ksm.pod, container: ksm.container }],
    },
    quiet: {
      series: {
        [sel('container_memory_working_set_bytes', cadvisor)]: `${0.5 * standard.memoryLimitMiB * MiB}x30`,
        [limits('memory', 'byte')]: `${standard.memoryLimitMiB * MiB}x30`,
      },
      evalTime: '25m',
      firing: [],
    },
  },
  HpaMaxedOut: (() => {
    const hpa = { job: jobs.kubeStateMetrics, namespace: 'marquee-prod', horizontalpodautoscaler: 'api-gateway' };
    const pod = { namespace: 'marquee-prod', pod: 'api-gateway-7d9f8b6c5d-abcde', container: 'api-gateway' };
    // 0.09 cores used against a 50m request (small profile): 180% of request, above the HPA target.
    const usage = {
      [sel('container_cpu_usage_seconds_total', { job: jobs.cadvisor, ...pod })]: '0+5.4x30',
      [sel('kube_pod_container_resource_requests', { job: jobs.kubeStateMetrics, ...pod, resource: 'cpu', unit: 'core' })]: `${small.cpuRequestMillis / 1000}x30`,
    };
    return {
      firing: {
        series: {
          ...usage,
          [sel('kube_horizontalpodautoscaler_status_current_replicas', hpa)]: '3x30',
          [sel('kube_horizontalpodautoscaler_spec_max_replicas', hpa)]: '3x30',
        },
        evalTime: '25m',
        firing: [hpa],
      },
      // Same load, but the HPA still has room to scale.
      quiet: {
        series: {
          ...usage,
          [sel('kube_horizontalpodautoscaler_status_current_replicas', hpa)]: '2x30',
          [sel('kube_horizontalpodautoscaler_spec_max_replicas', hpa)]: '3x30',
        },
        evalTime: '25m',
        firing: [],
      },
    };
  })(),
  PvcFillingUp: {
    // 14% free of 10 GiB and losing 1 MiB a minute: empty in about a day.
    firing: {
      series: volume(`${Math.round(1.4 * GiB)}-${MiB}`, 120),
      evalTime: '90m',
      firing: [pvc],
    },
    // Just as full, but not getting fuller.
    quiet: {
      series: volume(`${Math.round(1.4 * GiB)}`, 120),
      evalTime: '90m',
      firing: [],
    },
  },
  PvcAlmostFull: {
    firing: {
      series: volume(`${Math.round(0.2 * GiB)}`, 10),
      evalTime: '5m',
      firing: [pvc],
    },
    quiet: {
      series: volume(`${Math.round(1.4 * GiB)}`, 10),
      evalTime: '5m',
      firing: [],
    },
  },
  NodeCpuHigh: {
    firing: {
      series: { [sel('node_cpu_seconds_total', { job: jobs.nodeExporter, instance: 'node-a', cpu: '0', mode: 'idle' })]: '0+3x30' },
      evalTime: '25m',
      firing: [{ instance: 'node-a' }],
    },
    quiet: {
      series: { [sel('node_cpu_seconds_total', { job: jobs.nodeExporter, instance: 'node-a', cpu: '0', mode: 'idle' })]: '0+30x30' },
      evalTime: '25m',
      firing: [],
    },
  },
  NodeMemoryLow: {
    firing: {
      series: {
        [sel('node_memory_MemAvailable_bytes', { job: jobs.nodeExporter, instance: 'node-a' })]: `${0.5 * GiB}x30`,
        [sel('node_memory_MemTotal_bytes', { job: jobs.nodeExporter, instance: 'node-a' })]: `${8 * GiB}x30`,
      },
      evalTime: '25m',
      firing: [{ job: jobs.nodeExporter, instance: 'node-a' }],
    },
    quiet: {
      series: {
        [sel('node_memory_MemAvailable_bytes', { job: jobs.nodeExporter, instance: 'node-a' })]: `${3 * GiB}x30`,
        [sel('node_memory_MemTotal_bytes', { job: jobs.nodeExporter, instance: 'node-a' })]: `${8 * GiB}x30`,
      },
      evalTime: '25m',
      firing: [],
    },
  },
  PostgresDown: {
    firing: { series: { [sel('pg_up', pg)]: '0x10' }, evalTime: '5m', firing: [pg] },
    quiet: { series: { [sel('pg_up', pg)]: '1x10' }, evalTime: '5m', firing: [] },
  },
  PostgresTooManyConnections: {
    firing: {
      series: {
        [sel('pg_stat_activity_count', { ...pg, datname: 'billing', state: 'active' })]: '60x15',
        [sel('pg_stat_activity_count', { ...pg, datname: 'inventory', state: 'idle' })]: '30x15',
        [sel('pg_settings_max_connections', pg)]: '100x15',
      },
      evalTime: '10m',
      firing: [{ namespace: pg.namespace, pod: pg.pod }],
    },
    quiet: {
      series: {
        [sel('pg_stat_activity_count', { ...pg, datname: 'billing', state: 'active' })]: '20x15',
        [sel('pg_settings_max_connections', pg)]: '100x15',
      },
      evalTime: '10m',
      firing: [],
    },
  },
  PostgresDeadlocks: {
    firing: {
      series: { [sel('pg_stat_database_deadlocks', { ...pg, datid: '16384', datname: 'billing' })]: '0x5 0+1x10' },
      evalTime: '12m',
      firing: [{ ...pg, datid: '16384', datname: 'billing' }],
    },
    // Old deadlocks (counter flat) and deadlocks in a database marquee does not own.
    quiet: {
      series: {
        [sel('pg_stat_database_deadlocks', { ...pg, datid: '16384', datname: 'billing' })]: '3x20',
        [sel('pg_stat_database_deadlocks', { ...pg, datid: '5', datname: 'postgres' })]: '0+1x20',
      },
      evalTime: '15m',
      firing: [],
    },
  },
  RabbitmqAlarm: {
    // Only the disk alarm: the rule must not let memory=0 hide it.
    firing: {
      series: {
        [sel('rabbitmq_alarms_memory_used_watermark', rabbit)]: '0x5',
        [sel('rabbitmq_alarms_free_disk_space_watermark', rabbit)]: '1x5',
        [sel('rabbitmq_alarms_file_descriptor_limit', rabbit)]: '0x5',
      },
      evalTime: '3m',
      firing: [{ namespace: rabbit.namespace, pod: rabbit.pod }],
    },
    quiet: {
      series: {
        [sel('rabbitmq_alarms_memory_used_watermark', rabbit)]: '0x5',
        [sel('rabbitmq_alarms_free_disk_space_watermark', rabbit)]: '0x5',
        [sel('rabbitmq_alarms_file_descriptor_limit', rabbit)]: '0x5',
      },
      evalTime: '3m',
      firing: [],
    },
  },
  OrdersQueueWithoutConsumer: {
    firing: {
      series: { [sel('rabbitmq_detailed_queue_consumers', queue(broker.queue))]: '0x10' },
      evalTime: '8m',
      firing: [{ namespace: 'marquee-prod', queue: broker.queue }],
    },
    // Nobody consumes the dead-letter queue on purpose; only orders.created matters.
    quiet: {
      series: {
        [sel('rabbitmq_detailed_queue_consumers', queue(broker.queue))]: '2x10',
        [sel('rabbitmq_detailed_queue_consumers', queue(broker.deadLetterQueue))]: '0x10',
      },
      evalTime: '8m',
      firing: [],
    },
  },
  OrdersBacklogGrowing: {
    firing: {
      series: { [sel('rabbitmq_detailed_queue_messages_ready', queue(broker.queue))]: '200+5x40' },
      evalTime: '35m',
      firing: [{ namespace: 'marquee-prod', queue: broker.queue }],
    },
    // Large but draining.
    quiet: { series: { [sel('rabbitmq_detailed_queue_messages_ready', queue(broker.queue))]: '500-5x40' }, evalTime: '35m', firing: [] },
  },
  DeadLetterQueueNotEmpty: {
    firing: {
      series: { [sel('rabbitmq_detailed_queue_messages', queue(broker.deadLetterQueue))]: '3x10' },
      evalTime: '8m',
      firing: [{ namespace: 'marquee-prod', queue: broker.deadLetterQueue }],
    },
    quiet: {
      series: {
        [sel('rabbitmq_detailed_queue_messages', queue(broker.deadLetterQueue))]: '0x10',
        [sel('rabbitmq_detailed_queue_messages', queue(broker.queue))]: '40x10',
      },
      evalTime: '8m',
      firing: [],
    },
  },
  // Argo Rollouts state (issue 21).
  ...rolloutAlertCases,
  // CloudNativePG (issue 20): test/monitoring/alert-cases-database.ts.
  ...databaseAlertCases,
};

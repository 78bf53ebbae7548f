// Every alert marquee pages or tickets on, defined once: name, PromQL, `for`,
// severity, summary and runbook. The rule files, the docs index and the
// promtool tests are all derived from this list.
import { autoscaling, broker, databases, metricLabels, metrics, services } from '@marquee/contract';
import { repository } from '../environments.ts';
import { jobs, marqueeNamespaces } from './scrape.ts';
import { rolloutRuleGroup } from './rollout-alerts.ts';
import { cloudnativePgRuleGroup } from './alerts-database.ts';

export type Severity = 'critical' | 'warning' | 'none';

export interface AlertRule {
  /** Prometheus `alert:` name; rules that share a name differ in `labels` (e.g. burn-rate windows). */
  readonly alert: string;
  readonly expr: string;
  /** Prometheus duration; omitted = fire on the first evaluation. */
  readonly for?: string;
  readonly severity: Severity;
  /** One line; may use `{{ $labels.<name> }}` only (tests expand it), never `$value`. */
  readonly summary: string;
  readonly description: string;
  /** Anchor in docs/monitoring.md (the runbook section for this alert). */
  readonly runbook: string;
  /** Extra static labels (distinguish rules that share an alert name). */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  /** Group name; also the rule file name `<name>.yml`. */
  readonly name: string;
  /** @default the global evaluation_interval */
  readonly interval?: string;
  readonly rules: readonly (AlertRule | RecordingRule)[];
}

export const isAlert = (r: AlertRule | RecordingRule): r is AlertRule => 'alert' in r;

/** Runbook links point at the docs on the main branch of the repository Argo CD deploys from. */
export const runbookBase = `https://github.com/${repository.github.owner}/${repository.github.repo}/blob/main/docs/monitoring.md`;

/**
 * Thresholds that are not mirrored from generated settings. Values that are
 * (HPA targets) are imported from the contract instead of repeated here.
 */
export const thresholds = {
  /** CPU usage as a fraction of the container limit. */
  cpuOfLimit: 0.8,
  /** Working set as a fraction of the memory limit. */
  memoryOfLimit: 0.9,
  /** Hours ahead the memory-leak alert extrapolates RSS growth to. */
  leakHorizonHours: 4,
  /** p99 event-loop lag, seconds. */
  eventLoopLagSeconds: 0.2,
  /** Fraction of HTTP responses that are 5xx. */
  httpErrorRatio: 0.05,
  /** Fraction of max_connections in use. */
  postgresConnections: 0.8,
  /** Ready messages in the orders queue before "backlog growing" may fire. */
  ordersBacklog: 100,
  /** Unpublished outbox rows before the outbox alert fires. */
  outboxBacklog: 100,
  /** Free-space fractions for PVCs: filling up (with a 4-day forecast) and almost full. */
  pvcFillingUp: 0.15,
  pvcAlmostFull: 0.03,
  nodeCpu: 0.9,
  nodeMemoryAvailable: 0.1,
  restartsPerHour: 3,
} as const;

/**
 * Service level objectives for the gateway, the only public API. The latency
 * threshold must be a bucket boundary of the HTTP histogram (prom-client's
 * default buckets include 0.5).
 */
export const slos = {
  service: 'api-gateway',
  availability: { objective: 0.999 },
  latency: { objective: 0.99, thresholdSeconds: 0.5 },
} as const satisfies { service: keyof typeof services } & Record<string, unknown>;

/**
 * Multi-window, multi-burn-rate alerting (Google SRE workbook, ch. 5, table 5-8):
 * a rule fires when both windows burn faster than `burnRate` x the error budget.
 */
export const burnRateWindows = [
  { long: '1h', short: '5m', burnRate: 14.4, for: '2m', severity: 'critical' },
  { long: '6h', short: '30m', burnRate: 6, for: '15m', severity: 'critical' },
  { long: '1d', short: '2h', burnRate: 3, for: '1h', severity: 'warning' },
  { long: '3d', short: '6h', burnRate: 1, for: '3h', severity: 'warning' },
] as const satisfies readonly { long: string; short: string; burnRate: number; for: string; severity: Severity }[];

export const sloWindows = [...new Set(burnRateWindows.flatMap((w) => [w.long, w.short]))];

const ns = `namespace=~"${marqueeNamespaces}"`;
const svc = `job="${jobs.services}"`;
const status = metricLabels.statusCode;
const requests = `${metrics.httpDuration}_count`;
const budget = (objective: number): number => Number((1 - objective).toPrecision(6));

/** The SLI ratios (bad / total) per window, as recording rules: `marquee:slo_<sli>:ratio_rate<window>`. */
export const sliRecord = (sli: 'availability' | 'latency', window: string) => `marquee:slo_${sli}_errors:ratio_rate${window}`;

function sloRecordingRules(): RecordingRule[] {
  const sel = `${svc}, service="${slos.service}"`;
  return sloWindows.flatMap((w) => [
    {
      record: sliRecord('availability', w),
      expr:
        `sum by (namespace) (rate(${requests}{${sel}, ${status}=~"5.."}[${w}]))\n` +
        `/\nsum by (namespace) (rate(${requests}{${sel}}[${w}]))`,
    },
    {
      record: sliRecord('latency', w),
      expr:
        `1 - (\n  sum by (namespace) (rate(${metrics.httpDuration}_bucket{${sel}, le="${slos.latency.thresholdSeconds}"}[${w}]))\n` +
        `  /\n  sum by (namespace) (rate(${requests}{${sel}}[${w}]))\n)`,
    },
  ]);
}

function burnRateAlerts(): AlertRule[] {
  const sli = [
    { key: 'availability' as const, alert: 'GatewayErrorBudgetBurn', objective: slos.availability.objective, what: 'availability (non-5xx responses)' },
    { key: 'latency' as const, alert: 'GatewayLatencyBudgetBurn', objective: slos.latency.objective, what: `latency (responses under ${slos.latency.thresholdSeconds}s)` },
  ];
  return sli.flatMap((s) =>
    burnRateWindows.map((w) => ({
      alert: s.alert,
      expr:
        `${sliRecord(s.key, w.long)} > (${w.burnRate} * ${budget(s.objective)})\n` +
        `and\n${sliRecord(s.key, w.short)} > (${w.burnRate} * ${budget(s.objective)})`,
      for: w.for,
      severity: w.severity,
      labels: { long_window: w.long, short_window: w.short },
      summary: `Gateway in {{ $labels.namespace }} burns its ${s.key} error budget ${w.burnRate}x too fast`,
      description:
        `The ${s.what} SLO of ${s.objective * 100}% is burning at more than ${w.burnRate}x the sustainable rate ` +
        `over both ${w.long} and ${w.short}. At this rate the 30-day budget is gone in ${Math.round((30 * 24) / w.burnRate)}h.`,
      runbook: s.key === 'availability' ? 'gatewayerrorbudgetburn' : 'gatewaylatencybudgetburn',
    })),
  );
}

/** `label_replace` that derives the owning Deployment (= HPA name) from a ReplicaSet pod name. */
const byWorkload = (expr: string) => `label_replace(${expr}, "horizontalpodautoscaler", "$1", "pod", "(.+)-[a-z0-9]+-[a-z0-9]{5}")`;

/** Pod utilisation of a resource against its requests, in percent, per HPA (what the HPA itself computes). */
function utilisationOfRequests(resource: 'cpu' | 'memory'): string {
  const usage =
    resource === 'cpu'
      ? `rate(container_cpu_usage_seconds_total{${ns}, container!=""}[5m])`
      : `container_memory_working_set_bytes{${ns}, container!=""}`;
  return (
    `100 * sum by (namespace, horizontalpodautoscaler) (${byWorkload(usage)})\n` +
    `  / sum by (namespace, horizontalpodautoscaler) (${byWorkload(`kube_pod_container_resource_requests{${ns}, resource="${resource}"}`)})`
  );
}

export function ruleGroups(): RuleGroup[] {
  const queue = (name: string) => `vhost="${broker.vhost}", queue="${name}"`;
  const dbs = databases.join('|');
  return [
    {
      name: 'meta',
      rules: [
        {
          alert: 'Watchdog',
          // Not vector(1): it fires only while Prometheus scrapes itself and evaluates rules,
          // so an external dead man's switch notices when either stops.
          expr: `sum(up{job="${jobs.prometheus}"}) > 0`,
          severity: 'none',
          summary: 'Alerting pipeline heartbeat',
          description: 'Always firing while Prometheus scrapes itself and evaluates rules; routed to the dead man\'s switch. Its absence is the alert.',
          runbook: 'watchdog',
        },
        {
          alert: 'TargetDown',
          expr: `100 * (count by (job, namespace) (up == 0) / count by (job, namespace) (up)) > 10`,
          for: '10m',
          severity: 'warning',
          summary: 'More than 10% of {{ $labels.job }} targets in {{ $labels.namespace }} are down',
          description: 'Prometheus cannot scrape some targets of this job: the pods are gone, unready or NetworkPolicy blocks port scraping.',
          runbook: 'targetdown',
        },
        {
          alert: 'PrometheusConfigReloadFailed',
          expr: `max_over_time(prometheus_config_last_reload_successful{job="${jobs.prometheus}"}[5m]) == 0`,
          for: '10m',
          severity: 'warning',
          summary: 'Prometheus {{ $labels.instance }} failed to reload its configuration',
          description: 'Prometheus runs with its previous configuration; the new prometheus.yml or a rule file is invalid.',
          runbook: 'prometheusconfigreloadfailed',
        },
        {
          alert: 'PrometheusRuleEvaluationFailures',
          expr: `increase(prometheus_rule_evaluation_failures_total{job="${jobs.prometheus}"}[5m]) > 0`,
          for: '15m',
          severity: 'critical',
          summary: 'Prometheus {{ $labels.instance }} fails to evaluate rules',
          description: 'Some alerting or recording rules error on every evaluation: alerts derived from them cannot fire.',
          runbook: 'prometheusruleevaluationfailures',
        },
        {
          alert: 'PrometheusNotConnectedToAlertmanagers',
          expr: `max_over_time(prometheus_notifications_alertmanagers_discovered{job="${jobs.prometheus}"}[5m]) < 1`,
          for: '10m',
          severity: 'critical',
          summary: 'Prometheus {{ $labels.instance }} is not connected to any Alertmanager',
          description: 'Alerts are evaluated but cannot be delivered.',
          runbook: 'prometheusnotconnectedtoalertmanagers',
        },
        {
          alert: 'PrometheusNotificationsFailing',
          expr:
            `rate(prometheus_notifications_errors_total{job="${jobs.prometheus}"}[5m])\n` +
            `/ rate(prometheus_notifications_sent_total{job="${jobs.prometheus}"}[5m]) > 0.01`,
          for: '15m',
          severity: 'warning',
          summary: 'Prometheus {{ $labels.instance }} fails to send alerts to {{ $labels.alertmanager }}',
          description: 'More than 1% of alert notifications to this Alertmanager fail.',
          runbook: 'prometheusnotificationsfailing',
        },
        {
          alert: 'AlertmanagerConfigReloadFailed',
          expr: `max_over_time(alertmanager_config_last_reload_successful{job="${jobs.alertmanager}"}[5m]) == 0`,
          for: '10m',
          severity: 'critical',
          summary: 'Alertmanager {{ $labels.instance }} failed to reload its configuration',
          description: 'Alertmanager runs with its previous configuration; alertmanager.yml or the webhook URL file is invalid.',
          runbook: 'alertmanagerconfigreloadfailed',
        },
        {
          alert: 'AlertmanagerNotificationsFailing',
          expr:
            `rate(alertmanager_notifications_failed_total{job="${jobs.alertmanager}"}[5m])\n` +
            `/ rate(alertmanager_notifications_total{job="${jobs.alertmanager}"}[5m]) > 0.01`,
          for: '5m',
          severity: 'critical',
          summary: 'Alertmanager {{ $labels.instance }} fails to deliver {{ $labels.integration }} notifications',
          description: 'More than 1% of notifications to this integration fail: the webhook is down or its URL is wrong.',
          runbook: 'alertmanagernotificationsfailing',
        },
      ],
    },
    {
      name: 'marquee-services',
      rules: [
        {
          alert: 'ServiceDown',
          expr: `sum by (namespace, service) (up{${svc}}) == 0`,
          for: '2m',
          severity: 'critical',
          summary: 'No {{ $labels.service }} pod in {{ $labels.namespace }} answers /metrics',
          description: 'Every scraped pod of this service is down or unreachable.',
          runbook: 'servicedown',
        },
        {
          alert: 'HttpErrorRateHigh',
          expr:
            `sum by (namespace, service) (rate(${requests}{${svc}, ${status}=~"5.."}[5m]))\n` +
            `/ sum by (namespace, service) (rate(${requests}{${svc}}[5m]))\n> ${thresholds.httpErrorRatio}`,
          for: '5m',
          severity: 'critical',
          summary: 'More than ${pct} of {{ $labels.service }} responses in {{ $labels.namespace }} are 5xx'.replace(
            '${pct}',
            `${thresholds.httpErrorRatio * 100}%`,
          ),
          description: 'The service answers with server errors; check its logs and its upstreams (marquee_upstream_errors_total).',
          runbook: 'httperrorratehigh',
        },
        {
          alert: 'EventLoopLagHigh',
          expr: `nodejs_eventloop_lag_p99_seconds{${svc}} > ${thresholds.eventLoopLagSeconds}`,
          for: '10m',
          severity: 'warning',
          summary: 'Event loop of {{ $labels.pod }} ({{ $labels.namespace }}) lags more than ' + `${thresholds.eventLoopLagSeconds * 1000}ms at p99`,
          description: 'Synchronous work blocks the event loop: requests queue up and probes may time out.',
          runbook: 'eventlooplaghigh',
        },
        {
          alert: 'MemoryLeakSuspected',
          // RSS growing steadily enough to cross the container limit within the horizon:
          // the leak pages hours before the OOM kill (and the restart that hides it).
          expr:
            `predict_linear(process_resident_memory_bytes{${svc}}[1h], ${thresholds.leakHorizonHours} * 3600)\n` +
            `> on (namespace, pod) group_left ()\n` +
            `  max by (namespace, pod) (kube_pod_container_resource_limits{${ns}, resource="memory"})\n` +
            `and on (namespace, pod)\n` +
            `deriv(process_resident_memory_bytes{${svc}}[1h]) > 0`,
          for: '30m',
          severity: 'warning',
          summary: `{{ $labels.pod }} ({{ $labels.namespace }}) will reach its memory limit within ${thresholds.leakHorizonHours}h`,
          description: 'Resident memory has grown steadily for an hour; extrapolated, it crosses the container memory limit. Take a heap snapshot before the OOM kill restarts the pod.',
          runbook: 'memoryleaksuspected',
        },
        {
          alert: 'OrdersOutboxBacklog',
          expr: `max by (namespace) (${metrics.outboxBacklog}{${svc}}) > ${thresholds.outboxBacklog}`,
          for: '10m',
          severity: 'warning',
          summary: 'Orders in {{ $labels.namespace }} are not leaving the billing outbox',
          description: `More than ${thresholds.outboxBacklog} orders are committed but not published to RabbitMQ.`,
          runbook: 'ordersoutboxbacklog',
        },
      ],
    },
    // Recordings first, then the alerts reading them: rules in one group run in order,
    // so every burn-rate evaluation sees the ratios of the same instant.
    { name: 'marquee-slo', rules: [...sloRecordingRules(), ...burnRateAlerts()] },
    {
      name: 'kubernetes',
      rules: [
        {
          alert: 'PodCrashLooping',
          expr: `max_over_time(kube_pod_container_status_waiting_reason{${ns}, reason="CrashLoopBackOff"}[5m]) >= 1`,
          for: '15m',
          severity: 'warning',
          summary: 'Container {{ $labels.container }} of {{ $labels.pod }} ({{ $labels.namespace }}) is crash-looping',
          description: 'The container keeps exiting and Kubernetes backs off restarting it.',
          runbook: 'podcrashlooping',
        },
        {
          alert: 'PodRestartingOften',
          expr: `increase(kube_pod_container_status_restarts_total{${ns}}[1h]) > ${thresholds.restartsPerHour}`,
          severity: 'warning',
          summary: 'Container {{ $labels.container }} of {{ $labels.pod }} ({{ $labels.namespace }}) restarted more than ' + `${thresholds.restartsPerHour} times in an hour`,
          description: 'Frequent restarts: liveness failures, OOM kills or crashes.',
          runbook: 'podrestartingoften',
        },
        {
          alert: 'ContainerOOMKilled',
          expr:
            `(kube_pod_container_status_restarts_total{${ns}} - kube_pod_container_status_restarts_total{${ns}} offset 10m >= 1)\n` +
            `and ignoring (reason)\n` +
            `min_over_time(kube_pod_container_status_last_terminated_reason{${ns}, reason="OOMKilled"}[10m]) == 1`,
          severity: 'warning',
          summary: 'Container {{ $labels.container }} of {{ $labels.pod }} ({{ $labels.namespace }}) was OOM-killed',
          description: 'The container exceeded its memory limit and was killed in the last 10 minutes.',
          runbook: 'containeroomkilled',
        },
        {
          alert: 'ContainerCpuNearLimit',
          expr:
            `sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{${ns}, container!=""}[5m]))\n` +
            `/ sum by (namespace, pod, container) (kube_pod_container_resource_limits{${ns}, resource="cpu"})\n> ${thresholds.cpuOfLimit}`,
          for: '15m',
          severity: 'warning',
          summary: `Container {{ $labels.container }} of {{ $labels.pod }} ({{ $labels.namespace }}) uses more than ${thresholds.cpuOfLimit * 100}% of its CPU limit`,
          description: 'The container is close to CFS throttling; latency rises before the HPA reacts.',
          runbook: 'containercpunearlimit',
        },
        {
          alert: 'ContainerMemoryNearLimit',
          expr:
            `sum by (namespace, pod, container) (container_memory_working_set_bytes{${ns}, container!=""})\n` +
            `/ sum by (namespace, pod, container) (kube_pod_container_resource_limits{${ns}, resource="memory"})\n> ${thresholds.memoryOfLimit}`,
          for: '15m',
          severity: 'warning',
          summary: `Container {{ $labels.container }} of {{ $labels.pod }} ({{ $labels.namespace }}) uses more than ${thresholds.memoryOfLimit * 100}% of its memory limit`,
          description: 'The next allocation spike gets the container OOM-killed.',
          runbook: 'containermemorynearlimit',
        },
        {
          alert: 'HpaMaxedOut',
          // At max replicas AND still above the HPA's own target: it wants to scale but cannot.
          expr:
            `(kube_horizontalpodautoscaler_status_current_replicas{${ns}}\n` +
            ` >= kube_horizontalpodautoscaler_spec_max_replicas{${ns}})\n` +
            `and on (namespace, horizontalpodautoscaler)\n(\n` +
            `  (${utilisationOfRequests('cpu')}) > ${autoscaling.cpuUtilization}\n` +
            `  or\n` +
            `  (${utilisationOfRequests('memory')}) > ${autoscaling.memoryUtilization}\n)`,
          for: '15m',
          severity: 'warning',
          summary: 'HPA {{ $labels.horizontalpodautoscaler }} ({{ $labels.namespace }}) is at max replicas and still above target',
          description: `The HPA runs maxReplicas and utilisation stays above its target (CPU ${autoscaling.cpuUtilization}% / memory ${autoscaling.memoryUtilization}% of requests): raise maxReplicas in the overlay or find the hot path.`,
          runbook: 'hpamaxedout',
        },
        {
          alert: 'PvcFillingUp',
          expr:
            `kubelet_volume_stats_available_bytes{namespace=~"${marqueeNamespaces}|monitoring"}\n` +
            `/ kubelet_volume_stats_capacity_bytes{namespace=~"${marqueeNamespaces}|monitoring"} < ${thresholds.pvcFillingUp}\n` +
            `and\npredict_linear(kubelet_volume_stats_available_bytes{namespace=~"${marqueeNamespaces}|monitoring"}[6h], 4 * 24 * 3600) < 0`,
          for: '1h',
          severity: 'warning',
          summary: 'Volume {{ $labels.persistentvolumeclaim }} ({{ $labels.namespace }}) fills up within 4 days',
          description: `Less than ${thresholds.pvcFillingUp * 100}% free and the 6h trend reaches zero within four days (database storage: PostgreSQL data, RabbitMQ, Prometheus TSDB).`,
          runbook: 'pvcfillingup',
        },
        {
          alert: 'PvcAlmostFull',
          expr:
            `kubelet_volume_stats_available_bytes{namespace=~"${marqueeNamespaces}|monitoring"}\n` +
            `/ kubelet_volume_stats_capacity_bytes{namespace=~"${marqueeNamespaces}|monitoring"} < ${thresholds.pvcAlmostFull}`,
          for: '1m',
          severity: 'critical',
          summary: `Volume {{ $labels.persistentvolumeclaim }} ({{ $labels.namespace }}) has less than ${thresholds.pvcAlmostFull * 100}% free`,
          description: 'Writes are about to fail: PostgreSQL stops accepting transactions, RabbitMQ raises its disk alarm.',
          runbook: 'pvcalmostfull',
        },
        {
          alert: 'NodeCpuHigh',
          expr: `1 - avg by (instance) (rate(node_cpu_seconds_total{job="${jobs.nodeExporter}", mode="idle"}[5m])) > ${thresholds.nodeCpu}`,
          for: '15m',
          severity: 'warning',
          summary: `Node {{ $labels.instance }} CPU above ${thresholds.nodeCpu * 100}%`,
          description: 'The node is saturated: pods on it get throttled regardless of their limits.',
          runbook: 'nodecpuhigh',
        },
        {
          alert: 'NodeMemoryLow',
          expr:
            `node_memory_MemAvailable_bytes{job="${jobs.nodeExporter}"}\n` +
            `/ node_memory_MemTotal_bytes{job="${jobs.nodeExporter}"} < ${thresholds.nodeMemoryAvailable}`,
          for: '15m',
          severity: 'warning',
          summary: `Node {{ $labels.instance }} has less than ${thresholds.nodeMemoryAvailable * 100}% memory available`,
          description: 'The kubelet starts evicting pods soon.',
          runbook: 'nodememorylow',
        },
      ],
    },
    {
      name: 'postgres',
      rules: [
        {
          alert: 'PostgresDown',
          // dev's StatefulSet runs postgres_exporter (pg_up); a CloudNativePG instance reports
          // the same through its instance manager (cnpg_collector_up), on the same scrape job
          expr: `pg_up{job="${jobs.postgres}"} == 0 or cnpg_collector_up{job="${jobs.postgres}"} == 0`,
          for: '1m',
          severity: 'critical',
          summary: 'PostgreSQL in {{ $labels.namespace }} is down',
          description: 'The exporter (postgres_exporter in dev, the CloudNativePG instance manager in test and prod) cannot connect to PostgreSQL: inventory and billing fail readiness.',
          runbook: 'postgresdown',
        },
        {
          alert: 'PostgresTooManyConnections',
          expr:
            `sum by (namespace, pod) (pg_stat_activity_count{job="${jobs.postgres}"})\n` +
            `/ max by (namespace, pod) (pg_settings_max_connections{job="${jobs.postgres}"}) > ${thresholds.postgresConnections}\n` +
            // CloudNativePG's default monitoring queries: backends and pg_settings
            `or sum by (namespace, pod) (cnpg_backends_total{job="${jobs.postgres}"})\n` +
            `/ max by (namespace, pod) (cnpg_pg_settings_setting{job="${jobs.postgres}", name="max_connections"}) > ${thresholds.postgresConnections}`,
          for: '5m',
          severity: 'warning',
          summary: `PostgreSQL in {{ $labels.namespace }} uses more than ${thresholds.postgresConnections * 100}% of max_connections`,
          description: 'New connections will be refused soon; check the services\' pool sizes against their replica counts.',
          runbook: 'postgrestoomanyconnections',
        },
        {
          alert: 'PostgresDeadlocks',
          expr:
            `increase(pg_stat_database_deadlocks{job="${jobs.postgres}", datname=~"${dbs}"}[10m]) > 0\n` +
            `or increase(cnpg_pg_stat_database_deadlocks{job="${jobs.postgres}", datname=~"${dbs}"}[10m]) > 0`,
          severity: 'warning',
          summary: 'Deadlocks in database {{ $labels.datname }} ({{ $labels.namespace }})',
          description: 'Transactions were aborted to break deadlocks in the last 10 minutes.',
          runbook: 'postgresdeadlocks',
        },
      ],
    },
    {
      name: 'rabbitmq',
      rules: [
        {
          alert: 'RabbitmqAlarm',
          // A sum, not `or`: `or` keeps only the first of series with equal labels, hiding a disk alarm behind memory=0.
          expr:
            `(\n` +
            `  max by (namespace, pod) (rabbitmq_alarms_memory_used_watermark{job="${jobs.rabbitmq}"})\n` +
            `  + max by (namespace, pod) (rabbitmq_alarms_free_disk_space_watermark{job="${jobs.rabbitmq}"})\n` +
            `  + max by (namespace, pod) (rabbitmq_alarms_file_descriptor_limit{job="${jobs.rabbitmq}"})\n) > 0`,
          severity: 'critical',
          summary: 'RabbitMQ {{ $labels.pod }} ({{ $labels.namespace }}) raised a resource alarm',
          description: 'A memory, disk or file-descriptor alarm blocks every publisher: billing-api cannot publish orders.',
          runbook: 'rabbitmqalarm',
        },
        {
          alert: 'OrdersQueueWithoutConsumer',
          expr: `max by (namespace, queue) (rabbitmq_detailed_queue_consumers{job="${jobs.rabbitmqQueues}", ${queue(broker.queue)}}) == 0`,
          for: '5m',
          severity: 'critical',
          summary: 'Nobody consumes {{ $labels.queue }} in {{ $labels.namespace }}',
          description: 'billing-worker is not connected: orders are accepted but never completed.',
          runbook: 'ordersqueuewithoutconsumer',
        },
        {
          alert: 'OrdersBacklogGrowing',
          expr:
            `max by (namespace, queue) (rabbitmq_detailed_queue_messages_ready{job="${jobs.rabbitmqQueues}", ${queue(broker.queue)}}) > ${thresholds.ordersBacklog}\n` +
            `and\nmax by (namespace, queue) (deriv(rabbitmq_detailed_queue_messages_ready{job="${jobs.rabbitmqQueues}", ${queue(broker.queue)}}[15m])) > 0`,
          for: '15m',
          severity: 'warning',
          summary: 'Orders pile up in {{ $labels.queue }} ({{ $labels.namespace }})',
          description: `More than ${thresholds.ordersBacklog} ready orders and still growing: billing-worker is slower than billing-api.`,
          runbook: 'ordersbackloggrowing',
        },
        {
          alert: 'DeadLetterQueueNotEmpty',
          expr: `max by (namespace, queue) (rabbitmq_detailed_queue_messages{job="${jobs.rabbitmqQueues}", ${queue(broker.deadLetterQueue)}}) > 0`,
          for: '5m',
          severity: 'warning',
          summary: '{{ $labels.queue }} in {{ $labels.namespace }} holds dead-lettered orders',
          description: `Orders were rejected ${broker.deliveryLimit} times and dead-lettered; they need a human decision (replay or refund).`,
          runbook: 'deadletterqueuenotempty',
        },
      ],
    },
    // Argo Rollouts state (issue 21): generators/monitoring/rollout-alerts.ts.
    rolloutRuleGroup(),
    // CloudNativePG Clusters (issue 20): generators/monitoring/alerts-database.ts.
    cloudnativePgRuleGroup(),
  ];
}

